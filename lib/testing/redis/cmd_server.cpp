// Server commands: INFO ROLE REPLICAOF SLAVEOF TIME WAIT COMMAND (CONFIG: cmd_config.cpp).

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "redis/cmd_util.hpp"
#include "sentinel/sentinel_core.hpp"

namespace sentinelpool::testing::detail {

namespace {

void infoLine(std::string& out, std::string_view k, const std::string& v) {
    out.append(k);
    out += ':';
    out += v;
    out += "\r\n";
}

std::string osName() {
    utsname u{};
    if (uname(&u) != 0) return "Linux";
    return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

std::string executablePath() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

void appendInfoServer(std::string& out, const std::string& runId, int port, std::int64_t startedMs,
                      std::string_view mode) {
    std::int64_t now = wallMs();
    std::int64_t uptime = (now - startedMs) / 1000;
    out += "# Server\r\n";
    infoLine(out, "redis_version", "7.0.15");
    infoLine(out, "redis_git_sha1", "00000000");
    infoLine(out, "redis_git_dirty", "0");
    infoLine(out, "redis_build_id", "5e1f1a5c6e5d2b7a");
    infoLine(out, "redis_mode", std::string(mode));
    infoLine(out, "os", osName());
    infoLine(out, "arch_bits", "64");
    infoLine(out, "monotonic_clock", "POSIX clock_gettime");
    infoLine(out, "multiplexing_api", "epoll");
    infoLine(out, "atomicvar_api", "c11-builtin");
    infoLine(out, "gcc_version", "0.0.0");
    infoLine(out, "process_id", std::to_string(getpid()));
    infoLine(out, "process_supervised", "no");
    infoLine(out, "run_id", runId);
    infoLine(out, "tcp_port", std::to_string(port));
    infoLine(out, "server_time_usec", std::to_string(wallUs()));
    infoLine(out, "uptime_in_seconds", std::to_string(uptime));
    infoLine(out, "uptime_in_days", std::to_string(uptime / 86400));
    infoLine(out, "hz", "10");
    infoLine(out, "configured_hz", "10");
    infoLine(out, "lru_clock", std::to_string((now / 1000) & ((1 << 24) - 1)));
    infoLine(out, "executable", executablePath());
    infoLine(out, "config_file", "");
    infoLine(out, "io_threads_active", "0");
}

void appendInfoClients(std::string& out, Server& server) {
    auto st = server.stats();
    std::size_t blocked = 0;
    server.forEachPeer([&](Peer& p) { blocked += p.blocked ? 1 : 0; });
    out += "# Clients\r\n";
    infoLine(out, "connected_clients", std::to_string(st.connectedClients));
    infoLine(out, "cluster_connections", "0");
    infoLine(out, "maxclients", "10000");
    infoLine(out, "client_recent_max_input_buffer", "20480");
    infoLine(out, "client_recent_max_output_buffer", "0");
    infoLine(out, "blocked_clients", std::to_string(blocked));
    infoLine(out, "tracking_clients", "0");
    infoLine(out, "clients_in_timeout_table", std::to_string(blocked));
}

namespace {

void infoPersistence(std::string& out) {
    out += "# Persistence\r\n";
    for (const char* l :
         {"loading:0", "async_loading:0", "current_cow_peak:0", "current_cow_size:0", "current_cow_size_age:0",
          "current_fork_perc:0.00", "current_save_keys_processed:0", "current_save_keys_total:0",
          "rdb_changes_since_last_save:0", "rdb_bgsave_in_progress:0", "rdb_last_save_time:0",
          "rdb_last_bgsave_status:ok", "rdb_last_bgsave_time_sec:-1", "rdb_current_bgsave_time_sec:-1", "rdb_saves:0",
          "rdb_last_cow_size:0", "rdb_last_load_keys_expired:0", "rdb_last_load_keys_loaded:0", "aof_enabled:0",
          "aof_rewrite_in_progress:0", "aof_rewrite_scheduled:0", "aof_last_rewrite_time_sec:-1",
          "aof_current_rewrite_time_sec:-1", "aof_last_bgrewrite_status:ok", "aof_rewrites:0",
          "aof_rewrites_consecutive_failures:0", "aof_last_write_status:ok", "aof_last_cow_size:0",
          "module_fork_in_progress:0", "module_fork_last_cow_size:0"}) {
        out += l;
        out += "\r\n";
    }
}

void infoStats(std::string& out, Server& server, MiniRedisCore& core) {
    auto st = server.stats();
    out += "# Stats\r\n";
    infoLine(out, "total_connections_received", std::to_string(st.connectionsReceived));
    infoLine(out, "total_commands_processed", std::to_string(st.commandsProcessed));
    infoLine(out, "instantaneous_ops_per_sec", "0");
    infoLine(out, "rejected_connections", std::to_string(st.rejectedConnections));
    infoLine(out, "sync_full", "0");
    infoLine(out, "sync_partial_ok", "0");
    infoLine(out, "sync_partial_err", "0");
    infoLine(out, "expired_keys", std::to_string(core.expiredKeys()));
    infoLine(out, "evicted_keys", "0");
    infoLine(out, "keyspace_hits", "0");
    infoLine(out, "keyspace_misses", "0");
    infoLine(out, "pubsub_channels", std::to_string(server.activeChannels({}).size()));
    infoLine(out, "pubsub_patterns", std::to_string(server.numPatterns()));
    infoLine(out, "total_error_replies", "0");
}

void infoKeyspace(std::string& out, MiniRedisCore& core) {
    out += "# Keyspace\r\n";
    for (int i = 0; i < Keyspace::kDatabases; ++i) {
        Db& d = core.db(i);
        if (d.keys.empty()) continue;
        infoLine(out, "db" + std::to_string(i),
                 "keys=" + std::to_string(d.keys.size()) + ",expires=" + std::to_string(d.expiresCount()) +
                     ",avg_ttl=0");
    }
}

}  // namespace

// INFO's text for the given sections (empty: the default ones), in Redis's
// order. The caller holds the data lock, on the loop thread.
std::string infoText(MiniRedisCore& core, Server& server, const std::vector<std::string_view>& sections) {
    static const char* kOrder[] = {"server", "clients", "persistence", "stats", "replication", "keyspace"};
    bool want[6] = {};
    if (sections.empty())
        for (bool& w : want) w = true;
    for (auto sec : sections) {
        if (iequals(sec, "default") || iequals(sec, "all") || iequals(sec, "everything")) {
            for (bool& w : want) w = true;
            continue;
        }
        for (int i = 0; i < 6; ++i)
            if (iequals(sec, kOrder[i])) want[i] = true;
    }
    std::string out;
    for (int i = 0; i < 6; ++i) {
        if (!want[i]) continue;
        if (!out.empty()) out += "\r\n";
        switch (i) {
        case 0: appendInfoServer(out, core.runId(), core.port(), core.startedMs(), "standalone"); break;
        case 1: appendInfoClients(out, server); break;
        case 2: infoPersistence(out); break;
        case 3: infoStats(out, server, core); break;
        case 4: core.infoReplicationLocked(out); break;
        case 5: infoKeyspace(out, core); break;
        }
    }
    return out;
}

namespace {

void info(Call& c) {
    std::vector<std::string_view> sections(c.argv.begin() + 1, c.argv.end());
    c.reply.verbatim(infoText(MiniRedisCore::of(c), c.server, sections));
}

void role(Call& c) { MiniRedisCore::of(c).roleReplyLocked(c.reply); }

void replicaof(Call& c) {
    auto& core = MiniRedisCore::of(c);
    if (c.is(1, "no") && c.is(2, "one")) {
        core.promote();
        c.reply.ok();
        return;
    }
    auto port = parseInt(c.arg(2));
    if (!port || *port < 0 || *port > 65535) {
        c.reply.error("ERR Invalid master port");
        return;
    }
    if (!core.replicaOf(std::string(c.arg(1)), static_cast<int>(*port))) {
        c.reply.simple("OK Already connected to specified master");
        return;
    }
    c.reply.ok();
}

void timeCmd(Call& c) {
    auto& core = MiniRedisCore::of(c);
    std::int64_t us = wallUs() + (core.nowMs() - wallMs()) * 1000;
    c.reply.array(2);
    c.reply.bulk(std::to_string(us / 1000000));
    c.reply.bulk(std::to_string(us % 1000000));
}

void wait(Call& c) {
    long long num, timeout;
    if (!argInt(c, 1, num)) return;
    auto t = parseInt(c.arg(2));
    if (!t) {
        c.reply.error("ERR timeout is not an integer or out of range");
        return;
    }
    timeout = *t;
    if (timeout < 0) {
        c.reply.error("ERR timeout is negative");
        return;
    }
    MiniRedisCore::of(c).waitCommand(c, num, timeout);
}

// ---- COMMAND ----

void docMap(Reply& r, const Command& cmd) {
    bool subs = cmd.isContainer();
    r.map(4 + (subs ? 1 : 0));
    r.bulk("summary");
    r.bulk(cmd.doc.summary);
    r.bulk("since");
    r.bulk(cmd.doc.since);
    r.bulk("group");
    r.bulk(cmd.doc.group);
    r.bulk("complexity");
    r.bulk(cmd.doc.complexity);
    if (subs) {
        r.bulk("subcommands");
        r.map(cmd.subcommands.size());
        for (auto& kv : cmd.subcommands) {
            r.bulk(kv.second->name);
            docMap(r, *kv.second);
        }
    }
}

void keyPositions(const Command& cmd, int& first, int& last, int& step) {
    if (cmd.keySpecSet) {
        first = cmd.firstKey;
        last = cmd.lastKey;
        step = cmd.keyStep;
        return;
    }
    first = last = step = 0;
    const std::string& g = cmd.doc.group;
    const std::string& n = cmd.name;
    if (g != "string" && g != "hash" && g != "generic") return;
    if (n == "keys" || n == "scan" || n == "randomkey") return;
    first = step = 1;
    last = 1;
    if (n == "del" || n == "unlink" || n == "exists" || n == "mget") last = -1;
    if (n == "mset" || n == "msetnx") {
        last = -1;
        step = 2;
    }
    if (n == "rename" || n == "renamenx") last = 2;
}

void infoEntry(Reply& r, const Command& cmd) {
    r.array(10);
    r.bulk(cmd.name);
    r.integer(cmd.arity);
    std::vector<const char*> flags;
    flags.push_back((cmd.flags & kCmdWrite) ? "write" : "readonly");
    if (cmd.flags & kCmdFast) flags.push_back("fast");
    if (cmd.flags & kCmdNoAuth) flags.push_back("no_auth");
    if (cmd.flags & kCmdPubSub) flags.push_back("pubsub");
    if (cmd.movableKeys) flags.push_back("movablekeys");
    r.set(flags.size());
    for (auto* f : flags) r.simple(f);
    int first, last, step;
    keyPositions(cmd, first, last, step);
    r.integer(first);
    r.integer(last);
    r.integer(step);
    r.set(1);
    r.simple("@" + cmd.doc.group);
    r.set(0);
    r.emptyArray();
    r.array(cmd.subcommands.size());
    for (auto& kv : cmd.subcommands) infoEntry(r, *kv.second);
}

void commandAll(Call& c) {
    const auto& all = c.server.table().all();
    c.reply.array(all.size());
    for (auto& kv : all) infoEntry(c.reply, *kv.second);
}

void commandCount(Call& c) { c.reply.integer(static_cast<long long>(c.server.table().all().size())); }

void commandDocs(Call& c) {
    const auto& table = c.server.table();
    std::vector<const Command*> cmds;
    if (c.argc() == 2) {
        for (auto& kv : table.all()) cmds.push_back(kv.second.get());
    } else {
        for (std::size_t i = 2; i < c.argc(); ++i)
            if (const Command* cmd = table.findFullName(c.arg(i))) cmds.push_back(cmd);
    }
    c.reply.map(cmds.size());
    for (const Command* cmd : cmds) {
        c.reply.bulk(cmd->name);
        docMap(c.reply, *cmd);
    }
}

void commandInfo(Call& c) {
    const auto& table = c.server.table();
    if (c.argc() == 2) {
        commandAll(c);
        return;
    }
    c.reply.array(c.argc() - 2);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        if (const Command* cmd = table.findFullName(c.arg(i)))
            infoEntry(c.reply, *cmd);
        else
            c.reply.null();  // "$-1" / "_", as Redis
    }
}

// As Redis 7.0: every command, each followed by its sub-commands
// ("client|setname"); FILTERBY PATTERN (a case-insensitive glob on those
// names), MODULE (none here: nothing) or ACLCAT. Anything else, or more or
// fewer arguments, is a syntax error. ACLCAT filters on a MiniSentinel (its
// ACL CAT table; nothing for an unknown category, as Redis); MiniRedis does
// not keep Redis's ACL categories, so there it lists everything.
void commandList(Call& c) {
    std::string pattern;
    bool byPattern = false, none = false;
    std::set<std::string> only;  // ACLCAT on a Sentinel
    bool byCategory = false;
    if (c.argc() == 5 && c.is(2, "filterby")) {
        if (c.is(3, "pattern")) {
            pattern = std::string(c.arg(4));
            byPattern = true;
        } else if (c.is(3, "module")) {
            none = true;
        } else if (c.is(3, "aclcat")) {
            if (c.server.app().mode() == "sentinel") {
                std::vector<std::string> members;
                if (!sentinelAclCategory(c.server.table(), c.arg(4), members)) none = true;
                only.insert(members.begin(), members.end());
                byCategory = true;
            }
        } else {
            c.reply.error(err::kSyntax);
            return;
        }
    } else if (c.argc() != 2) {
        c.reply.error(err::kSyntax);
        return;
    }
    std::vector<const std::string*> names;
    auto take = [&](const std::string& name) {
        if (none) return;
        if (byPattern && !globMatch(pattern, name, true)) return;
        if (byCategory && !only.count(name)) return;
        names.push_back(&name);
    };
    for (auto& kv : c.server.table().all()) {
        take(kv.second->name);
        for (auto& sub : kv.second->subcommands) take(sub.second->name);
    }
    c.reply.array(names.size());
    for (auto* n : names) c.reply.bulk(*n);
}

}  // namespace

void registerServerCommands(CommandTable& t) {
    t.add("info", -1, 0, info, {"Returns information and statistics about the server.", "1.0.0", "server", "O(1)"});
    t.add("role", 1, kCmdFast, role, {"Returns the replication role.", "2.8.12", "server", "O(1)"});
    t.add("replicaof", 3, kCmdNoLock | kCmdAdmin, replicaof, {"Configures a server as replica of another, or promotes it to a master.", "5.0.0", "server", "O(1)"});
    t.add("slaveof", 3, kCmdNoLock | kCmdAdmin, replicaof, {"Sets a Redis server as a replica of another, or promotes it to being a master.", "1.0.0", "server", "O(1)"});
    t.add("time", 1, kCmdFast, timeCmd, {"Returns the server time.", "2.6.0", "server", "O(1)"});
    t.add("wait", 3, 0, wait, {"Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.", "3.0.0", "generic", "O(1)"});
    registerCommandCommand(t);
}

void registerCommandCommand(CommandTable& t) {
    t.add("command", -1, kCmdNoLock, commandAll, {"Returns detailed information about all commands.", "2.8.13", "server", "O(N)"});
    t.addSub("command", "count", 2, kCmdNoLock, commandCount, {"Returns a count of commands.", "2.8.13", "server", "O(1)"});
    t.addSub("command", "docs", -2, kCmdNoLock, commandDocs, {"Returns documentary information about one, multiple or all commands.", "7.0.0", "server", "O(N)"});
    t.addSub("command", "info", -2, kCmdNoLock, commandInfo, {"Returns information about one, multiple or all commands.", "2.8.13", "server", "O(N)"});
    t.addSub("command", "list", -2, kCmdNoLock, commandList, {"Returns a list of command names.", "7.0.0", "server", "O(N)"});
}

}  // namespace sentinelpool::testing::detail
