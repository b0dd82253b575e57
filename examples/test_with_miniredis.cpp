// A test of your own code against MiniRedis, as docs/testing.md shows it.
// Copy this file: it is compiled and run in this project's hermetic suite.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include <hiredis.h>

#include "sentinelpool/testing/mini_redis.hpp"

// The code under test: counts a page view in Redis.
long long countView(redisContext* c, const std::string& page) {
    auto* r = static_cast<redisReply*>(redisCommand(c, "INCR views:%s", page.c_str()));
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return n;
}

TEST_CASE("page views are counted per page") {
    sentinelpool::testing::MiniRedis redis;  // 127.0.0.1, a free port
    redisContext* c = redisConnect("127.0.0.1", redis.port());
    REQUIRE(c);
    REQUIRE(c->err == 0);

    SUBCASE("first views") {
        CHECK(countView(c, "home") == 1);
        CHECK(countView(c, "home") == 2);
        CHECK(redis.checkGet("views:home", "2"));  // read the data directly
    }
    SUBCASE("existing data and expiry") {
        redis.set("views:about", "41");
        redis.setTTL("views:about", std::chrono::hours(1));
        CHECK(countView(c, "about") == 42);
        redis.fastForward(std::chrono::hours(2));  // no sleeping
        CHECK(redis.checkNotExists("views:about"));
    }
    SUBCASE("Redis failing") {
        redis.setError("ERR out of luck");
        CHECK(countView(c, "home") == -1);
    }
    redisFree(c);
}
