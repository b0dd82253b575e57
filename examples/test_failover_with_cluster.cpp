// A failover test of your own code against an embedded Sentinel deployment,
// as docs/testing.md shows it. Copy this file: it is compiled and run in this
// project's hermetic suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include <hiredis.h>

#include "sentinelpool/testing/cluster.hpp"

// The code under test: asks the Sentinels for the master, as any
// Sentinel-aware client does, and writes to it.
bool writeThroughSentinel(const std::pair<std::string, int>& sentinel, const std::string& key,
                          const std::string& value) {
    redisContext* s = redisConnect(sentinel.first.c_str(), sentinel.second);
    auto* addr = static_cast<redisReply*>(redisCommand(s, "SENTINEL GET-MASTER-ADDR-BY-NAME mymaster"));
    bool ok = false;
    if (addr && addr->type == REDIS_REPLY_ARRAY && addr->elements == 2) {
        redisContext* m = redisConnect(addr->element[0]->str, std::stoi(addr->element[1]->str));
        auto* r = static_cast<redisReply*>(redisCommand(m, "SET %s %s", key.c_str(), value.c_str()));
        ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        redisFree(m);
    }
    freeReplyObject(addr);
    redisFree(s);
    return ok;
}

TEST_CASE("writes land on whichever node is master, across failovers") {
    sentinelpool::testing::Cluster cluster;  // 1 master, 1 replica, 3 Sentinels
    auto sentinel = cluster.sentinelEndpoints()[0];

    REQUIRE(writeThroughSentinel(sentinel, "k", "before"));
    CHECK(cluster.master().checkGet("k", "before"));

    SUBCASE("manual failover") {
        auto& fresh = cluster.failover();  // returns once every Sentinel agrees
        REQUIRE(writeThroughSentinel(sentinel, "k", "after"));
        CHECK(fresh.checkGet("k", "after"));
    }
    SUBCASE("the master dies") {
        cluster.killMaster();
        auto& fresh = cluster.waitForFailover();  // after down-after-milliseconds
        REQUIRE(writeThroughSentinel(sentinel, "k", "after"));
        CHECK(fresh.checkGet("k", "after"));
    }
}
