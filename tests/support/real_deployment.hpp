#pragma once
// A real Sentinel deployment for the `real` suite and the benchmarks:
// redis-server data nodes (a master and N replicas) and M redis-sentinel
// processes, each a RealServer on a free 127.0.0.1 port.
//
//     if (!realBinariesPresent()) return 77;          // skip
//     RealDeploymentOptions o;                        // 1 master, 2 replicas,
//     RealDeployment d(o);                            // 3 Sentinels, quorum 2
//     d.master().port();  d.sentinel(0).port();
//
// The constructor returns once the deployment is healthy: every replica
// finished its first sync (before the Sentinels start, so their first INFO
// of the master lists every replica), every Sentinel logged +slave for every
// replica and +sentinel for every other Sentinel, and (waitForLinks) every
// Sentinel's own view shows every link up. Throws std::runtime_error with
// the log of the process that did not get there.
//
// Binaries: /usr/bin/redis-server and /usr/bin/redis-sentinel, or
// $SENTINELPOOL_REDIS_SERVER / $SENTINELPOOL_REDIS_SENTINEL.
//
// Also here: Writers (threads writing unique keys and remembering the
// acknowledged ones, with when and where) and missingOn() (which of a list of
// keys a node does not have).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "real_server.hpp"

namespace sentinelpool::test {

// $name, or fallback when unset or empty.
std::string envOr(const char* name, const char* fallback);
std::string redisServerBinary();
std::string redisSentinelBinary();
// True if both binaries exist; else false and, if `missing`, its path.
bool realBinariesPresent(std::string* missing = nullptr);

// A data node. repl-diskless-sync-delay 0: after a failover the replica
// being re-pointed usually needs a full sync from the promoted one, and
// Redis 7.0's default 5 s wait for more replicas before a diskless sync
// would end the failover by timeout (+failover-end-for-timeout) instead of
// +slave-reconf-done.
RealServerOptions dataNode(int replicaOf = 0);
// A Sentinel with this config file (it rewrites it: it lives in the temp dir).
RealServerOptions sentinelProcess(const std::string& config);
// "sentinel monitor <name> 127.0.0.1 <port> <quorum>" and the timings.
std::string monitorConfig(const std::string& name, int port, int quorum, int downAfterMs = 1000,
                          int failoverTimeoutMs = 5000, int parallelSyncs = 1);
// SENTINEL MYID of the Sentinel on this port.
std::string sentinelId(int port);

struct RealDeploymentOptions {
    std::string name = "mymaster";
    int replicas = 2;
    int sentinels = 3;
    int quorum = 2;
    int downAfterMs = 1000;
    int failoverTimeoutMs = 5000;
    int parallelSyncs = 1;
    // Also poll each Sentinel's view (SENTINEL MASTER / REPLICAS / SENTINELS,
    // every 20 ms) until the master is flagged "master", every replica
    // "slave" with master-link-status ok and every other Sentinel
    // "sentinel": a Sentinel learns a replica's link status from its INFO
    // and there is no event for it. Needed before SENTINEL FAILOVER, which
    // refuses (NOGOODSLAVE) replicas whose link it has not seen up.
    bool waitForLinks = true;
    std::chrono::milliseconds timeout{15000};  // per wait
};

class RealDeployment {
public:
    RealDeployment() : RealDeployment(RealDeploymentOptions{}) {}
    explicit RealDeployment(RealDeploymentOptions options);
    ~RealDeployment();
    RealDeployment(const RealDeployment&) = delete;
    RealDeployment& operator=(const RealDeployment&) = delete;

    const RealDeploymentOptions& options() const { return options_; }
    // Data nodes in start order: node(0) is the first master.
    std::size_t nodeCount() const { return nodes_.size(); }
    RealServer& node(std::size_t i) { return *nodes_.at(i); }
    const RealServer& node(std::size_t i) const { return *nodes_.at(i); }
    RealServer& master() { return node(0); }  // the first master
    const RealServer& master() const { return node(0); }
    std::size_t sentinelCount() const { return sentinels_.size(); }
    RealServer& sentinel(std::size_t i) { return *sentinels_.at(i); }
    const RealServer& sentinel(std::size_t i) const { return *sentinels_.at(i); }
    // SENTINEL MYID of sentinel(i).
    const std::string& sentinelId(std::size_t i) const { return ids_.at(i); }
    std::vector<int> sentinelPorts() const;
    // The data node on this port (nullptr if none).
    RealServer* byPort(int port);

    // See RealDeploymentOptions::waitForLinks. Throws on timeout.
    void waitForLinks();
    // The port every running Sentinel names as master (GET-MASTER-ADDR-BY-NAME),
    // once they all name the same one within `timeout`; nullopt otherwise.
    std::optional<int> waitForAgreement(std::chrono::milliseconds timeout);

private:
    RealDeploymentOptions options_;
    std::vector<std::unique_ptr<RealServer>> nodes_;
    std::vector<std::unique_ptr<RealServer>> sentinels_;
    std::vector<std::string> ids_;
};

// The value of `field` in INFO `section` of the node on `port`; empty when
// absent or when the node cannot be reached.
std::string infoField(int port, const std::string& section, const std::string& field);
// Waits until the node on `port` reports role:slave of `masterPort` with
// master_link_status:up.
bool waitForReplicaLinked(int port, int masterPort, std::chrono::milliseconds timeout);

// One acknowledged write: the key, when the reply came, the node's port.
struct Ack {
    std::string key;
    std::chrono::steady_clock::time_point at;
    int port = 0;
};

// Writer threads: each writes unique keys "<prefix><thread>:<i>" with
// write(key) in a loop until join(), and keeps the acknowledged ones. write
// returns the port of the node that acknowledged the write, or 0 when it was
// not acknowledged (an error reply, an exception). After a failed write the
// thread sleeps `pauseAfterError` (0: none) so a dead master does not turn
// the loop into a spin.
class Writers {
public:
    using WriteFn = std::function<int(const std::string& key)>;
    Writers(int threads, std::string prefix, WriteFn write,
            std::chrono::microseconds pauseAfterError = std::chrono::microseconds(0));
    // The common case: one function per thread (each its own connection).
    Writers(std::string prefix, std::vector<WriteFn> perThread,
            std::chrono::microseconds pauseAfterError = std::chrono::microseconds(0));
    ~Writers();
    Writers(const Writers&) = delete;
    Writers& operator=(const Writers&) = delete;

    std::size_t count() const;
    std::uint64_t errors() const { return errors_.load(); }
    // Stops and joins the threads (idempotent).
    void join();
    // The acknowledged writes so far, in the order they were recorded.
    std::vector<Ack> acked() const;
    std::vector<std::string> ackedKeys() const;

private:
    void run(std::size_t t, const WriteFn& write);
    std::string prefix_;
    std::vector<WriteFn> fns_;
    std::chrono::microseconds pause_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    std::vector<Ack> acked_;
    std::atomic<std::uint64_t> errors_{0};
    std::vector<std::thread> threads_;
};

// How many of `keys` the node on `port` does not have (EXISTS, pipelined).
// Throws std::runtime_error when the node cannot be reached.
std::size_t missingOn(int port, const std::vector<std::string>& keys);

}  // namespace sentinelpool::test
