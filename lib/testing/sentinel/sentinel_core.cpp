#include "sentinel/sentinel_core.hpp"

#include <algorithm>

#include "redis/mini_redis_core.hpp"
#include "redis/registry.hpp"
#include "server/state_signal.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

namespace {

// Hellos go out every this many checks (real: 2 s with the 100 ms check period).
constexpr std::uint64_t kHelloEvery = 20;
// A peer's IS-MASTER-DOWN-BY-ADDR answer counts this long (in check periods).
constexpr std::int64_t kDownReplyValidity = 50;

// What a Sentinel's PING and INFO to a data node would find.
struct Probe {
    bool reachable = false;  // the process is there (connections work)
    bool valid = false;      // it answers PING validly
    ReplicationState rs;
    std::string runId;
    int priority = 100;
};

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

Probe probe(const MasterView& m, const NodeView& n) {
    Probe p;
    auto core = Registry::instance().find(n.ip, n.port);
    if (!core || !core->server().running()) return p;
    p.reachable = true;
    if (core->server().hung()) return p;
    std::string err = core->server().errorReply();
    // As Redis Sentinel: LOADING, MASTERDOWN and BUSY still count as replies.
    if (!err.empty() && !startsWith(err, "LOADING") && !startsWith(err, "MASTERDOWN") && !startsWith(err, "BUSY"))
        return p;
    if (core->server().defaultUserHasPassword() &&
        !core->server().checkPassword(m.authUser.empty() ? "default" : m.authUser, m.authPass))
        return p;  // -NOAUTH: no valid reply
    p.valid = true;
    p.rs = core->replicationState();
    p.runId = core->runId();
    p.priority = core->replicaPriority();
    return p;
}

}  // namespace

std::string NodeView::key() const { return ip + ":" + std::to_string(port); }

std::string MasterView::describe() const { return "master " + name + " " + node.ip + " " + std::to_string(node.port); }

NodeView* MasterView::replica(const std::string& key) {
    for (auto& r : replicas)
        if (r.key() == key) return &r;
    return nullptr;
}

const char* failoverStateName(FailoverState s) {
    switch (s) {
    case FailoverState::None: return "none";
    case FailoverState::WaitStart: return "wait_start";
    case FailoverState::SelectSlave: return "select_slave";
    case FailoverState::SendSlaveofNoone: return "send_slaveof_noone";
    case FailoverState::WaitPromotion: return "wait_promotion";
    case FailoverState::ReconfSlaves: return "reconf_slaves";
    case FailoverState::UpdateConfig: return "update_config";
    }
    return "none";
}

// ---------------------------------------------------------------------------
// Directory

SentinelDirectory& SentinelDirectory::instance() {
    static SentinelDirectory* d = new SentinelDirectory;
    return *d;
}

std::string SentinelDirectory::key(const std::string& name, const std::string& ip, int port) {
    return name + "@" + Registry::key(ip, port);
}

void SentinelDirectory::add(const std::string& key, const std::shared_ptr<SentinelCore>& s) {
    std::lock_guard<std::mutex> lk(mu_);
    auto range = entries_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it)
        if (it->second.lock() == s) return;
    entries_.emplace(key, s);
}

void SentinelDirectory::remove(const std::string& key, const SentinelCore* s) {
    std::lock_guard<std::mutex> lk(mu_);
    auto range = entries_.equal_range(key);
    for (auto it = range.first; it != range.second;) {
        auto cur = it->second.lock();
        if (!cur || cur.get() == s)
            it = entries_.erase(it);
        else
            ++it;
    }
}

void SentinelDirectory::removeAll(const SentinelCore* s) {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        auto cur = it->second.lock();
        if (!cur || cur.get() == s)
            it = entries_.erase(it);
        else
            ++it;
    }
}

std::vector<std::shared_ptr<SentinelCore>> SentinelDirectory::find(const std::string& key) {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<std::shared_ptr<SentinelCore>> out;
    auto range = entries_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it)
        if (auto s = it->second.lock()) out.push_back(std::move(s));
    return out;
}

// ---------------------------------------------------------------------------
// Lifecycle

SentinelCore::SentinelCore(MiniSentinelOptions options)
    : options_(std::move(options)), runId_(randomHexId()), processRunId_(randomHexId()),
      server_(sentinelCommands(), *this) {
    if (!options_.requirePass.empty()) server_.setDefaultPassword(options_.requirePass);
    if (options_.timing.checkPeriod.count() < 1) options_.timing.checkPeriod = std::chrono::milliseconds(1);
}

SentinelCore::~SentinelCore() { stop(); }

void SentinelCore::start() {
    if (server_.running()) {
        if (!crashed_.load()) return;
        stop();  // a crashed Sentinel is restarted
    }
    server_.start(options_.host, options_.port);
    options_.port = server_.port();
    processRunId_ = randomHexId();  // a new process; MYID stays
    crashed_.store(false);
    startedMs_ = wallMs();
    auto self = shared_from_this();
    server_.runSync([this] {
        std::int64_t now = wallMs();
        for (auto& kv : masters_) {
            MasterView& m = *kv.second;
            registerInDirectory(m);
            // Coming back: every instance starts from a fresh link.
            m.node.lastOkMs = now;
            for (auto& r : m.replicas) r.lastOkMs = now;
            for (auto& p : m.peers) p.lastOkMs = now;
            sendHellos(m);
        }
        scheduleTick();
    });
    StateSignal::instance().notify();
}

void SentinelCore::stop() {
    if (!server_.running()) return;
    SentinelDirectory::instance().removeAll(this);
    server_.stop();
    StateSignal::instance().notify();
}

void SentinelCore::onStop() { tickTimer_ = 0; }

void SentinelCore::simulateCrash() {
    crashed_.store(true);
    SentinelDirectory::instance().removeAll(this);
    if (tickTimer_) server_.cancelTimeout(tickTimer_);
    tickTimer_ = 0;
    server_.killFromLoop();
    StateSignal::instance().notify();
}

void SentinelCore::scheduleTick() {
    tickTimer_ = server_.setTimeout(static_cast<std::uint64_t>(options_.timing.checkPeriod.count()), [this] {
        tickTimer_ = 0;
        if (crashed_.load()) return;
        tick();
        scheduleTick();
    });
}

void SentinelCore::registerInDirectory(const MasterView& m) {
    SentinelDirectory::instance().add(SentinelDirectory::key(m.name, m.node.ip, m.node.port), shared_from_this());
}

void SentinelCore::unregisterFromDirectory(const std::string& name) {
    auto it = masters_.find(name);
    if (it == masters_.end()) return;
    SentinelDirectory::instance().remove(SentinelDirectory::key(name, it->second->node.ip, it->second->node.port), this);
}

// ---------------------------------------------------------------------------
// Events

void SentinelCore::publishEvent(const std::string& channel, const std::string& payload) {
    auto drop = drops_.find(channel);
    if (drop != drops_.end() && drop->second != 0) {
        if (drop->second > 0) --drop->second;
        StateSignal::instance().notify();  // its state changed all the same
        return;                            // lost on this Sentinel
    }
    events_.push_back({channel, payload, std::chrono::steady_clock::now()});
    auto delay = delays_.find(channel);
    if (delay != delays_.end() && delay->second > 0) {
        server_.setTimeout(static_cast<std::uint64_t>(delay->second), [this, channel, payload] {
            server_.publish(channel, payload);
        });
    } else {
        server_.publish(channel, payload);
    }
    StateSignal::instance().notify();
}

std::string SentinelCore::describeReplica(const MasterView& m, const NodeView& n) const {
    return "slave " + n.key() + " " + n.ip + " " + std::to_string(n.port) + " @ " + m.name + " " + m.node.ip + " " +
           std::to_string(m.node.port);
}

std::string SentinelCore::describePeer(const MasterView& m, const PeerView& p) const {
    return "sentinel " + p.runId + " " + p.ip + " " + std::to_string(p.port) + " @ " + m.name + " " + m.node.ip +
           " " + std::to_string(m.node.port);
}

PeerView* SentinelCore::peer(MasterView& m, const std::string& runId) {
    for (auto& p : m.peers)
        if (p.runId == runId) return &p;
    return nullptr;
}

// ---------------------------------------------------------------------------
// Configuration

MasterView* SentinelCore::master(const std::string& name) {
    auto it = masters_.find(name);
    return it == masters_.end() ? nullptr : it->second.get();
}

std::string SentinelCore::monitor(const std::string& name, const std::string& ip, int port, int quorum,
                                  std::int64_t downAfterMs, bool publish) {
    if (masters_.count(name)) return "ERR Duplicate master name.";
    auto m = std::make_unique<MasterView>();
    std::int64_t now = wallMs();
    m->name = name;
    m->node.ip = ip == "localhost" ? "127.0.0.1" : ip;
    m->node.port = port;
    m->node.isMaster = true;
    m->node.reportsMaster = true;
    m->node.lastOkMs = m->node.lastPingMs = m->node.createdMs = m->node.roleReportedMs = now;
    m->quorum = quorum;
    m->downAfterMs = downAfterMs;
    MasterView& ref = *m;
    masters_[name] = std::move(m);
    if (publish) publishEvent("+monitor", ref.describe() + " quorum " + std::to_string(quorum));
    if (server_.running()) {
        registerInDirectory(ref);
        checkMaster(ref, now);
        sendHellos(ref);
    }
    return {};
}

std::string SentinelCore::remove(const std::string& name) {
    MasterView* m = master(name);
    if (!m) return "ERR No such master with that name";
    publishEvent("-monitor", m->describe());
    unregisterFromDirectory(name);
    masters_.erase(name);
    return {};
}

std::string SentinelCore::setOption(MasterView& m, const std::string& option, const std::string& value) {
    auto badArg = [&] { return "ERR Invalid argument '" + value + "' for SENTINEL SET '" + option + "'"; };
    std::string o = toLower(option);
    if (o == "down-after-milliseconds" || o == "failover-timeout" || o == "parallel-syncs" || o == "quorum") {
        auto v = parseInt(value);
        if (!v || *v <= 0) return badArg();
        if (o == "down-after-milliseconds") m.downAfterMs = *v;
        if (o == "failover-timeout") m.failoverTimeoutMs = *v;
        if (o == "parallel-syncs") m.parallelSyncs = static_cast<int>(*v);
        if (o == "quorum") m.quorum = static_cast<int>(*v);
    } else if (o == "master-reboot-down-after-period") {
        auto v = parseInt(value);
        if (!v || *v < 0) return badArg();
        m.extraOptions[o] = value;
    } else if (o == "auth-pass") {
        m.authPass = value;
        // As Redis: the password is not published (the user name is).
        publishEvent("+set", m.describe() + " " + option + " ******");
        return {};
    } else if (o == "auth-user") {
        m.authUser = value;
    } else if (o == "notification-script" || o == "client-reconfig-script") {
        return "ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig "
               "configuration directive in your Sentinel configuration";
    } else {
        return "ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'";
    }
    publishEvent("+set", m.describe() + " " + option + " " + value);
    return {};
}

void SentinelCore::renameCommand(MasterView& m, const std::string& option, const std::string& command,
                                 const std::string& renamed) {
    m.extraOptions["rename-command " + command] = renamed;
    publishEvent("+set", m.describe() + " " + option + " " + command + " " + renamed);
}

// Redis's sentinelConfigSetCommand: yes/no flags, a port number, strings.
std::string SentinelCore::setGlobalConfig(const std::string& name, const std::string& value) {
    std::string n = toLower(name);
    auto it = std::find_if(config_.begin(), config_.end(), [&](const auto& kv) { return kv.first == n; });
    if (it == config_.end()) return "ERR Invalid argument '" + name + "' to SENTINEL CONFIG SET";
    std::string stored = value;
    bool bad = false;
    if (n == "resolve-hostnames" || n == "announce-hostnames") {
        if (iequals(value, "yes"))
            stored = "yes";
        else if (iequals(value, "no"))
            stored = "no";
        else
            bad = true;
    } else if (n == "announce-port") {
        auto v = parseInt(value);
        bad = !v || *v < 0 || *v > 65535;
        if (!bad) stored = std::to_string(*v);
    }
    if (bad) return "ERR Invalid value '" + value + "' to SENTINEL CONFIG SET '" + name + "'";
    it->second = stored;
    return {};
}

bool SentinelCore::resolveHostnames() const {
    for (auto& kv : config_)
        if (kv.first == "resolve-hostnames") return kv.second == "yes";
    return false;
}

int SentinelCore::reset(const std::string& pattern) {
    int n = 0;
    std::int64_t now = wallMs();
    for (auto& kv : masters_) {
        MasterView& m = *kv.second;
        if (!globMatch(pattern, m.name, true)) continue;
        ++n;
        m.replicas.clear();
        m.peers.clear();
        m.state = FailoverState::None;
        m.promoted.clear();
        m.odown = false;
        m.leader.clear();
        m.leaderEpoch = 0;
        m.node.runId.clear();
        m.node.disconnected = true;
        m.node.sdown = false;
        m.node.lastOkMs = m.node.lastPingMs = now;
        publishEvent("+reset-master", m.describe());
    }
    return n;
}

std::pair<std::string, int> SentinelCore::currentAddress(const MasterView& m) const {
    if (m.state >= FailoverState::ReconfSlaves && !m.promoted.empty()) {
        for (auto& r : m.replicas)
            if (r.key() == m.promoted) return {r.ip, r.port};
    }
    return {m.node.ip, m.node.port};
}

int SentinelCore::usableSentinels(const MasterView& m) const {
    int usable = 1;
    for (auto& p : m.peers)
        if (!p.sdown) ++usable;
    return usable;
}

// ---------------------------------------------------------------------------
// Checks

void SentinelCore::tick() {
    ++ticks_;
    std::int64_t now = wallMs();
    if (tilt_ && tiltUntilMs_ > 0 && now >= tiltUntilMs_) {
        tilt_ = false;
        tiltSinceMs_ = -1;
        publishEvent("-tilt", "#tilt mode exited");
    }
    if (frozen_) return;
    for (auto& kv : masters_) {
        MasterView& m = *kv.second;
        checkMaster(m, now);
        if (ticks_ % kHelloEvery == 0) sendHellos(m);
    }
}

void SentinelCore::checkMaster(MasterView& m, std::int64_t now) {
    discoverPeers(m);
    checkNode(m, m.node, now);
    for (std::size_t i = 0; i < m.replicas.size(); ++i) checkNode(m, m.replicas[i], now);
    checkPeers(m, now);
    if (tilt_) return;  // in TILT a Sentinel watches but does not act
    checkOdown(m, now);
    if (m.node.sdown) askPeers(m, m.state == FailoverState::WaitStart ? runId_ : "*");
    if (m.state == FailoverState::None && m.odown) {
        if (m.odownSeenMs < 0) m.odownSeenMs = now;
        // Lower run ids go first, so Sentinels that saw odown together do
        // not split the vote.
        if (now >= m.nextFailoverAllowedMs && now - m.odownSeenMs >= staggerMs(m)) startFailover(m, false, now);
    } else if (!m.odown) {
        m.odownSeenMs = -1;
    }
    if (m.state != FailoverState::None) stepFailover(m, now);
    checkReplicaRoles(m, now);
}

void SentinelCore::checkNode(MasterView& m, NodeView& n, std::int64_t now) {
    Probe p = probe(m, n);
    n.lastCheckMs = now;
    // Views that change without an event of their own still wake the tests'
    // waits (Cluster::waitForAgreement reads the replicas' link status).
    const bool wasDisconnected = n.disconnected, wasLinkUp = n.linkUp;
    const std::string oldMasterHost = n.masterHost;
    const int oldMasterPort = n.masterPort;
    n.disconnected = !p.reachable;
    if (p.valid) {
        n.lastOkMs = n.lastPingMs = n.infoRefreshMs = now;
        n.runId = p.runId;
        n.priority = p.priority;
        n.offset = p.rs.offset;
        bool reportsMaster = !p.rs.isReplica;
        if (reportsMaster != n.reportsMaster) {
            n.reportsMaster = reportsMaster;
            n.roleReportedMs = now;
            n.wrongRoleSinceMs = -1;
            publishEvent(reportsMaster == n.isMaster ? "+role-change" : "-role-change",
                         (n.isMaster ? m.describe() : describeReplica(m, n)) + " new reported role is " +
                             (reportsMaster ? "master" : "slave"));
        }
        if (p.rs.isReplica) {
            if (n.masterHost != p.rs.masterHost || n.masterPort != p.rs.masterPort) n.wrongRoleSinceMs = -1;
            n.masterHost = p.rs.masterHost;
            n.masterPort = p.rs.masterPort;
            if (n.linkUp && !p.rs.linkUp) n.linkDownSinceMs = now;
            n.linkUp = p.rs.linkUp;
        } else {
            n.masterHost.clear();
            n.masterPort = 0;
            n.linkUp = false;
        }
        // Replicas are discovered from the master's INFO.
        if (n.isMaster && reportsMaster) {
            for (auto& addr : p.rs.replicas) {
                if (addr == n.key() || m.replica(addr)) continue;
                auto colon = addr.rfind(':');
                NodeView r;
                r.ip = addr.substr(0, colon);
                r.port = std::stoi(addr.substr(colon + 1));
                r.isMaster = false;
                r.reportsMaster = false;
                r.lastOkMs = r.lastPingMs = r.createdMs = r.roleReportedMs = now;
                m.replicas.push_back(r);
                publishEvent("+slave", describeReplica(m, m.replicas.back()));
            }
        }
    }
    if (n.disconnected != wasDisconnected || n.linkUp != wasLinkUp || n.masterHost != oldMasterHost ||
        n.masterPort != oldMasterPort)
        StateSignal::instance().notify();
    if (tilt_) return;
    // As Redis: a master that keeps claiming to be a replica counts as down.
    bool down = now - n.lastOkMs > m.downAfterMs ||
                (n.isMaster && !n.reportsMaster &&
                 now - n.roleReportedMs > m.downAfterMs + 2 * options_.timing.checkPeriod.count());
    if (down && !n.sdown) {
        n.sdown = true;
        n.sdownSinceMs = now;
        publishEvent("+sdown", n.isMaster ? m.describe() : describeReplica(m, n));
    } else if (!down && n.sdown) {
        n.sdown = false;
        publishEvent("-sdown", n.isMaster ? m.describe() : describeReplica(m, n));
    }
}

void SentinelCore::discoverPeers(MasterView& m) {
    for (auto& s : SentinelDirectory::instance().find(SentinelDirectory::key(m.name, m.node.ip, m.node.port))) {
        if (s.get() == this || peer(m, s->runId())) continue;
        PeerView p;
        p.core = s;
        p.runId = s->runId();
        p.ip = s->host();
        p.port = s->port();
        p.lastOkMs = p.lastHelloMs = wallMs();
        m.peers.push_back(p);
        publishEvent("+sentinel", describePeer(m, m.peers.back()));
    }
}

void SentinelCore::checkPeers(MasterView& m, std::int64_t now) {
    for (auto& p : m.peers) {
        auto core = p.core.lock();
        if (core && core->alive()) p.lastOkMs = now;
        if (tilt_) continue;
        bool down = now - p.lastOkMs > m.downAfterMs;
        if (down && !p.sdown) {
            p.sdown = true;
            publishEvent("+sdown", describePeer(m, p));
        } else if (!down && p.sdown) {
            p.sdown = false;
            publishEvent("-sdown", describePeer(m, p));
        }
    }
}

void SentinelCore::checkOdown(MasterView& m, std::int64_t now) {
    if (!m.node.sdown) {
        if (m.odown) {
            m.odown = false;
            publishEvent("-odown", m.describe());
        }
        return;
    }
    int votes = 1;
    std::int64_t validity = kDownReplyValidity * options_.timing.checkPeriod.count();
    for (auto& p : m.peers)
        if (p.masterDown && now - p.downReplyMs <= validity) ++votes;
    if (votes >= m.quorum) {
        if (!m.odown) {
            m.odown = true;
            m.odownSinceMs = now;
            publishEvent("+odown", m.describe() + " #quorum " + std::to_string(votes) + "/" + std::to_string(m.quorum));
        }
    } else if (m.odown) {
        m.odown = false;
        publishEvent("-odown", m.describe());
    }
}

// A replica claiming to be a master after a failover is converted; a replica
// following the wrong master is re-pointed. Both wait long enough for the
// new configuration to reach every Sentinel first.
void SentinelCore::checkReplicaRoles(MasterView& m, std::int64_t now) {
    if (m.state != FailoverState::None || m.node.sdown || !m.node.reportsMaster) return;
    std::int64_t helloPeriod = static_cast<std::int64_t>(kHelloEvery) * options_.timing.checkPeriod.count();
    // Long enough for a leader's announcement to arrive first (a real
    // Sentinel waits 8 s), so a freshly promoted replica is never demoted.
    const SentinelTiming& t = options_.timing;
    std::int64_t convertWait = std::max<std::int64_t>(
        t.convertOldMaster.count(),
        t.promotion.count() + t.promotionReported.count() + t.othersSwitch.count() + 2 * helloPeriod);
    std::int64_t fixWait = std::max<std::int64_t>(convertWait, m.failoverTimeoutMs);
    for (auto& r : m.replicas) {
        if (r.sdown || r.disconnected || now - r.lastOkMs > 0) continue;
        bool wrongMaster = !r.reportsMaster && !(r.masterHost == m.node.ip && r.masterPort == m.node.port);
        if (!r.reportsMaster && !wrongMaster) {
            r.wrongRoleSinceMs = -1;
            continue;
        }
        if (r.wrongRoleSinceMs < 0) r.wrongRoleSinceMs = now;
        std::int64_t wait = r.reportsMaster ? convertWait : fixWait;
        if (now - r.wrongRoleSinceMs < wait || now - r.roleReportedMs < wait) continue;
        auto node = Registry::instance().find(r.ip, r.port);
        if (!node) continue;
        if (node->replicaOf(m.node.ip, m.node.port)) {
            node->server().closeClients(ClientType::Normal);
            publishEvent(r.reportsMaster ? "+convert-to-slave" : "+fix-slave-config", describeReplica(m, r));
        }
        r.wrongRoleSinceMs = -1;
    }
}

// ---------------------------------------------------------------------------
// Messages between Sentinels

void SentinelCore::askPeers(MasterView& m, const std::string& candidate) {
    auto self = weak_from_this();
    for (auto& p : m.peers) {
        auto core = p.core.lock();
        if (!core) continue;
        SentinelCore* raw = core.get();
        std::string name = m.name, ip = m.node.ip;
        int port = m.node.port;
        std::uint64_t epoch = currentEpoch_;
        core->server().post([raw, self, name, ip, port, epoch, candidate] {
            raw->receiveAskDown(self, name, ip, port, epoch, candidate);
        });
    }
}

SentinelCore::DownAnswer SentinelCore::isMasterDownByAddr(const std::string& ip, int port, std::uint64_t epoch,
                                                         const std::string& candidate) {
    DownAnswer a;
    MasterView* m = nullptr;
    for (auto& kv : masters_)
        if (kv.second->node.ip == ip && kv.second->node.port == port) m = kv.second.get();
    if (!m) return a;
    a.down = !tilt_ && m->node.sdown;
    if (candidate != "*") {
        voteFor(*m, candidate, epoch);
        a.leader = m->leader.empty() ? "*" : m->leader;
        a.leaderEpoch = m->leaderEpoch;
    }
    return a;
}

void SentinelCore::receiveAskDown(const std::weak_ptr<SentinelCore>& from, const std::string& masterName,
                                  const std::string& ip, int port, std::uint64_t epoch, const std::string& candidate) {
    if (frozen_ || crashed_.load()) return;
    DownAnswer a = isMasterDownByAddr(ip, port, epoch, candidate);
    auto asker = from.lock();
    if (!asker) return;
    SentinelCore* raw = asker.get();
    std::string me = runId_;
    asker->server().post([raw, me, masterName, a] { raw->receiveDownReply(me, masterName, a.down, a.leader, a.leaderEpoch); });
}

void SentinelCore::receiveDownReply(const std::string& fromRunId, const std::string& masterName, bool down,
                                    const std::string& leader, std::uint64_t leaderEpoch) {
    if (frozen_ || crashed_.load()) return;
    MasterView* m = master(masterName);
    if (!m) return;
    PeerView* p = peer(*m, fromRunId);
    if (!p) return;
    std::int64_t now = wallMs();
    p->masterDown = down;
    p->downReplyMs = now;
    if (leader != "*") {
        p->leader = leader;
        p->leaderEpoch = leaderEpoch;
    }
    if (tilt_) return;
    checkOdown(*m, now);
    if (m->state == FailoverState::None && m->odown && now >= m->nextFailoverAllowedMs && m->odownSeenMs < 0) {
        m->odownSeenMs = now;
    }
    if (m->state == FailoverState::WaitStart) stepFailover(*m, now);
}

void SentinelCore::sendHellos(MasterView& m) {
    if (crashed_.load()) return;
    Hello h;
    h.runId = runId_;
    h.ip = options_.host;
    h.port = server_.port();
    h.currentEpoch = currentEpoch_;
    h.masterName = m.name;
    auto addr = std::make_pair(m.node.ip, m.node.port);
    h.masterConfigEpoch = m.advertisedEpoch;
    // A leader announces the promoted replica once the others may learn it.
    if (m.state >= FailoverState::ReconfSlaves && !m.promoted.empty() &&
        wallMs() >= m.promotedMs + options_.timing.othersSwitch.count()) {
        addr = currentAddress(m);
        h.masterConfigEpoch = m.configEpoch;
    }
    h.masterIp = addr.first;
    h.masterPort = addr.second;
    h.from = weak_from_this();
    for (auto& p : m.peers) {
        auto core = p.core.lock();
        if (!core) continue;
        SentinelCore* raw = core.get();
        core->server().post([raw, h] { raw->receiveHello(h); });
    }
}

void SentinelCore::receiveHello(const Hello& h) {
    if (crashed_.load()) return;
    if (frozen_) {
        missedHellos_.push_back(h);
        return;
    }
    MasterView* m = master(h.masterName);
    if (!m) return;
    std::int64_t now = wallMs();
    PeerView* p = peer(*m, h.runId);
    if (!p) {
        PeerView np;
        np.core = h.from;
        np.runId = h.runId;
        np.ip = h.ip;
        np.port = h.port;
        np.lastOkMs = now;
        m->peers.push_back(np);
        p = &m->peers.back();
        publishEvent("+sentinel", describePeer(*m, *p));
    }
    p->lastHelloMs = now;
    p->lastOkMs = now;
    if (h.currentEpoch > currentEpoch_) {
        currentEpoch_ = h.currentEpoch;
        publishEvent("+new-epoch", std::to_string(currentEpoch_));
    }
    applyConfig(*m, h.masterIp, h.masterPort, h.masterConfigEpoch, p);
}

void SentinelCore::applyConfig(MasterView& m, const std::string& ip, int port, std::uint64_t configEpoch,
                               const PeerView* from) {
    if (configEpoch <= m.configEpoch) return;
    m.configEpoch = configEpoch;
    m.advertisedEpoch = configEpoch;
    if (ip == m.node.ip && port == m.node.port) return;
    if (from) publishEvent("+config-update-from", describePeer(m, *from));
    switchToAddress(m, ip, port);
}

void SentinelCore::switchToAddress(MasterView& m, const std::string& ip, int port) {
    std::int64_t now = wallMs();
    std::string oldIp = m.node.ip;
    int oldPort = m.node.port;
    publishEvent("+switch-master",
                 m.name + " " + oldIp + " " + std::to_string(oldPort) + " " + ip + " " + std::to_string(port));
    SentinelDirectory::instance().remove(SentinelDirectory::key(m.name, oldIp, oldPort), this);
    std::vector<std::pair<std::string, int>> addrs;
    std::string newKey = Registry::key(ip, port);
    for (auto& r : m.replicas)
        if (r.key() != newKey) addrs.emplace_back(r.ip, r.port);
    if (Registry::key(oldIp, oldPort) != newKey) addrs.emplace_back(oldIp, oldPort);
    NodeView fresh;
    fresh.ip = ip;
    fresh.port = port;
    fresh.isMaster = true;
    fresh.reportsMaster = true;
    fresh.lastOkMs = fresh.lastPingMs = fresh.createdMs = fresh.roleReportedMs = now;
    m.node = fresh;
    m.replicas.clear();
    for (auto& a : addrs) {
        NodeView r;
        r.ip = a.first;
        r.port = a.second;
        r.isMaster = false;
        r.reportsMaster = false;
        r.lastOkMs = r.lastPingMs = r.createdMs = r.roleReportedMs = now;
        m.replicas.push_back(r);
    }
    m.odown = false;
    m.odownSeenMs = -1;
    m.state = FailoverState::None;
    m.promoted.clear();
    m.forced = false;
    for (auto& p : m.peers) p.masterDown = false;
    for (auto& r : m.replicas) publishEvent("+slave", describeReplica(m, r));
    registerInDirectory(m);
    StateSignal::instance().notify();
}

// ---------------------------------------------------------------------------
// Faults

void SentinelCore::setFrozen(bool on) {
    frozen_ = on;
    if (on) return;
    auto missed = std::move(missedHellos_);
    missedHellos_.clear();
    for (auto& h : missed) receiveHello(h);
}

void SentinelCore::enterTilt(std::int64_t periodMs) {
    std::int64_t now = wallMs();
    tiltUntilMs_ = periodMs > 0 ? now + periodMs : 0;
    if (tilt_) return;
    tilt_ = true;
    tiltSinceMs_ = now;
    publishEvent("+tilt", "#tilt mode entered");
}

void SentinelCore::resumeFaults() {
    drops_.clear();
    delays_.clear();
    setFrozen(false);
    if (tilt_) {
        tilt_ = false;
        tiltSinceMs_ = -1;
        tiltUntilMs_ = 0;
        publishEvent("-tilt", "#tilt mode exited");
    }
}

}  // namespace sentinelpool::testing::detail

namespace sentinelpool::testing {

SentinelTiming SentinelTiming::real() {
    SentinelTiming t;
    t.checkPeriod = std::chrono::milliseconds(100);
    t.promotion = std::chrono::milliseconds(70);
    t.promotionReported = std::chrono::milliseconds(800);
    t.othersSwitch = std::chrono::milliseconds(100);
    t.leaderSwitch = std::chrono::milliseconds(1100);
    t.convertOldMaster = std::chrono::milliseconds(10000);
    t.electionStagger = std::chrono::milliseconds(100);
    return t;
}

}  // namespace sentinelpool::testing
