// The command surface of a Redis 7.0 Sentinel and nothing else: ACL AUTH
// CLIENT COMMAND HELLO INFO PING ROLE SENTINEL SHUTDOWN (P)SUBSCRIBE
// (P)UNSUBSCRIBE PUBLISH; with the reply shapes, record fields and error
// texts captured from a real 7.0.15 Sentinel (shared/reference/sentinel-wire).

#include <algorithm>

#include "mini_redis_core.hpp"
#include "registry.hpp"
#include "sentinel_core.hpp"
#include "util.hpp"

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

// Fields every instance record starts with.
void commonFields(Record& rec, const std::string& name, const std::string& ip, int port, const std::string& runId,
                  const std::string& flags, const NodeView* n, std::int64_t now) {
    rec.emplace_back("name", name);
    rec.emplace_back("ip", ip);
    rec.emplace_back("port", std::to_string(port));
    rec.emplace_back("runid", runId);
    rec.emplace_back("flags", flags);
    bool pending = n && (n->disconnected || now - n->lastOkMs > 0);
    rec.emplace_back("link-pending-commands", pending ? "2" : "0");
    rec.emplace_back("link-refcount", "1");
    (void)n;
}

Record masterRecord(const SentinelCore& s, const MasterView& m, std::int64_t now) {
    const NodeView& n = m.node;
    Record rec;
    bool failover = m.state != FailoverState::None;
    commonFields(rec, m.name, n.ip, n.port, n.runId, nodeFlags(n, m.odown, failover, failover && m.forced), &n, now);
    if (failover) rec.emplace_back("failover-state", failoverStateName(m.state));
    bool pending = n.disconnected || now - n.lastOkMs > 0;
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
    commonFields(rec, n.key(), n.ip, n.port, n.runId, nodeFlags(n, false, false, false), &n, now);
    bool pending = n.disconnected || now - n.lastOkMs > 0;
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
    commonFields(rec, p.runId, p.ip, p.port, p.runId, flags, nullptr, now);
    rec[5].second = p.sdown ? "2" : "0";
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

void sentinelMonitor(Call& c) {
    auto quorum = parseInt(c.arg(5));
    if (!quorum) {
        c.reply.error("ERR Invalid quorum");
        return;
    }
    if (*quorum <= 0) {
        c.reply.error("ERR Quorum must be 1 or greater.");
        return;
    }
    auto port = parseInt(c.arg(4));
    if (!port || *port <= 0 || *port > 65535) {
        c.reply.error("ERR Invalid port");
        return;
    }
    std::string ip(c.arg(3));
    // resolve-hostnames is "no": only IP literals (and localhost) are valid.
    sockaddr_in6 a6{};
    sockaddr_in a4{};
    bool literal = uv_ip4_addr(ip.c_str(), 0, &a4) == 0 || uv_ip6_addr(ip.c_str(), 0, &a6) == 0;
    if (!literal && ip != "localhost") {
        c.reply.error("ERR Invalid IP address or hostname specified");
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
            m->extraOptions["rename-command " + std::string(c.arg(j + 1))] = std::string(c.arg(j + 2));
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
    for (std::size_t i = 2; i < c.argc(); ++i)
        if (MasterView* m = s.master(std::string(c.arg(i)))) ms.push_back(m);
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
    static const std::pair<const char*, const char*> kParams[] = {
        {"resolve-hostnames", "no"}, {"announce-hostnames", "no"}, {"announce-ip", ""},
        {"announce-port", "0"},      {"sentinel-user", ""},        {"sentinel-pass", ""}};
    if (c.is(2, "get") && c.argc() == 4) {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& p : kParams)
            if (globMatch(c.arg(3), p.first, true)) out.emplace_back(p.first, p.second);
        c.reply.map(out.size());
        for (auto& kv : out) {
            c.reply.bulk(kv.first);
            c.reply.bulk(kv.second);
        }
        return;
    }
    if (c.is(2, "set") && c.argc() == 5) {
        for (auto& p : kParams)
            if (iequals(c.arg(3), p.first)) {
                c.reply.ok();
                return;
            }
        c.reply.error("ERR Invalid argument '" + std::string(c.arg(3)) + "' to SENTINEL CONFIG SET");
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
    if (c.argc() > 2) {  // values are reported, not changed: use SentinelTiming
        c.reply.ok();
        return;
    }
    c.reply.map(params.size());
    for (auto& p : params) {
        c.reply.bulk(p.first);
        c.reply.bulk(p.second);
    }
}

void sentinelSimulateFailure(Call& c) {
    auto& s = SentinelCore::of(c);
    unsigned flags = 0;
    for (std::size_t i = 2; i < c.argc(); ++i) {
        if (c.is(i, "crash-after-election"))
            flags |= 1u;
        else if (c.is(i, "crash-after-promotion"))
            flags |= 2u;
        else if (c.is(i, "help")) {
            c.reply.array(2);
            c.reply.simple("crash-after-election");
            c.reply.simple("crash-after-promotion");
            return;
        } else {
            c.reply.error(err::kSyntax);
            return;
        }
    }
    s.setSimulateFailureFlags(flags);
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
    auto st = c.server.stats();
    for (int k = 0; k < 5; ++k) {
        if (!want[k]) continue;
        if (!out.empty()) out += "\r\n";
        switch (k) {
        case 0: appendInfoServer(out, s.runId(), s.port(), s.startedMs(), "sentinel"); break;
        case 1: appendInfoClients(out, c.server); break;
        case 2:
            out += "# Stats\r\ntotal_connections_received:" + std::to_string(st.connectionsReceived) +
                   "\r\ntotal_commands_processed:" + std::to_string(st.commandsProcessed) +
                   "\r\ninstantaneous_ops_per_sec:0\r\nrejected_connections:" + std::to_string(st.rejectedConnections) +
                   "\r\npubsub_channels:" + std::to_string(c.server.activeChannels({}).size()) +
                   "\r\npubsub_patterns:" + std::to_string(c.server.numPatterns()) + "\r\n";
            break;
        case 3:
            out += "# CPU\r\nused_cpu_sys:0.000000\r\nused_cpu_user:0.000000\r\nused_cpu_sys_children:0.000000\r\n"
                   "used_cpu_user_children:0.000000\r\n";
            break;
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
    c.reply.verbatim(out);
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
    c.reply.bulk(c.server.defaultUserHasPassword() ? "user default on sanitize-payload #<hidden> ~* &* +@all"
                                                   : "user default on nopass sanitize-payload ~* &* +@all");
}
void aclCat(Call& c) {
    static const char* kCats[] = {"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
                                  "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
                                  "blocking", "dangerous", "connection", "transaction", "scripting"};
    c.reply.array(sizeof kCats / sizeof kCats[0]);
    for (const char* k : kCats) c.reply.bulk(k);
}

}  // namespace

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
