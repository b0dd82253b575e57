// The command surface of a Redis 7.0 Sentinel and nothing else: ACL AUTH
// CLIENT COMMAND HELLO INFO PING ROLE SENTINEL SHUTDOWN (P)SUBSCRIBE
// (P)UNSUBSCRIBE PUBLISH; with the reply shapes, record fields and error
// texts captured from a real 7.0.15 Sentinel (shared/reference/sentinel-wire).

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "redis/mini_redis_core.hpp"
#include "redis/registry.hpp"
#include "sentinel/sentinel_core.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

namespace {

const char* kNoSuchMaster = "ERR No such master with that name";

// A record is a map of field -> bulk string (a flat array in RESP2).
using Record = std::vector<std::pair<std::string, std::string>>;

void replyRecord(Reply& r, const Record& rec) {
    r.map(rec.size());
    for (auto& kv : rec) {
        r.bulk(kv.first);
        r.bulk(kv.second);
    }
}

std::string ms(std::int64_t v) { return std::to_string(v < 0 ? 0 : v); }

std::string nodeFlags(const NodeView& n, bool odown, bool failover, bool forced) {
    std::string f;
    if (n.sdown) f += "s_down,";
    if (odown) f += "o_down,";
    f += n.isMaster ? "master," : "slave,";
    if (n.disconnected) f += "disconnected,";
    if (failover) f += "failover_in_progress,";
    if (n.promoted) f += "promoted,";
    if (n.reconfSent && !n.reconfInprog && !n.reconfDone) f += "reconf_sent,";
    if (n.reconfInprog && !n.reconfDone) f += "reconf_inprog,";
    if (n.reconfDone) f += "reconf_done,";
    if (forced) f += "force_failover,";
    f.pop_back();
    return f;
}

// A command to the instance waits for its reply: Redis reports
// link-pending-commands and last-ping-sent (time since the unanswered PING)
// only then. A reachable instance answers each check at once, so a link is
// pending when the last check got no valid answer (not on a link just made,
// as after RESET or MONITOR, nor on a healthy one).
bool linkPending(const NodeView& n) { return n.lastCheckMs > n.lastOkMs; }

// Fields every instance record starts with.
void commonFields(Record& rec, const std::string& name, const std::string& ip, int port, const std::string& runId,
                  const std::string& flags, bool pending) {
    rec.emplace_back("name", name);
    rec.emplace_back("ip", ip);
    rec.emplace_back("port", std::to_string(port));
    rec.emplace_back("runid", runId);
    rec.emplace_back("flags", flags);
    rec.emplace_back("link-pending-commands", pending ? "2" : "0");
    rec.emplace_back("link-refcount", "1");
}

Record masterRecord(const SentinelCore& s, const MasterView& m, std::int64_t now) {
    const NodeView& n = m.node;
    Record rec;
    bool failover = m.state != FailoverState::None;
    bool pending = linkPending(n);
    commonFields(rec, m.name, n.ip, n.port, n.runId, nodeFlags(n, m.odown, failover, failover && m.forced), pending);
    if (failover) rec.emplace_back("failover-state", failoverStateName(m.state));
    rec.emplace_back("last-ping-sent", pending ? ms(now - n.lastOkMs) : "0");
    rec.emplace_back("last-ok-ping-reply", ms(now - n.lastOkMs));
    rec.emplace_back("last-ping-reply", ms(now - n.lastPingMs));
    if (n.sdown) rec.emplace_back("s-down-time", ms(now - n.sdownSinceMs));
    if (m.odown) rec.emplace_back("o-down-time", ms(now - m.odownSinceMs));
    rec.emplace_back("down-after-milliseconds", std::to_string(m.downAfterMs));
    rec.emplace_back("info-refresh", n.infoRefreshMs ? ms(now - n.infoRefreshMs) : "0");
    rec.emplace_back("role-reported", n.reportsMaster ? "master" : "slave");
    rec.emplace_back("role-reported-time", ms(now - n.roleReportedMs));
    rec.emplace_back("config-epoch", std::to_string(m.configEpoch));
    rec.emplace_back("num-slaves", std::to_string(m.replicas.size()));
    rec.emplace_back("num-other-sentinels", std::to_string(m.peers.size()));
    rec.emplace_back("quorum", std::to_string(m.quorum));
    rec.emplace_back("failover-timeout", std::to_string(m.failoverTimeoutMs));
    rec.emplace_back("parallel-syncs", std::to_string(m.parallelSyncs));
    (void)s;
    return rec;
}

Record replicaRecord(const MasterView& m, const NodeView& n, std::int64_t now) {
    Record rec;
    bool pending = linkPending(n);
    commonFields(rec, n.key(), n.ip, n.port, n.runId, nodeFlags(n, false, false, false), pending);
    rec.emplace_back("last-ping-sent", pending ? ms(now - n.lastOkMs) : "0");
    rec.emplace_back("last-ok-ping-reply", ms(now - n.lastOkMs));
    rec.emplace_back("last-ping-reply", ms(now - n.lastPingMs));
    if (n.sdown) rec.emplace_back("s-down-time", ms(now - n.sdownSinceMs));
    rec.emplace_back("down-after-milliseconds", std::to_string(m.downAfterMs));
    rec.emplace_back("info-refresh", n.infoRefreshMs ? ms(now - n.infoRefreshMs) : "0");
    rec.emplace_back("role-reported", n.reportsMaster ? "master" : "slave");
    rec.emplace_back("role-reported-time", ms(now - n.roleReportedMs));
    bool known = !n.reportsMaster && !n.masterHost.empty();
    rec.emplace_back("master-link-down-time",
                     known && !n.linkUp && n.linkDownSinceMs >= 0 ? ms(now - n.linkDownSinceMs) : "0");
    rec.emplace_back("master-link-status", known && n.linkUp ? "ok" : "err");
    rec.emplace_back("master-host", known ? n.masterHost : "?");
    rec.emplace_back("master-port", known ? std::to_string(n.masterPort) : "0");
    rec.emplace_back("slave-priority", std::to_string(n.priority));
    rec.emplace_back("slave-repl-offset", n.reportsMaster ? "0" : std::to_string(n.offset));
    rec.emplace_back("replica-announced", "1");
    return rec;
}

Record sentinelRecord(const MasterView& m, const PeerView& p, std::int64_t now) {
    Record rec;
    std::string flags = p.sdown ? "s_down,sentinel,disconnected" : "sentinel";
    commonFields(rec, p.runId, p.ip, p.port, p.runId, flags, p.sdown);
    rec.emplace_back("last-ping-sent", p.sdown ? ms(now - p.lastOkMs) : "0");
    rec.emplace_back("last-ok-ping-reply", ms(now - p.lastOkMs));
    rec.emplace_back("last-ping-reply", ms(now - p.lastOkMs));
    rec.emplace_back("down-after-milliseconds", std::to_string(m.downAfterMs));
    rec.emplace_back("last-hello-message", ms(now - p.lastHelloMs));
    rec.emplace_back("voted-leader", p.leader.empty() ? "?" : p.leader);
    rec.emplace_back("voted-leader-epoch", std::to_string(p.leaderEpoch));
    return rec;
}

// Looks the master up or replies "No such master with that name".
MasterView* masterOrError(Call& c, std::size_t arg) {
    MasterView* m = SentinelCore::of(c).master(std::string(c.arg(arg)));
    if (!m) c.reply.error(kNoSuchMaster);
    return m;
}

void sentinelMasters(Call& c) {
    auto& s = SentinelCore::of(c);
    std::int64_t now = wallMs();
    c.reply.array(s.masters().size());
    for (auto& kv : s.masters()) replyRecord(c.reply, masterRecord(s, *kv.second, now));
}

void sentinelMaster(Call& c) {
    if (MasterView* m = masterOrError(c, 2)) replyRecord(c.reply, masterRecord(SentinelCore::of(c), *m, wallMs()));
}

void sentinelReplicas(Call& c) {
    MasterView* m = masterOrError(c, 2);
    if (!m) return;
    std::int64_t now = wallMs();
    c.reply.array(m->replicas.size());
    for (auto& r : m->replicas) replyRecord(c.reply, replicaRecord(*m, r, now));
}

void sentinelSentinels(Call& c) {
    MasterView* m = masterOrError(c, 2);
    if (!m) return;
    std::int64_t now = wallMs();
    c.reply.array(m->peers.size());
    for (auto& p : m->peers) replyRecord(c.reply, sentinelRecord(*m, p, now));
}

void sentinelGetMasterAddr(Call& c) {
    auto& s = SentinelCore::of(c);
    MasterView* m = s.master(std::string(c.arg(2)));
    if (!m) {
        c.reply.nullArray();
        return;
    }
    auto addr = s.currentAddress(*m);
    c.reply.array(2);
    c.reply.bulk(addr.first);
    c.reply.bulk(std::to_string(addr.second));
}

void sentinelCkquorum(Call& c) {
    MasterView* m = masterOrError(c, 2);
    if (!m) return;
    int usable = SentinelCore::of(c).usableSentinels(*m);
    int voters = static_cast<int>(m->peers.size()) + 1;
    std::string n = std::to_string(usable);
    if (usable < m->quorum) {
        c.reply.error("NOQUORUM " + n +
                      " usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master");
    } else if (usable < voters / 2 + 1) {
        c.reply.error("NOQUORUM " + n +
                      " usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover");
    } else {
        c.reply.simple("OK " + n + " usable Sentinels. Quorum and failover authorization can be reached");
    }
}

void sentinelFailover(Call& c) {
    std::string err = SentinelCore::of(c).startManualFailover(std::string(c.arg(2)));
    if (err.empty())
        c.reply.ok();
    else
        c.reply.error(err);
}

void sentinelReset(Call& c) { c.reply.integer(SentinelCore::of(c).reset(std::string(c.arg(2)))); }

// Redis's order: quorum and port must be integers, the quorum positive, the
// address an IP literal (with resolve-hostnames no), then the port in range
// (0 is valid) and the name new.
void sentinelMonitor(Call& c) {
    auto quorum = parseInt(c.arg(5));
    if (!quorum) {
        c.reply.error("ERR Invalid quorum");
        return;
    }
    auto port = parseInt(c.arg(4));
    if (!port) {
        c.reply.error("ERR Invalid port");
        return;
    }
    if (*quorum <= 0) {
        c.reply.error("ERR Quorum must be 1 or greater.");
        return;
    }
    std::string ip(c.arg(3));
    sockaddr_in6 a6{};
    sockaddr_in a4{};
    bool literal = uv_ip4_addr(ip.c_str(), 0, &a4) == 0 || uv_ip6_addr(ip.c_str(), 0, &a6) == 0;
    // Names resolve only with resolve-hostnames yes; MiniSentinel knows localhost.
    if (!literal && !(ip == "localhost" && SentinelCore::of(c).resolveHostnames())) {
        c.reply.error("ERR Invalid IP address or hostname specified");
        return;
    }
    if (*port < 0 || *port > 65535) {
        c.reply.error("ERR Invalid port number.");
        return;
    }
    std::string err = SentinelCore::of(c).monitor(std::string(c.arg(2)), ip, static_cast<int>(*port),
                                                  static_cast<int>(*quorum), 30000);
    if (err.empty())
        c.reply.ok();
    else
        c.reply.error(err);
}

void sentinelRemove(Call& c) {
    std::string err = SentinelCore::of(c).remove(std::string(c.arg(2)));
    if (err.empty())
        c.reply.ok();
    else
        c.reply.error(err);
}

void sentinelSet(Call& c) {
    MasterView* m = masterOrError(c, 2);
    if (!m) return;
    auto& s = SentinelCore::of(c);
    for (std::size_t j = 3; j < c.argc(); ++j) {
        std::string option(c.arg(j));
        bool more = j + 1 < c.argc();
        if (!more) {
            c.reply.error("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
            return;
        }
        if (iequals(option, "rename-command")) {
            if (j + 2 >= c.argc()) {
                c.reply.error("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
                return;
            }
            s.renameCommand(*m, option, std::string(c.arg(j + 1)), std::string(c.arg(j + 2)));
            j += 2;
            continue;
        }
        std::string err = s.setOption(*m, option, std::string(c.arg(j + 1)));
        if (!err.empty()) {
            c.reply.error(err);
            return;
        }
        ++j;
    }
    c.reply.ok();
}

void sentinelFlushconfig(Call& c) { c.reply.ok(); }

void sentinelMyid(Call& c) { c.reply.bulk(SentinelCore::of(c).runId()); }

void sentinelPendingScripts(Call& c) { c.reply.emptyArray(); }

void sentinelIsMasterDown(Call& c) {
    auto port = parseInt(c.arg(3));
    auto epoch = parseInt(c.arg(4));
    if (!port || !epoch) {
        c.reply.error(err::kNotInt);
        return;
    }
    auto a = SentinelCore::of(c).isMasterDownByAddr(std::string(c.arg(2)), static_cast<int>(*port),
                                                    static_cast<std::uint64_t>(*epoch), std::string(c.arg(5)));
    c.reply.array(3);
    c.reply.integer(a.down ? 1 : 0);
    c.reply.bulk(a.leader);
    c.reply.integer(static_cast<long long>(a.leaderEpoch));
}

void sentinelInfoCache(Call& c) {
    auto& s = SentinelCore::of(c);
    std::vector<MasterView*> ms;
    for (std::size_t i = 2; i < c.argc(); ++i)  // each master once, as Redis (it collects them in a dict)
        if (MasterView* m = s.master(std::string(c.arg(i))); m && std::find(ms.begin(), ms.end(), m) == ms.end())
            ms.push_back(m);
    std::int64_t now = wallMs();
    c.reply.array(ms.size() * 2);
    for (MasterView* m : ms) {
        c.reply.bulk(m->name);
        std::vector<const NodeView*> nodes{&m->node};
        for (auto& r : m->replicas) nodes.push_back(&r);
        std::vector<std::pair<std::int64_t, std::string>> entries;
        for (const NodeView* n : nodes) {
            auto core = Registry::instance().find(n->ip, n->port);
            if (!core || !core->server().running() || core->server().hung()) continue;
            std::string text;
            core->server().runSync([&] {
                std::lock_guard<std::mutex> lk(core->mu());
                text = infoText(*core, core->server(), {});
            });
            entries.emplace_back(n->infoRefreshMs ? now - n->infoRefreshMs : 0, text);
        }
        c.reply.array(entries.size());
        for (auto& e : entries) {
            c.reply.array(2);
            c.reply.integer(e.first);
            c.reply.bulk(e.second);
        }
    }
}

void sentinelConfig(Call& c) {
    auto& s = SentinelCore::of(c);
    if (c.is(2, "get") && c.argc() == 4) {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& p : s.globalConfig())
            if (globMatch(c.arg(3), p.first, true)) out.emplace_back(p.first, p.second);
        c.reply.map(out.size());
        for (auto& kv : out) {
            c.reply.bulk(kv.first);
            c.reply.bulk(kv.second);
        }
        return;
    }
    if (c.is(2, "set") && c.argc() == 5) {
        // Stored and reported; MiniSentinel's hellos and links do not use them.
        std::string err = s.setGlobalConfig(std::string(c.arg(3)), std::string(c.arg(4)));
        if (err.empty())
            c.reply.ok();
        else
            c.reply.error(err);
        return;
    }
    c.reply.error("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
}

void sentinelDebug(Call& c) {
    const SentinelTiming& t = SentinelCore::of(c).timing();
    std::vector<std::pair<const char*, std::string>> params = {
        {"INFO-PERIOD", std::to_string(t.checkPeriod.count())},
        {"PING-PERIOD", std::to_string(t.checkPeriod.count())},
        {"ASK-PERIOD", std::to_string(t.checkPeriod.count())},
        {"PUBLISH-PERIOD", std::to_string(t.checkPeriod.count() * 20)},
        {"DEFAULT-DOWN-AFTER", "30000"},
        {"DEFAULT-FAILOVER-TIMEOUT", "180000"},
        {"TILT-TRIGGER", "2000"},
        {"TILT-PERIOD", "30000"},
        {"SLAVE-RECONF-TIMEOUT", "10000"},
        {"MIN-LINK-RECONNECT-PERIOD", "15000"},
        {"ELECTION-TIMEOUT", "10000"},
        {"SCRIPT-MAX-RUNTIME", "60000"},
        {"SCRIPT-RETRY-DELAY", "30000"},
    };
    if (c.argc() > 2) {
        // Validated as Redis does; the values are not applied (MiniSentinel's
        // periods come from SentinelTiming).
        for (std::size_t j = 2; j < c.argc(); ++j) {
            std::string option(c.arg(j));
            bool known = std::any_of(params.begin(), params.end(), [&](auto& p) { return iequals(option, p.first); });
            if (!known || j + 1 >= c.argc()) {
                c.reply.error("ERR Unknown option or number of arguments for SENTINEL DEBUG '" + option + "'");
                return;
            }
            auto v = parseInt(c.arg(++j));
            if (!v || *v <= 0) {
                c.reply.error("ERR Invalid argument '" + std::string(c.arg(j)) + "' for SENTINEL DEBUG '" + option + "'");
                return;
            }
        }
        c.reply.ok();
        return;
    }
    c.reply.map(params.size());
    for (auto& p : params) {
        c.reply.bulk(p.first);
        c.reply.bulk(p.second);
    }
}

// As Redis: the flags are cleared first and set while the arguments are
// read, so an error (or HELP) keeps those before it.
void sentinelSimulateFailure(Call& c) {
    auto& s = SentinelCore::of(c);
    s.setSimulateFailureFlags(0);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        if (c.is(i, "crash-after-election")) {
            s.setSimulateFailureFlags(s.simulateFailureFlags() | 1u);
        } else if (c.is(i, "crash-after-promotion")) {
            s.setSimulateFailureFlags(s.simulateFailureFlags() | 2u);
        } else if (c.is(i, "help")) {
            c.reply.array(2);
            c.reply.bulk("crash-after-election");
            c.reply.bulk("crash-after-promotion");
            return;
        } else {
            c.reply.error("ERR Unknown failure simulation specified");
            return;
        }
    }
    c.reply.ok();
}

const char* kSentinelHelp[] = {
    "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CKQUORUM <master-name>",
    "    Check if the current Sentinel configuration is able to reach the quorum",
    "    needed to failover a master and the majority needed to authorize the",
    "    failover.",
    "CONFIG SET <param> <value>",
    "    Set a global Sentinel configuration parameter.",
    "CONFIG GET <param>",
    "    Get global Sentinel configuration parameter.",
    "DEBUG [<param> <value> ...]",
    "    Show a list of configurable time parameters and their values (milliseconds).",
    "    Or update current configurable parameters values (one or more).",
    "GET-MASTER-ADDR-BY-NAME <master-name>",
    "    Return the ip and port number of the master with that name.",
    "FAILOVER <master-name>",
    "    Manually failover a master node without asking for agreement from other",
    "    Sentinels",
    "FLUSHCONFIG",
    "    Force Sentinel to rewrite its configuration on disk, including the current",
    "    Sentinel state.",
    "INFO-CACHE <master-name>",
    "    Return last cached INFO output from masters and all its replicas.",
    "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
    "    Check if the master specified by ip:port is down from current Sentinel's",
    "    point of view.",
    "MASTER <master-name>",
    "    Show the state and info of the specified master.",
    "MASTERS",
    "    Show a list of monitored masters and their state.",
    "MONITOR <name> <ip> <port> <quorum>",
    "    Start monitoring a new master with the specified name, ip, port and quorum.",
    "MYID",
    "    Return the ID of the Sentinel instance.",
    "PENDING-SCRIPTS",
    "    Get pending scripts information.",
    "REMOVE <master-name>",
    "    Remove master from Sentinel's monitor list.",
    "REPLICAS <master-name>",
    "    Show a list of replicas for this master and their state.",
    "RESET <pattern>",
    "    Reset masters for specific master name matching this pattern.",
    "SENTINELS <master-name>",
    "    Show a list of Sentinel instances for this master and their state.",
    "SET <master-name> <option> <value> [<option> <value> ...]",
    "    Set configuration parameters for certain masters.",
    "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
    "    Simulate a Sentinel crash.",
    "HELP",
    "    Prints this help.",
};

void sentinelHelp(Call& c) {
    c.reply.array(sizeof kSentinelHelp / sizeof kSentinelHelp[0]);
    for (const char* line : kSentinelHelp) c.reply.simple(line);
}

// ---- other Sentinel commands ----

// INFO stats with the fields of a 7.0 Sentinel, in its order; MiniSentinel
// counts connections, commands and subscriptions, the rest is 0.
void appendStats(std::string& out, Server& server) {
    auto st = server.stats();
    const std::pair<const char*, std::string> fields[] = {
        {"total_connections_received", std::to_string(st.connectionsReceived)},
        {"total_commands_processed", std::to_string(st.commandsProcessed)},
        {"instantaneous_ops_per_sec", "0"},
        {"total_net_input_bytes", "0"},
        {"total_net_output_bytes", "0"},
        {"total_net_repl_input_bytes", "0"},
        {"total_net_repl_output_bytes", "0"},
        {"instantaneous_input_kbps", "0.00"},
        {"instantaneous_output_kbps", "0.00"},
        {"instantaneous_input_repl_kbps", "0.00"},
        {"instantaneous_output_repl_kbps", "0.00"},
        {"rejected_connections", std::to_string(st.rejectedConnections)},
        {"sync_full", "0"},
        {"sync_partial_ok", "0"},
        {"sync_partial_err", "0"},
        {"expired_keys", "0"},
        {"expired_stale_perc", "0.00"},
        {"expired_time_cap_reached_count", "0"},
        {"expire_cycle_cpu_milliseconds", "0"},
        {"evicted_keys", "0"},
        {"evicted_clients", "0"},
        {"total_eviction_exceeded_time", "0"},
        {"current_eviction_exceeded_time", "0"},
        {"keyspace_hits", "0"},
        {"keyspace_misses", "0"},
        {"pubsub_channels", std::to_string(server.activeChannels({}).size())},
        {"pubsub_patterns", std::to_string(server.numPatterns())},
        {"pubsubshard_channels", "0"},
        {"latest_fork_usec", "0"},
        {"total_forks", "0"},
        {"migrate_cached_sockets", "0"},
        {"slave_expires_tracked_keys", "0"},
        {"active_defrag_hits", "0"},
        {"active_defrag_misses", "0"},
        {"active_defrag_key_hits", "0"},
        {"active_defrag_key_misses", "0"},
        {"total_active_defrag_time", "0"},
        {"current_active_defrag_time", "0"},
        {"tracking_total_keys", "0"},
        {"tracking_total_items", "0"},
        {"tracking_total_prefixes", "0"},
        {"unexpected_error_replies", "0"},
        {"total_error_replies", "0"},
        {"dump_payload_sanitizations", "0"},
        {"total_reads_processed", "0"},
        {"total_writes_processed", "0"},
        {"io_threaded_reads_processed", "0"},
        {"io_threaded_writes_processed", "0"},
        {"reply_buffer_shrinks", "0"},
        {"reply_buffer_expands", "0"},
    };
    out += "# Stats\r\n";
    for (auto& [k, v] : fields) out += std::string(k) + ":" + v + "\r\n";
}

std::string seconds(const timeval& t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%ld.%06ld", static_cast<long>(t.tv_sec), static_cast<long>(t.tv_usec));
    return buf;
}

// INFO cpu: this process's, its children's and the calling (loop) thread's.
void appendCpu(std::string& out) {
    rusage self{}, children{}, thread{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
#ifdef RUSAGE_THREAD
    getrusage(RUSAGE_THREAD, &thread);
#endif
    out += "# CPU\r\nused_cpu_sys:" + seconds(self.ru_stime) + "\r\nused_cpu_user:" + seconds(self.ru_utime) +
           "\r\nused_cpu_sys_children:" + seconds(children.ru_stime) +
           "\r\nused_cpu_user_children:" + seconds(children.ru_utime) +
           "\r\nused_cpu_sys_main_thread:" + seconds(thread.ru_stime) +
           "\r\nused_cpu_user_main_thread:" + seconds(thread.ru_utime) + "\r\n";
}

void sentinelInfo(Call& c) {
    auto& s = SentinelCore::of(c);
    static const char* kOrder[] = {"server", "clients", "stats", "cpu", "sentinel"};
    bool want[5] = {};
    if (c.argc() == 1)
        for (bool& w : want) w = true;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        if (c.is(i, "default") || c.is(i, "all") || c.is(i, "everything")) {
            for (bool& w : want) w = true;
            continue;
        }
        for (int k = 0; k < 5; ++k)
            if (c.is(i, kOrder[k])) want[k] = true;
    }
    std::string out;
    for (int k = 0; k < 5; ++k) {
        if (!want[k]) continue;
        if (!out.empty()) out += "\r\n";
        switch (k) {
        case 0: appendInfoServer(out, s.processRunId(), s.port(), s.startedMs(), "sentinel"); break;
        case 1: appendInfoClients(out, c.server); break;
        case 2: appendStats(out, c.server); break;
        case 3: appendCpu(out); break;
        case 4: {
            out += "# Sentinel\r\nsentinel_masters:" + std::to_string(s.masters().size()) + "\r\n";
            out += std::string("sentinel_tilt:") + (s.tilted() ? "1" : "0") + "\r\n";
            out += "sentinel_tilt_since_seconds:" +
                   (s.tilted() ? std::to_string((wallMs() - s.tiltSinceMs()) / 1000) : std::string("-1")) + "\r\n";
            out += "sentinel_running_scripts:0\r\nsentinel_scripts_queue_length:0\r\n";
            out += "sentinel_simulate_failure_flags:" + std::to_string(s.simulateFailureFlags()) + "\r\n";
            int i = 0;
            for (auto& kv : s.masters()) {
                const MasterView& m = *kv.second;
                auto addr = s.currentAddress(m);
                const char* status = m.odown ? "odown" : m.node.sdown ? "sdown" : "ok";
                out += "master" + std::to_string(i++) + ":name=" + m.name + ",status=" + status +
                       ",address=" + addr.first + ":" + std::to_string(addr.second) +
                       ",slaves=" + std::to_string(m.replicas.size()) +
                       ",sentinels=" + std::to_string(m.peers.size() + 1) + "\r\n";
            }
            break;
        }
        }
    }
    c.reply.bulk(out);  // a Sentinel's INFO is a bulk string in RESP3 too (not verbatim)
}

void sentinelRole(Call& c) {
    auto& s = SentinelCore::of(c);
    c.reply.array(2);
    c.reply.bulk("sentinel");
    c.reply.array(s.masters().size());
    for (auto& kv : s.masters()) c.reply.bulk(kv.first);
}

void sentinelPublish(Call& c) {
    if (c.arg(1) != "__sentinel__:hello") {
        c.reply.error("ERR Only HELLO messages are accepted by Sentinel instances.");
        return;
    }
    c.reply.integer(1);
}

void sentinelShutdown(Call& c) {
    bool nosave = false, save = false, now = false, force = false, abort = false;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        if (c.is(i, "nosave"))
            nosave = true;
        else if (c.is(i, "save"))
            save = true;
        else if (c.is(i, "now"))
            now = true;
        else if (c.is(i, "force"))
            force = true;
        else if (c.is(i, "abort"))
            abort = true;
        else {
            c.reply.error(err::kSyntax);
            return;
        }
    }
    if ((abort && (nosave || save || now || force)) || (nosave && save)) {
        c.reply.error(err::kSyntax);
        return;
    }
    if (abort) {
        c.reply.error("ERR No shutdown in progress.");
        return;
    }
    // The process exits: no reply, every connection closes.
    SentinelCore::of(c).simulateCrash();
}

void aclWhoami(Call& c) { c.reply.bulk(c.peer.user); }
void aclUsers(Call& c) {
    c.reply.array(1);
    c.reply.bulk("default");
}
void aclList(Call& c) {
    c.reply.array(1);
    c.reply.bulk(c.server.defaultUserHasPassword()
                     ? "user default on #" + sha256Hex(c.server.defaultPassword()) + " ~* &* +@all"
                     : "user default on nopass ~* &* +@all");
}
// ACL CAT [category]: the categories, or the commands of one as a 7.0
// Sentinel lists them (in any order; Redis's is its dict's), less the
// sub-commands MiniSentinel does not have.
void aclCat(Call& c) {
    if (c.argc() == 2) {
        const auto& cats = sentinelAclCategories();
        c.reply.array(cats.size());
        for (const char* k : cats) c.reply.bulk(k);
        return;
    }
    if (c.argc() > 3) {
        c.reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(c.arg(1)) +
                      "'. Try ACL HELP.");
        return;
    }
    std::vector<std::string> out;
    if (!sentinelAclCategory(c.server.table(), c.arg(2), out)) {
        c.reply.error("ERR Unknown category '" + std::string(c.arg(2)) + "'");
        return;
    }
    c.reply.array(out.size());
    for (auto& name : out) c.reply.bulk(name);
}

}  // namespace

const std::vector<const char*>& sentinelAclCategories() {
    static const std::vector<const char*> cats = {
        "keyspace", "read",  "write", "set",       "sortedset",  "list",        "hash",
        "string",   "bitmap", "hyperloglog", "geo", "stream",    "pubsub",      "admin",
        "fast",     "slow",  "blocking", "dangerous", "connection", "transaction", "scripting"};
    return cats;
}

bool sentinelAclCategory(const CommandTable& table, std::string_view category, std::vector<std::string>& out) {
    std::string cat = toLower(category);
    const auto& cats = sentinelAclCategories();
    if (std::none_of(cats.begin(), cats.end(), [&](const char* k) { return cat == k; })) return false;
    static const std::map<std::string, std::vector<const char*>> kMembers = {
        {"pubsub", {"unsubscribe", "subscribe", "publish", "psubscribe", "punsubscribe"}},
        {"admin", {"client|list", "client|kill", "shutdown", "role", "sentinel", "acl|users", "acl|list"}},
        {"fast", {"auth", "publish", "role", "ping", "hello"}},
        {"slow", {"command", "command|info", "command|list", "command|count", "command|docs", "client",
                  "client|setname", "client|getname", "client|info", "client|id", "client|list", "client|kill",
                  "unsubscribe", "shutdown", "subscribe", "info", "psubscribe", "punsubscribe", "sentinel", "acl",
                  "acl|cat", "acl|whoami", "acl|users", "acl|list"}},
        {"dangerous", {"client|list", "client|kill", "shutdown", "role", "info", "sentinel", "acl|users", "acl|list"}},
        {"connection", {"command", "command|info", "command|list", "command|count", "command|docs", "client|setname",
                        "client|getname", "client|info", "client|id", "client|list", "client|kill", "auth", "ping",
                        "hello"}},
    };
    out.clear();
    auto it = kMembers.find(cat);
    if (it != kMembers.end()) out.assign(it->second.begin(), it->second.end());
    // Every SENTINEL sub-command is admin, slow and dangerous, but HELP only slow.
    if (cat == "admin" || cat == "slow" || cat == "dangerous") {
        if (const Command* sentinel = table.find("sentinel"))
            for (auto& kv : sentinel->subcommands)
                if (cat == "slow" || kv.first != "help") out.push_back(kv.second->name);
    }
    return true;
}

void registerSentinelCommands(CommandTable& t) {
    const unsigned a = kCmdAdmin;
    CommandDoc doc{"A container for Redis Sentinel commands.", "2.8.4", "sentinel", "Depends on subcommand."};
    t.add("sentinel", -2, a, nullptr, doc);
    auto sub = [&t](const char* name, int arity, Handler h, const char* summary) {
        t.addSub("sentinel", name, arity, kCmdAdmin, std::move(h), {summary, "2.8.4", "sentinel", "O(N)"});
    };
    sub("ckquorum", 3, sentinelCkquorum, "Checks for a Redis Sentinel quorum.");
    sub("config", -3, sentinelConfig, "Configures Redis Sentinel.");
    sub("debug", -2, sentinelDebug, "Lists or updates the current configurable parameters of Redis Sentinel.");
    sub("failover", 3, sentinelFailover, "Forces a Redis Sentinel failover.");
    sub("flushconfig", 2, sentinelFlushconfig, "Rewrites the Redis Sentinel configuration file.");
    sub("get-master-addr-by-name", 3, sentinelGetMasterAddr, "Returns the port and address of a master Redis instance.");
    sub("help", 2, sentinelHelp, "Returns helpful text about the different subcommands.");
    sub("info-cache", -3, sentinelInfoCache, "Returns the cached INFO replies from the deployment's instances.");
    sub("is-master-down-by-addr", 6, sentinelIsMasterDown, "Determines whether a master Redis instance is down.");
    sub("master", 3, sentinelMaster, "Returns the state of a master Redis instance.");
    sub("masters", 2, sentinelMasters, "Returns a list of monitored Redis masters.");
    sub("monitor", 6, sentinelMonitor, "Starts monitoring.");
    sub("myid", 2, sentinelMyid, "Returns the Redis Sentinel instance ID.");
    sub("pending-scripts", 2, sentinelPendingScripts, "Returns information about pending scripts for Redis Sentinel.");
    sub("remove", 3, sentinelRemove, "Stops monitoring.");
    sub("replicas", 3, sentinelReplicas, "Returns a list of the monitored Redis replicas.");
    sub("reset", 3, sentinelReset, "Resets Redis masters by name matching a pattern.");
    sub("sentinels", 3, sentinelSentinels, "Returns a list of Sentinel instances.");
    sub("set", -5, sentinelSet, "Changes the configuration of a monitored Redis master.");
    sub("simulate-failure", -3, sentinelSimulateFailure, "Simulates failover scenarios.");
    sub("slaves", 3, sentinelReplicas, "Returns a list of the monitored replicas.");
    t.add("info", -1, a, sentinelInfo, {"Returns information and statistics about the server.", "1.0.0", "server", "O(1)"});
    t.add("role", 1, kCmdFast, sentinelRole, {"Returns the replication role.", "2.8.12", "server", "O(1)"});
    t.add("publish", 3, kCmdFast, sentinelPublish, {"Posts a message to a channel.", "2.0.0", "pubsub", "O(N+M)"});
    t.add("shutdown", -1, a, sentinelShutdown, {"Synchronously saves the database(s) to disk and shuts down the Redis server.", "1.0.0", "server", "O(N)"});
    t.add("acl", -2, 0, nullptr, {"A container for Access List Control commands.", "6.0.0", "server", "Depends on subcommand."});
    t.addSub("acl", "whoami", 2, 0, aclWhoami, {"Returns the authenticated username of the current connection.", "6.0.0", "server", "O(1)"});
    t.addSub("acl", "users", 2, 0, aclUsers, {"Lists all ACL users.", "6.0.0", "server", "O(N)"});
    t.addSub("acl", "list", 2, 0, aclList, {"Dumps the effective rules in ACL file format.", "6.0.0", "server", "O(N)"});
    t.addSub("acl", "cat", -2, 0, aclCat, {"Lists the ACL categories, or the commands inside a category.", "6.0.0", "server", "O(1)"});
}

const CommandTable& sentinelCommands() {
    static const CommandTable table = [] {
        CommandTable t;
        registerConnectionCommands(t, true);
        registerPubSubCommands(t, true);
        registerCommandCommand(t);
        registerSentinelCommands(t);
        return t;
    }();
    return table;
}

}  // namespace sentinelpool::testing::detail
