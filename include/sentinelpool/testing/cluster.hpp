#pragma once
// Cluster: one line for a whole Sentinel deployment in your test process:
// a master, N replicas and M Sentinels, all MiniRedis / MiniSentinel on
// 127.0.0.1 with kernel-picked ports.
//
//     sentinelpool::testing::Cluster cluster;            // 1 master, 1 replica, 3 Sentinels
//     auto sentinels = cluster.sentinelAddrs();           // give these to your client
//     MiniRedis& newMaster = cluster.failover();          // returns once all Sentinels agree
//     cluster.killMaster();                               // automatic failover after down-after
//     cluster.waitForFailover();
//
// Threads: any thread may call any method.

#include "sentinelpool/export.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sentinelpool/testing/mini_redis.hpp"
#include "sentinelpool/testing/mini_sentinel.hpp"
#include "sentinelpool/testing/wait.hpp"

namespace sentinelpool::testing {

struct ClusterOptions {
    std::string name = "mymaster";
    int replicas = 1;
    int sentinels = 3;
    int quorum = 0;  // 0: a majority of the Sentinels
    std::chrono::milliseconds downAfter{250};
    // Data nodes' requirepass (the Sentinels get it as auth-pass). Empty: none.
    std::string password;
    // The Sentinels' own requirepass. Empty: none.
    std::string sentinelPassword;
    SentinelTiming timing;
};

class SENTINELPOOL_TESTING_API Cluster {
public:
    // Returns once the deployment is healthy: every Sentinel knows every
    // node and Sentinel and sees each replica linked (waitForAgreement).
    Cluster();
    explicit Cluster(ClusterOptions options);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    const std::string& name() const { return options_.name; }
    const ClusterOptions& options() const { return options_; }

    // Data nodes, in creation order: node(0) is the first master.
    std::size_t nodeCount() const { return nodes_.size(); }
    MiniRedis& node(std::size_t i) { return *nodes_.at(i); }
    // The node the Sentinels currently name as master (by Sentinel 0, or the
    // first running Sentinel).
    MiniRedis& master();
    // Every node that is not master().
    std::vector<MiniRedis*> replicas();
    std::size_t sentinelCount() const { return sentinels_.size(); }
    MiniSentinel& sentinel(std::size_t i) { return *sentinels_.at(i); }
    // "127.0.0.1:port" of every Sentinel, and the same as (host, port) pairs.
    std::vector<std::string> sentinelAddrs() const;
    std::vector<std::pair<std::string, int>> sentinelEndpoints() const;

    // Manual failover (SENTINEL FAILOVER through Sentinel 0) and wait until
    // every running Sentinel published +switch-master to the new master and
    // it accepts writes.
    // Throws std::runtime_error on timeout or if the failover cannot start.
    MiniRedis& failover(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Kills the master (close(): the process dies). The Sentinels fail over
    // after down-after-milliseconds; waitForFailover() waits for it.
    void killMaster();
    // Restarts a node or a Sentinel (close, then start on the same port).
    void restart(MiniRedis& node);
    void restart(MiniSentinel& sentinel);

    // Waits until every running Sentinel finished its failover (published
    // +switch-master) and names one same master, other than the one of the
    // last failover() or killMaster(), and that master accepts writes.
    MiniRedis& waitForFailover(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The same, away from `from` (e.g. a master the test made hang).
    MiniRedis& waitForFailover(const MiniRedis& from, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Waits until every running Sentinel names `expected`, it is a master,
    // every other running node is its replica with the link up, and every
    // Sentinel sees them so (ready for the next failover).
    bool waitForAgreement(const MiniRedis& expected, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Waits until every running Sentinel knows every other running node
    // and Sentinel (a freshly built cluster, after a restart).
    bool waitForHealthy(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    MiniRedis* nodeAt(const std::string& addr);
    MiniRedis& waitForFailoverFrom(const std::string& from, std::chrono::milliseconds timeout);
    ClusterOptions options_;
    std::vector<std::unique_ptr<MiniRedis>> nodes_;
    std::vector<std::unique_ptr<MiniSentinel>> sentinels_;
    std::string lastKilled_;
};

}  // namespace sentinelpool::testing
