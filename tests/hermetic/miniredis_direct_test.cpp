// MiniRedis's direct access for tests: data calls from any thread, the
// virtual clock, check helpers, authentication setup and counters.

#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using sentinelpool::testing::MiniRedis;

TEST_CASE("direct writes are visible to clients and client writes to direct reads") {
    MiniRedis m;
    Hiredis c(m.port());
    m.set("a", "1");
    m.hset("h", "f", "v");
    CHECK(str(c.cmd({"GET", "a"}).get()) == "1");
    CHECK(str(c.cmd({"HGET", "h", "f"}).get()) == "v");
    c.cmd({"SET", "b", "2"});
    CHECK(m.get("b") == "2");
    CHECK(m.exists("b"));
    CHECK(m.keys() == std::vector<std::string>{"a", "b", "h"});
    CHECK(m.keys("?") == std::vector<std::string>{"a", "b", "h"});
    CHECK(m.hgetAll("h") == std::vector<std::pair<std::string, std::string>>{{"f", "v"}});
    CHECK(m.del("a"));
    CHECK_FALSE(m.del("a"));
    CHECK_FALSE(m.get("a"));
    CHECK_FALSE(m.get("h"));  // not a string
    CHECK_THROWS_AS(m.hset("b", "f", "v"), std::logic_error);
    m.flushAll();
    CHECK(m.dbSize() == 0);
}

TEST_CASE("select() picks the database of the direct calls") {
    MiniRedis m;
    m.select(2);
    m.set("k", "in2");
    m.select(0);
    CHECK_FALSE(m.exists("k"));
    Hiredis c(m.port());
    c.cmd({"SELECT", "2"});
    CHECK(str(c.cmd({"GET", "k"}).get()) == "in2");
    CHECK_THROWS_AS(m.select(16), std::out_of_range);
}

TEST_CASE("setTTL, ttl and fastForward drive expiry without waiting") {
    MiniRedis m;
    m.set("foo", "bar");
    CHECK_FALSE(m.ttl("foo"));
    m.setTTL("foo", std::chrono::seconds(10));
    REQUIRE(m.ttl("foo"));
    CHECK(m.ttl("foo")->count() > 9000);
    m.fastForward(std::chrono::seconds(11));
    CHECK_FALSE(m.exists("foo"));
    Hiredis c(m.port());
    c.cmd({"SET", "t", "1", "EX", "5"});
    m.fastForward(std::chrono::seconds(4));
    CHECK(str(c.cmd({"TTL", "t"}).get()) == "(integer) 1");
    m.fastForward(std::chrono::seconds(2));
    CHECK(str(c.cmd({"EXISTS", "t"}).get()) == "(integer) 0");
    auto t = c.cmd({"TIME"});  // TIME follows the virtual clock too
    CHECK(std::stoll(t->element[0]->str) >= std::chrono::duration_cast<std::chrono::seconds>(
                                                   std::chrono::system_clock::now().time_since_epoch()).count() + 16);
}

TEST_CASE("check helpers read well and explain failures") {
    MiniRedis m;
    m.set("k", "v");
    m.hset("h", "f", "1");
    CHECK(m.checkGet("k", "v"));
    CHECK(m.checkHGet("h", "f", "1"));
    CHECK(m.checkExists("k"));
    CHECK(m.checkNotExists("nope"));
    auto bad = m.checkGet("k", "w");
    CHECK_FALSE(bad);
    std::ostringstream os;
    os << bad;
    CHECK(os.str() == "GET k: expected \"w\", got \"v\"");
    CHECK(m.checkGet("nope", "x").message() == "GET nope: expected \"x\", got (nil)");
    CHECK_FALSE(m.checkNotExists("k"));
}

TEST_CASE("direct calls are safe from many threads while clients write") {
    MiniRedis m;
    std::atomic<bool> stop{false};
    std::thread client([&] {
        Hiredis c(m.port());
        while (!stop) c.cmd({"INCR", "client"});
    });
    std::vector<std::thread> direct;
    for (int t = 0; t < 4; ++t) {
        direct.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                std::string k = "d" + std::to_string(t) + ":" + std::to_string(i);
                m.set(k, "v");
                m.hset("h" + std::to_string(t), std::to_string(i), "v");
                (void)m.get(k);
                (void)m.keys("d*");
            }
        });
    }
    for (auto& th : direct) th.join();
    stop = true;
    client.join();
    CHECK(m.keys("d*").size() == 2000);
    CHECK(m.hgetAll("h3").size() == 500);
}

TEST_CASE("counters tell how many connections and commands the server saw") {
    MiniRedis m;
    {
        Hiredis a(m.port()), b(m.port());
        a.cmd({"SET", "k", "v"});
        a.cmd({"GET", "k"});
        b.cmd({"GET", "k"});
        b.cmd({"CLIENT", "SETNAME", "x"});
        CHECK(m.stats().connectedClients == 2);
    }
    CHECK(m.waitForClients(0));
    auto st = m.stats();
    CHECK(st.connectionsReceived == 2);
    CHECK(st.commandsProcessed == 4);
    CHECK(m.commandCalls("get") == 2);
    CHECK(m.commandCalls("set") == 1);
    CHECK(m.commandCalls("client|setname") == 1);
    CHECK(m.commandCalls("nosuch") == 0);
    MiniRedis other;  // counters are per instance
    CHECK(other.commandCalls("get") == 0);
}

TEST_CASE("requireAuth can be set before start and survives a restart") {
    sentinelpool::testing::MiniRedisOptions o;
    o.requirePass = "pw";
    MiniRedis m(o);
    RawClient a(m.port());
    CHECK(a.call({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
    m.close();
    m.start();
    RawClient b(m.port());
    CHECK(b.call({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(b.call({"AUTH", "pw"}) == "+OK\r\n");
}
