// Pool policy: what is re-pooled, handed out or closed, and replica choice.

#include <doctest/doctest.h>

#include "detail/pool_policy.hpp"

using namespace sentinelpool::detail;

TEST_CASE("a put-back connection from an old generation is closed, not pooled") {
    PoolLimits l;
    ConnMeta c{3, 0, 0, false};
    CHECK(onRelease(c, 3, false, l, 100) == Verdict::Keep);
    CHECK(onRelease(c, 4, false, l, 100) == Verdict::CloseStale);
}

TEST_CASE("a broken connection is closed on put-back; a closed pool closes everything") {
    PoolLimits l;
    CHECK(onRelease(ConnMeta{1, 0, 0, true}, 1, false, l, 0) == Verdict::CloseBroken);
    CHECK(onRelease(ConnMeta{1, 0, 0, false}, 1, true, l, 0) == Verdict::CloseClosed);
    // Staleness wins over brokenness: the generation ended anyway.
    CHECK(onRelease(ConnMeta{1, 0, 0, true}, 2, false, l, 0) == Verdict::CloseStale);
}

TEST_CASE("lifetime and idle limits, with 0 meaning none") {
    PoolLimits none;
    CHECK(onTakeIdle(ConnMeta{1, 0, 0, false}, 1, none, 1'000'000) == Verdict::Keep);
    PoolLimits l{8, 100, 1000};
    CHECK(onTakeIdle(ConnMeta{1, 0, 950, false}, 1, l, 1000) == Verdict::CloseExpired);   // lifetime
    CHECK(onTakeIdle(ConnMeta{1, 500, 800, false}, 1, l, 950) == Verdict::CloseExpired);  // idle 150 ms
    CHECK(onTakeIdle(ConnMeta{1, 500, 900, false}, 1, l, 950) == Verdict::Keep);
    CHECK(onTakeIdle(ConnMeta{1, 500, 900, false}, 2, l, 950) == Verdict::CloseStale);
    CHECK(onRelease(ConnMeta{1, 0, 0, false}, 1, false, l, 999) == Verdict::Keep);
    CHECK(onRelease(ConnMeta{1, 0, 0, false}, 1, false, l, 1000) == Verdict::CloseExpired);
}

TEST_CASE("acquisition: reuse before connecting, connect while below the size, then wait") {
    CHECK(planAcquire(1, 8, 8) == Plan::TakeIdle);
    CHECK(planAcquire(0, 7, 8) == Plan::Connect);
    CHECK(planAcquire(0, 8, 8) == Plan::Wait);
}

TEST_CASE("replica choice by policy") {
    CHECK(pickReplica(Pick::RoundRobin, 3, 7, 0, 0) == 1);
    CHECK(pickReplica(Pick::Random, 3, 0, 11, 0) == 2);
    CHECK(pickReplica(Pick::Sticky, 3, 5, 5, 2) == 2);
    CHECK(pickReplica(Pick::Sticky, 2, 5, 5, 7) == 0);  // the sticky one is gone
}
