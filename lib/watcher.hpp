#pragma once
// The watcher: one background thread running a libuv loop that owns every
// connection to every Sentinel (one command connection per Sentinel, shared
// by all master names), resolves names (coalesced: one resolution per name
// at a time), checks roles, resolves hostnames without blocking
// (uv_getaddrinfo), runs admin commands, and publishes what it learns to
// the ClientCore's pools.
//
// Threads: the public methods may be called from any thread; they post to
// the loop. Everything else runs on the loop thread. stop() is idempotent
// and leaves no handle behind (uv_loop_close() == 0).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <uv.h>

#include "async_conn.hpp"
#include "common/jitter.hpp"
#include "common/loop_timers.hpp"
#include "detail/resolve_machine.hpp"
#include "detail/sentinel_events.hpp"
#include "detail/switch_machine.hpp"
#include "pool.hpp"

namespace sentinelpool::detail {

class ClientCore;

class Watcher {
public:
    explicit Watcher(ClientCore& core);
    ~Watcher();
    Watcher(const Watcher&) = delete;
    Watcher& operator=(const Watcher&) = delete;

    void start();
    void stop();

    // ---- any thread ----
    void resolve(const std::string& name, Detector why = Detector::Resolution);
    void resolveReplicas(const std::string& name);
    void nodeFailed(const std::string& name, Role role, const Address& node, std::uint64_t generation, Detector d,
                    const std::string& reason);
    // An admin query to the first Sentinel that answers: the reply, the
    // Sentinel it came from, and the failures of those tried before.
    using AdminDone = std::function<void(ReplyPtr reply, Address from, std::vector<SentinelFailure> failures)>;
    void adminFirst(std::vector<std::string> argv, AdminDone done);
    // An admin command to every Sentinel.
    using AdminAllDone =
        std::function<void(std::vector<std::pair<Address, ReplyPtr>> replies, std::vector<SentinelFailure> failures)>;
    void adminAll(std::vector<std::string> argv, AdminAllDone done);
    std::vector<Address> sentinels() const;
    std::vector<SentinelStats> sentinelStats() const;

private:
    struct Link;
    struct Resolution;
    struct ReplicaResolution;

    bool post(std::function<void()> fn);  // false once stopped: fn is dropped
    static void onAsync(uv_async_t* a);
    void runTasks();
    void shutdownOnLoop();

    // Sentinel links.
    Link* link(const Address& a);
    void ensureConnected(Link& l, std::uint64_t timeoutMs, std::function<void(const std::string&)> cb);
    void finishConnect(Link& l, const std::string& error);
    void query(Link& l, std::vector<std::vector<std::string>> cmds, Clock::time_point deadline,
               std::function<void(std::vector<ReplyPtr>, const std::string&)> cb);
    void setLinkState(Link& l, bool up, const std::string& reason);
    void moveToFront(Link* l);
    void learnSentinels(const std::vector<Address>& addrs);

    // DNS.
    // Every address of a host (a numeric one as is), without blocking.
    using HostDone = std::function<void(const std::vector<std::string>& ips, const std::string& err)>;
    void resolveHost(const std::string& host, HostDone cb);
    // Connects to the first of the host's addresses that accepts; c is null
    // on failure (err says why, for the last address tried).
    using ConnectDone = std::function<void(AsyncConn* c, const std::string& ip, const std::string& err)>;
    void connectAny(const Address& addr, std::uint64_t timeoutMs, ConnectDone cb);

    // Timers that are not armed once the loop is stopping.
    void after(Clock::duration d, std::function<void()> fn);

    // Event subscriptions (one pub/sub connection per Sentinel).
    void connectSub(Link& l);
    void subFailed(Link& l, const std::string& reason);
    void onPush(Link& l, ReplyPtr r);
    void onEvent(const EventMsg& e);
    void log(LogLevel level, const std::string& msg);

    // Following failovers: one switching machine per master name.
    SwitchMachine& machine(const std::string& name);
    void act(const std::string& name, const SwitchMachine::Actions& a);
    void probe(const std::string& name, const Address& node);
    void applyEvent(const std::string& name, const Address& node, const std::string& ip);
    void scheduleReconcile();
    void reconcileAll();
    void errorResolve(const std::string& name, Detector d);
    bool awaitingFailover(const std::string& name);
    bool quietWhileAwaiting(const std::string& name);

    // Resolutions.
    void startResolve(const std::string& name, Detector why);
    void drive(const std::string& name, ResolveMachine::Step step);
    void finishResolve(const std::string& name);
    void checkRole(const Address& node, Role want, Clock::time_point deadline,
                   std::function<void(RoleReport, const std::string& ip)> cb);
    void startReplicas(const std::string& name);
    void askReplicas(const std::string& name, std::size_t index);
    void finishReplicas(const std::string& name);

    ClientCore& core_;
    uv_loop_t loop_{};
    uv_async_t async_{};
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::mutex lifecycleMu_;
    std::mutex tasksMu_;
    bool accepting_ = false;
    std::vector<std::function<void()>> tasks_;
    LoopTimers timers_;

    // Loop thread only, except where noted.
    std::list<std::unique_ptr<Link>> links_;
    std::vector<Link*> order_;      // the order Sentinels are asked in
    mutable std::mutex orderMu_;    // guards orderCopy_ (read by other threads)
    std::vector<Address> orderCopy_;
    std::map<std::string, std::unique_ptr<Resolution>> resolutions_;
    std::map<std::string, std::unique_ptr<ReplicaResolution>> replicaResolutions_;
    std::set<uv_getaddrinfo_t*> dns_;
    std::set<AsyncConn*> roleConns_;
    std::set<AsyncConn*> attempts_;  // connecting (connectAny)
    std::map<std::string, std::unique_ptr<SwitchMachine>> machines_;
    std::map<std::string, Clock::time_point> lastErrorResolve_;
    std::set<std::string> errorResolvePending_;
    // Name -> the generation of its master pool when a watched Sentinel
    // confirmed that master unreachable and not failed over yet: no more
    // error-triggered resolutions for that generation while subscribed (the
    // events will tell), and reconciles check its role.
    // Each reconcile meanwhile starts from the next Sentinel in turn, so one
    // stale Sentinel cannot hide a failover whose events were lost.
    struct Unreachable {
        std::uint64_t generation;
        std::size_t nextSentinel;
        Error error;  // the resolution's, given to callers waiting meanwhile
    };
    std::map<std::string, Unreachable> unreachable_;
    Clock::time_point lastSentinelRefresh_{};
    Jitter jitter_{0};  // loop thread only; seeded by start()
    double jitter(double lo, double hi);
    bool stopping_ = false;
};

}  // namespace sentinelpool::detail
