// Cluster: a master, replicas and Sentinels in one object, and the waits a
// test needs instead of sleeps. The waits re-check their condition each time
// a Sentinel publishes an event or a node changes role (StateSignal).

#include "sentinelpool/testing/cluster.hpp"

#include <stdexcept>

#include "redis/mini_redis_core.hpp"
#include "sentinel/sentinel_core.hpp"
#include "server/state_signal.hpp"

namespace sentinelpool::testing {

using detail::StateSignal;

Cluster::Cluster() : Cluster(ClusterOptions{}) {}

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {
    if (options_.replicas < 0 || options_.sentinels < 1) throw std::invalid_argument("Cluster: bad sizes");
    int quorum = options_.quorum > 0 ? options_.quorum : options_.sentinels / 2 + 1;
    MiniRedisOptions nodeOpts;
    nodeOpts.requirePass = options_.password;
    for (int i = 0; i <= options_.replicas; ++i) nodes_.push_back(std::make_unique<MiniRedis>(nodeOpts));
    for (int i = 1; i <= options_.replicas; ++i) nodes_[static_cast<std::size_t>(i)]->replicaOf(*nodes_[0]);
    // A failover completes within a few check periods when compressed; the
    // timeout only bounds retries after a failed one.
    auto failoverTimeout = std::max<std::int64_t>(1000, 50 * options_.timing.checkPeriod.count());
    for (int i = 0; i < options_.sentinels; ++i) {
        MiniSentinelOptions so;
        so.requirePass = options_.sentinelPassword;
        so.timing = options_.timing;
        auto s = std::make_unique<MiniSentinel>(so);
        s->monitor(options_.name, *nodes_[0], quorum, options_.downAfter);
        s->set(options_.name, "failover-timeout", std::to_string(failoverTimeout));
        if (!options_.password.empty()) s->set(options_.name, "auth-pass", options_.password);
        sentinels_.push_back(std::move(s));
    }
    // Ready: every Sentinel knows every node and Sentinel, and sees each
    // replica linked to the master.
    if (!waitForHealthy(std::chrono::seconds(10)) || !waitForAgreement(*nodes_[0], std::chrono::seconds(10)))
        throw std::runtime_error("Cluster: did not become healthy");
}

Cluster::~Cluster() {
    // Sentinels first, so they do not react to the nodes going away.
    for (auto& s : sentinels_) s->close();
    for (auto& n : nodes_) n->close();
}

MiniRedis* Cluster::nodeAt(const std::string& addr) {
    for (auto& n : nodes_)
        if (n->addr() == addr) return n.get();
    return nullptr;
}

MiniRedis& Cluster::master() {
    for (auto& s : sentinels_) {
        if (!s->running()) continue;
        if (auto a = s->masterAddr(options_.name))
            if (MiniRedis* n = nodeAt(*a)) return *n;
    }
    throw std::runtime_error("Cluster: no running Sentinel names a master");
}

std::vector<MiniRedis*> Cluster::replicas() {
    MiniRedis* m = &master();
    std::vector<MiniRedis*> out;
    for (auto& n : nodes_)
        if (n.get() != m) out.push_back(n.get());
    return out;
}

std::vector<std::string> Cluster::sentinelAddrs() const {
    std::vector<std::string> out;
    for (auto& s : sentinels_) out.push_back(s->addr());
    return out;
}

std::vector<std::pair<std::string, int>> Cluster::sentinelEndpoints() const {
    std::vector<std::pair<std::string, int>> out;
    for (auto& s : sentinels_) out.emplace_back(s->host(), s->port());
    return out;
}

MiniRedis& Cluster::failover(std::chrono::milliseconds timeout) {
    MiniSentinel* leader = nullptr;
    for (auto& s : sentinels_)
        if (s->running()) {
            leader = s.get();
            break;
        }
    if (!leader) throw std::runtime_error("Cluster::failover: no running Sentinel");
    lastKilled_ = master().addr();
    std::string err;
    if (!leader->failover(options_.name, &err)) throw std::runtime_error("Cluster::failover: " + err);
    return waitForFailover(timeout);
}

void Cluster::killMaster() {
    MiniRedis& m = master();
    lastKilled_ = m.addr();
    m.close();
    StateSignal::instance().notify();
}

void Cluster::restart(MiniRedis& node) {
    node.close();
    node.start();
    StateSignal::instance().notify();
}

void Cluster::restart(MiniSentinel& sentinel) {
    sentinel.close();
    sentinel.start();
}

MiniRedis& Cluster::waitForFailover(std::chrono::milliseconds timeout) {
    if (lastKilled_.empty()) throw std::logic_error("Cluster::waitForFailover: no failover() or killMaster() yet; name the old master");
    return waitForFailoverFrom(lastKilled_, timeout);
}

MiniRedis& Cluster::waitForFailover(const MiniRedis& from, std::chrono::milliseconds timeout) {
    lastKilled_ = from.addr();
    return waitForFailoverFrom(lastKilled_, timeout);
}

MiniRedis& Cluster::waitForFailoverFrom(const std::string& from, std::chrono::milliseconds timeout) {
    MiniRedis* found = nullptr;
    bool ok = StateSignal::instance().waitUntil(
        [&] {
            std::string agreed;
            for (auto& s : sentinels_) {
                if (!s->running()) continue;
                auto a = s->masterAddr(options_.name);
                if (!a || *a == from) return false;
                // Every Sentinel has published +switch-master (the leader
                // only does at +failover-end).
                if (s->failoverInProgress(options_.name)) return false;
                if (agreed.empty())
                    agreed = *a;
                else if (*a != agreed)
                    return false;
            }
            MiniRedis* n = nodeAt(agreed);
            if (!n || !n->running() || n->replication().isReplica) return false;
            found = n;
            return true;
        },
        timeout);
    if (!ok) throw std::runtime_error("Cluster::waitForFailover: the Sentinels did not agree on a new master in time");
    return *found;
}

bool Cluster::waitForAgreement(const MiniRedis& expected, std::chrono::milliseconds timeout) {
    return StateSignal::instance().waitUntil(
        [&] {
            for (auto& s : sentinels_) {
                if (!s->running()) continue;
                auto a = s->masterAddr(options_.name);
                if (!a || *a != expected.addr()) return false;
            }
            if (!expected.running() || expected.replication().isReplica) return false;
            for (auto& n : nodes_) {
                if (n.get() == &expected || !n->running()) continue;
                auto st = n->replication();
                if (!st.isReplica || !st.linkUp || st.masterPort != expected.port()) return false;
            }
            // ...and every Sentinel's own view has caught up: not in a
            // failover, each running replica seen as a healthy replica.
            for (auto& s : sentinels_) {
                if (!s->running()) continue;
                bool ok = true;
                auto& core = s->core();
                core.server().runSync([&] {
                    auto* m = core.master(options_.name);
                    if (!m || m->state != detail::FailoverState::None) {
                        ok = false;
                        return;
                    }
                    for (auto& n : nodes_) {
                        if (n.get() == &expected || !n->running()) continue;
                        auto* r = m->replica(n->addr());
                        if (!r || r->reportsMaster || r->sdown || !r->linkUp) ok = false;
                    }
                });
                if (!ok) return false;
            }
            return true;
        },
        timeout);
}

bool Cluster::waitForHealthy(std::chrono::milliseconds timeout) {
    return StateSignal::instance().waitUntil(
        [&] {
            std::size_t runningSentinels = 0;
            for (auto& s : sentinels_) runningSentinels += s->running() ? 1 : 0;
            for (auto& s : sentinels_) {
                if (!s->running()) continue;
                auto masterAddr = s->masterAddr(options_.name);
                if (!masterAddr) return false;
                auto known = s->knownReplicas(options_.name);
                for (auto& n : nodes_) {
                    if (!n->running() || n->addr() == *masterAddr) continue;
                    if (std::find(known.begin(), known.end(), n->addr()) == known.end()) return false;
                }
                if (s->knownSentinels(options_.name).size() + 1 < runningSentinels) return false;
            }
            return true;
        },
        timeout);
}

}  // namespace sentinelpool::testing
