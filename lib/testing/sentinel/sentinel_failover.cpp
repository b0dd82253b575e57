// The failover state machine of a MiniSentinel, following Redis Sentinel's
// (sentinel.c): wait_start (election) -> select_slave -> send_slaveof_noone
// -> wait_promotion -> reconf_slaves -> update_config, with the events a
// real leader publishes at each step. Loop thread only.

#include <algorithm>

#include "redis/mini_redis_core.hpp"
#include "redis/registry.hpp"
#include "sentinel/sentinel_core.hpp"
#include "server/state_signal.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

void SentinelCore::bumpEpoch(std::uint64_t epoch, const MasterView&) {
    if (epoch <= currentEpoch_) return;
    currentEpoch_ = epoch;
    publishEvent("+new-epoch", std::to_string(currentEpoch_));
}

std::int64_t SentinelCore::staggerMs(const MasterView& m) const {
    std::int64_t rank = 0;
    for (auto& p : m.peers)
        if (p.runId < runId_ && !p.sdown) ++rank;
    return rank * options_.timing.electionStagger.count();
}

// Redis's sentinelVoteLeader: one vote per epoch, for the first asker.
void SentinelCore::voteFor(MasterView& m, const std::string& candidate, std::uint64_t epoch) {
    bumpEpoch(epoch, m);
    if (m.leaderEpoch < epoch && currentEpoch_ <= epoch) {
        m.leader = candidate;
        m.leaderEpoch = currentEpoch_;
        publishEvent("+vote-for-leader", candidate + " " + std::to_string(m.leaderEpoch));
        // Having voted for someone else, do not start a failover of our own
        // for a while: as Redis, twice the failover timeout.
        if (candidate != runId_) m.nextFailoverAllowedMs = wallMs() + 2 * m.failoverTimeoutMs + staggerMs(m);
    }
}

// Redis's sentinelGetLeader: count the votes of this epoch, add ours, and
// require both a majority of the known Sentinels and the quorum.
std::string SentinelCore::electedLeader(MasterView& m, std::uint64_t epoch, int& votes) {
    std::map<std::string, int> counts;
    for (auto& p : m.peers)
        if (!p.leader.empty() && p.leaderEpoch == epoch) ++counts[p.leader];
    std::string winner;
    int best = 0;
    for (auto& kv : counts)
        if (kv.second > best) {
            best = kv.second;
            winner = kv.first;
        }
    voteFor(m, winner.empty() ? runId_ : winner, epoch);
    if (m.leaderEpoch == epoch && !m.leader.empty()) ++counts[m.leader];
    best = 0;
    winner.clear();
    for (auto& kv : counts)
        if (kv.second > best) {
            best = kv.second;
            winner = kv.first;
        }
    int voters = static_cast<int>(m.peers.size()) + 1;
    votes = best;
    if (best < voters / 2 + 1 || best < m.quorum) return {};
    return winner;
}

void SentinelCore::startFailover(MasterView& m, bool forced, std::int64_t now) {
    m.state = FailoverState::WaitStart;
    m.forced = forced;
    m.failoverEpoch = ++currentEpoch_;
    m.stateSinceMs = m.failoverStartMs = now;
    m.nextFailoverAllowedMs = now + 2 * m.failoverTimeoutMs + staggerMs(m);
    m.promoted.clear();
    for (auto& r : m.replicas) r.promoted = r.reconfSent = r.reconfInprog = r.reconfDone = false;
    publishEvent("+new-epoch", std::to_string(currentEpoch_));
    publishEvent("+try-failover", m.describe());
    if (forced)
        sendHellos(m);  // the others learn the new epoch from our hello
    else
        askPeers(m, runId_);  // and ask for their votes
}

std::string SentinelCore::startManualFailover(const std::string& name) {
    MasterView* m = master(name);
    if (!m) return "ERR No such master with that name";
    if (m->state != FailoverState::None) return "INPROG Failover already in progress";
    if (!selectReplica(*m)) return "NOGOODSLAVE No suitable replica to promote";
    std::int64_t now = wallMs();
    startFailover(*m, true, now);
    stepFailover(*m, now);
    return {};
}

void SentinelCore::abortFailover(MasterView& m, const char* why) {
    publishEvent(why, m.describe());
    if (!m.promoted.empty()) {
        if (NodeView* r = m.replica(m.promoted)) r->promoted = false;
    }
    for (auto& r : m.replicas) r.reconfSent = r.reconfInprog = r.reconfDone = false;
    m.state = FailoverState::None;
    m.promoted.clear();
    m.forced = false;
}

// Redis's sentinelSelectSlave: a healthy, reachable replica with non-zero
// priority, linked to its master recently; lowest priority, then the
// largest replication offset, then the smallest run id.
NodeView* SentinelCore::selectReplica(MasterView& m) {
    std::int64_t now = wallMs();
    std::vector<NodeView*> candidates;
    for (auto& r : m.replicas) {
        if (r.sdown || r.disconnected || r.reportsMaster || r.priority == 0) continue;
        if (now - r.lastOkMs > std::max<std::int64_t>(m.downAfterMs, 5 * options_.timing.checkPeriod.count())) continue;
        candidates.push_back(&r);
    }
    if (candidates.empty()) return nullptr;
    std::sort(candidates.begin(), candidates.end(), [](const NodeView* a, const NodeView* b) {
        if (a->priority != b->priority) return a->priority < b->priority;
        if (a->offset != b->offset) return a->offset > b->offset;
        if (a->runId.empty() != b->runId.empty()) return b->runId.empty();
        return a->runId < b->runId;
    });
    return candidates.front();
}

void SentinelCore::scheduleStep(const std::string& name, std::int64_t delayMs) {
    server_.setTimeout(static_cast<std::uint64_t>(std::max<std::int64_t>(delayMs, 0)), [this, name] {
        if (crashed_.load() || frozen_) return;
        if (MasterView* m = master(name); m && m->state != FailoverState::None) stepFailover(*m, wallMs());
    });
}

void SentinelCore::stepFailover(MasterView& m, std::int64_t now) {
    const SentinelTiming& t = options_.timing;
    for (int guard = 0; guard < 16; ++guard) {
        switch (m.state) {
        case FailoverState::None:
            return;
        case FailoverState::WaitStart: {
            int votes = 0;
            std::string leader = electedLeader(m, m.failoverEpoch, votes);
            if (leader != runId_ && !m.forced) {
                std::int64_t electionTimeout = std::min<std::int64_t>(10000, m.failoverTimeoutMs);
                if (now - m.stateSinceMs > electionTimeout) abortFailover(m, "-failover-abort-not-elected");
                return;
            }
            publishEvent("+elected-leader", m.describe());
            if (simFailure_ & 1u) {  // CRASH-AFTER-ELECTION
                simulateCrash();
                return;
            }
            m.state = FailoverState::SelectSlave;
            m.stateSinceMs = now;
            publishEvent("+failover-state-select-slave", m.describe());
            break;
        }
        case FailoverState::SelectSlave: {
            NodeView* r = selectReplica(m);
            if (!r) {
                abortFailover(m, "-failover-abort-no-good-slave");
                return;
            }
            publishEvent("+selected-slave", describeReplica(m, *r));
            r->promoted = true;
            m.promoted = r->key();
            m.state = FailoverState::SendSlaveofNoone;
            m.stateSinceMs = now;
            m.promotionDueMs = now + t.promotion.count();
            publishEvent("+failover-state-send-slaveof-noone", describeReplica(m, *r));
            if (t.promotion.count() > 0) {
                scheduleStep(m.name, t.promotion.count());
                return;
            }
            break;
        }
        case FailoverState::SendSlaveofNoone: {
            if (now < m.promotionDueMs) return;
            NodeView* r = m.replica(m.promoted);
            auto node = r ? Registry::instance().find(r->ip, r->port) : nullptr;
            if (!r || !node) {
                if (now - m.stateSinceMs > m.failoverTimeoutMs) abortFailover(m, "-failover-abort-slave-timeout");
                return;
            }
            node->promote();
            node->server().closeClients(ClientType::Normal);  // CLIENT KILL TYPE normal
            StateSignal::instance().notify();
            m.state = FailoverState::WaitPromotion;
            m.stateSinceMs = now;
            publishEvent("+failover-state-wait-promotion", describeReplica(m, *r));
            if (t.promotionReported.count() > 0) {
                scheduleStep(m.name, t.promotionReported.count());
                return;
            }
            break;
        }
        case FailoverState::WaitPromotion: {
            if (now - m.stateSinceMs < t.promotionReported.count()) return;
            NodeView* r = m.replica(m.promoted);
            if (!r) {
                abortFailover(m, "-failover-abort-slave-timeout");
                return;
            }
            checkNode(m, *r, now);  // the INFO that shows the promotion (-role-change)
            if (!r->reportsMaster) {
                if (now - m.stateSinceMs > m.failoverTimeoutMs) abortFailover(m, "-failover-abort-slave-timeout");
                return;
            }
            m.advertisedEpoch = m.configEpoch;
            m.configEpoch = m.failoverEpoch;
            m.state = FailoverState::ReconfSlaves;
            m.stateSinceMs = m.promotedMs = now;
            publishEvent("+promoted-slave", describeReplica(m, *r));
            if (simFailure_ & 2u) {  // CRASH-AFTER-PROMOTION
                simulateCrash();
                return;
            }
            publishEvent("+failover-state-reconf-slaves", m.describe());
            // The others learn the new configuration from our hello.
            if (t.othersSwitch.count() > 0) {
                std::string name = m.name;
                server_.setTimeout(static_cast<std::uint64_t>(t.othersSwitch.count()), [this, name] {
                    if (MasterView* mm = master(name)) sendHellos(*mm);
                });
            } else {
                sendHellos(m);
            }
            break;
        }
        case FailoverState::ReconfSlaves: {
            NodeView* promoted = m.replica(m.promoted);
            if (!promoted) {
                abortFailover(m, "-failover-abort-slave-timeout");
                return;
            }
            int inProgress = 0;
            for (auto& r : m.replicas)
                if (r.reconfSent && !r.reconfDone) ++inProgress;
            bool pending = false;
            for (auto& r : m.replicas) {
                if (r.promoted || r.reconfDone) continue;
                if (r.sdown || r.disconnected) continue;  // dead replicas are left for later
                if (!r.reconfSent) {
                    pending = true;
                    if (inProgress >= m.parallelSyncs) continue;
                    auto node = Registry::instance().find(r.ip, r.port);
                    if (!node) continue;
                    node->replicaOf(promoted->ip, promoted->port);
                    node->server().closeClients(ClientType::Normal);
                    r.reconfSent = true;
                    ++inProgress;
                    publishEvent("+slave-reconf-sent", describeReplica(m, r));
                    continue;
                }
                checkNode(m, r, now);
                if (r.masterHost == promoted->ip && r.masterPort == promoted->port) {
                    if (!r.reconfInprog) {
                        r.reconfInprog = true;
                        publishEvent("+slave-reconf-inprog", describeReplica(m, r));
                    }
                    if (r.linkUp) {
                        r.reconfDone = true;
                        --inProgress;
                        publishEvent("+slave-reconf-done", describeReplica(m, r));
                        continue;
                    }
                }
                pending = true;
            }
            bool timedOut = now - m.stateSinceMs > m.failoverTimeoutMs;
            if (pending && !timedOut) return;
            if (now < m.promotedMs + t.leaderSwitch.count()) {
                scheduleStep(m.name, m.promotedMs + t.leaderSwitch.count() - now);
                return;
            }
            if (timedOut && pending) publishEvent("+failover-end-for-timeout", m.describe());
            if (m.odown) {
                m.odown = false;
                publishEvent("-odown", m.describe());
            }
            publishEvent("+failover-end", m.describe());
            m.state = FailoverState::UpdateConfig;
            m.stateSinceMs = now;
            break;
        }
        case FailoverState::UpdateConfig: {
            auto addr = currentAddress(m);
            m.advertisedEpoch = m.configEpoch;
            switchToAddress(m, addr.first, addr.second);
            sendHellos(m);
            return;
        }
        }
    }
}

}  // namespace sentinelpool::testing::detail
