#pragma once
// A pool of connections to one data node role: the master of a name, or one
// replica. Bounded; blocks with a timeout when exhausted; connects (and
// checks the role) outside its lock; tags every connection with the pool's
// generation, which moves when the master changes, so a connection from an
// old generation is closed when put back, never re-pooled.
//
// Threads: acquire/release/discard from any user thread; setTarget,
// setFailed, fence from the watcher. One mutex, never held across I/O.
// Lifetime: created by its ClientCore entry; retire() when the entry goes;
// it deletes itself once no connection is checked out.

#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/fast_mutex.hpp"
#include "detail/pool_policy.hpp"
#include "sentinelpool/connection.hpp"
#include "sentinelpool/error.hpp"
#include "sentinelpool/events.hpp"
#include "sentinelpool/options.hpp"

struct redisContext;

namespace sentinelpool::detail {

class ClientCore;

// Where a pool connects: the address the Sentinels give, and the numeric IP
// the watcher resolved it to (hiredis's own lookup would block).
struct NodeTarget {
    Address address;
    std::string ip;
};

struct PooledConn {
    redisContext* ctx = nullptr;
    PoolCore* pool = nullptr;
    ConnMeta meta;
    Address address;
    int fd = -1;
    std::function<void()> onGenerationEnd;  // guarded by the pool's mutex
};

class PoolCore {
public:
    PoolCore(std::weak_ptr<ClientCore> owner, std::string name, Role role, const Options& opts);
    PoolCore(const PoolCore&) = delete;
    PoolCore& operator=(const PoolCore&) = delete;

    // ---- user threads ----
    Connection acquire();
    // Resolves first if needed and waits for the outcome; throws its error.
    void ensureResolved();
    void release(PooledConn* c);
    void discard(PooledConn* c);  // a Connection destroyed without being put back
    void watchGeneration(PooledConn* c, std::function<void()> fn);

    // ---- the client core / watcher ----
    // Sets where to connect. A different address starts a new generation:
    // idle connections close now, checked-out ones when put back. Returns
    // true when it changed.
    bool setTarget(const NodeTarget& target, std::uint64_t configEpoch);
    // A resolution ended without an address: waiters wake with this error.
    void setFailed(const Error& e);
    // A resolution was asked for (so acquisitions wait for its outcome).
    void setResolving();
    // Holds acquisitions (the failover fence) until unfence() or a new target.
    void fence();
    void unfence();
    // FailoverPolicy::Abort: shuts checked-out connections' sockets down.
    void abortCheckedOut();
    void close();   // ClientClosed for waiters; everything closes
    void retire();  // the owner is gone (implies close)

    bool resolved() const;
    NodeTarget target() const;
    std::uint64_t generation() const;
    std::uint64_t configEpoch() const;
    const std::string& name() const { return name_; }
    Role role() const { return role_; }
    // Connections open (idle + checked out), for tests and stats.
    std::size_t openCount() const;
    std::size_t idleCount() const;

private:
    ~PoolCore();
    PooledConn* connect(const NodeTarget& target, std::uint64_t generation);
    void closeConn(PooledConn* c);
    void reportFailure(Detector d, const Address& node, std::uint64_t generation, const std::string& reason);
    void maybeDelete(std::unique_lock<FastMutex>& lk);
    // Waits for the outcome of the resolution started after `seq`.
    bool waitResolution(std::unique_lock<FastMutex>& lk, std::uint64_t seq);
    void ensureResolvedLocked(std::unique_lock<FastMutex>& lk);

    std::weak_ptr<ClientCore> owner_;
    std::string name_;
    Role role_;
    const Options& opts_;
    PoolLimits limits_;
    bool limitsSet_;

    mutable FastMutex mu_;
    std::condition_variable_any cv_;
    std::vector<PooledConn*> idle_;
    std::vector<PooledConn*> out_;   // checked out (for abort)
    std::size_t open_ = 0;           // idle + checked out + being connected
    std::size_t waiters_ = 0;
    std::uint64_t generation_ = 1;
    std::uint64_t configEpoch_ = 0;
    NodeTarget target_;
    bool resolved_ = false;
    bool resolving_ = false;
    std::uint64_t outcomes_ = 0;  // resolutions finished (success or failure)
    std::optional<Error> lastError_;
    std::int64_t lastFailMs_ = 0;
    bool fenced_ = false;
    bool closed_ = false;
    bool retired_ = false;
};

std::int64_t steadyMs();
void freeConn(PooledConn* c);  // frees the hiredis context and the record

}  // namespace sentinelpool::detail
