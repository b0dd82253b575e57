#pragma once
// The decisions of a connection pool, apart from its locks and sockets:
// whether an idle connection may be handed out, and what happens to one
// that is put back. Pure functions; the pool calls them under its lock.

#include <cstddef>
#include <cstdint>

namespace sentinelpool::detail {

struct PoolLimits {
    std::size_t maxSize = 8;
    std::int64_t maxIdleMs = 0;      // 0: no limit
    std::int64_t maxLifetimeMs = 0;  // 0: no limit
};

struct ConnMeta {
    std::uint64_t generation = 0;
    std::int64_t createdMs = 0;
    std::int64_t lastUsedMs = 0;  // when it was last put back
    bool broken = false;
};

enum class Verdict {
    Keep,          // re-pool (on release) / hand out (when idle)
    CloseStale,    // from an old generation: the master changed meanwhile
    CloseBroken,   // it failed, or answered READONLY/MASTERDOWN/LOADING
    CloseExpired,  // past maxLifetime or maxIdle
    CloseClosed,   // the pool is closed
};

// A connection put back by a user.
inline Verdict onRelease(const ConnMeta& c, std::uint64_t poolGeneration, bool poolClosed, const PoolLimits& l,
                         std::int64_t nowMs) {
    if (poolClosed) return Verdict::CloseClosed;
    if (c.generation != poolGeneration) return Verdict::CloseStale;
    if (c.broken) return Verdict::CloseBroken;
    if (l.maxLifetimeMs > 0 && nowMs - c.createdMs >= l.maxLifetimeMs) return Verdict::CloseExpired;
    return Verdict::Keep;
}

// An idle connection about to be handed out.
inline Verdict onTakeIdle(const ConnMeta& c, std::uint64_t poolGeneration, const PoolLimits& l, std::int64_t nowMs) {
    if (c.generation != poolGeneration) return Verdict::CloseStale;
    if (l.maxIdleMs > 0 && nowMs - c.lastUsedMs >= l.maxIdleMs) return Verdict::CloseExpired;
    if (l.maxLifetimeMs > 0 && nowMs - c.createdMs >= l.maxLifetimeMs) return Verdict::CloseExpired;
    return Verdict::Keep;
}

enum class Plan { TakeIdle, Connect, Wait };

// What an acquisition does now: reuse, open a new connection (a slot is
// free), or wait for one to come back.
inline Plan planAcquire(std::size_t idle, std::size_t open, std::size_t maxSize) {
    if (idle > 0) return Plan::TakeIdle;
    if (open < maxSize) return Plan::Connect;
    return Plan::Wait;
}

// Replica choice among n healthy ones.
enum class Pick { RoundRobin, Random, Sticky };
inline std::size_t pickReplica(Pick policy, std::size_t n, std::uint64_t counter, std::uint64_t random,
                               std::size_t sticky) {
    switch (policy) {
    case Pick::RoundRobin: return static_cast<std::size_t>(counter % n);
    case Pick::Random: return static_cast<std::size_t>(random % n);
    case Pick::Sticky: return sticky < n ? sticky : 0;
    }
    return 0;
}

}  // namespace sentinelpool::detail
