// MiniRedis basics: lifecycle, addresses, restart with data, many clients,
// pipelining, inline commands.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using sentinelpool::testing::MiniRedis;
using sentinelpool::testing::MiniRedisOptions;

TEST_CASE("MiniRedis listens on 127.0.0.1 on a port the kernel picked") {
    MiniRedis m;
    CHECK(m.running());
    CHECK(m.host() == "127.0.0.1");
    CHECK(m.port() > 0);
    CHECK(m.addr() == "127.0.0.1:" + std::to_string(m.port()));
    Hiredis c(m.port());
    CHECK(str(c.cmd({"PING"}).get()) == "PONG");
}

TEST_CASE("two MiniRedis never share a port") {
    MiniRedis a, b;
    CHECK(a.port() != b.port());
}

TEST_CASE("a closed MiniRedis refuses connections and comes back on the same port with its data") {
    MiniRedis m;
    int port = m.port();
    m.set("k", "v");
    m.close();
    CHECK_FALSE(m.running());
    CHECK_THROWS(RawClient{port});
    m.close();  // idempotent
    m.start();
    CHECK(m.port() == port);
    Hiredis c(port);
    CHECK(str(c.cmd({"GET", "k"}).get()) == "v");
}

TEST_CASE("close() drops connected clients") {
    MiniRedis m;
    RawClient c(m.port());
    CHECK(c.call({"PING"}) == "+PONG\r\n");
    m.close();
    CHECK(c.readUntilClosed().empty());
}

TEST_CASE("a constructed-stopped MiniRedis starts on demand") {
    MiniRedisOptions o;
    o.start = false;
    MiniRedis m(o);
    CHECK_FALSE(m.running());
    m.start();
    CHECK(m.running());
    RawClient c(m.port());
    CHECK(c.call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("pipelined requests are answered in order") {
    MiniRedis m;
    RawClient c(m.port());
    std::string batch;
    for (int i = 0; i < 200; ++i) batch += sentinelpool::test::encodeCommand({"SET", "k" + std::to_string(i), std::to_string(i)});
    for (int i = 0; i < 200; ++i) batch += sentinelpool::test::encodeCommand({"GET", "k" + std::to_string(i)});
    c.send(batch);
    for (int i = 0; i < 200; ++i) REQUIRE(c.reply() == "+OK\r\n");
    for (int i = 0; i < 200; ++i) {
        std::string v = std::to_string(i);
        REQUIRE(c.reply() == "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n");
    }
}

TEST_CASE("inline commands work, as with telnet") {
    MiniRedis m;
    RawClient c(m.port());
    c.send("SET greeting \"hello world\"\r\nGET greeting\r\n");
    CHECK(c.reply() == "+OK\r\n");
    CHECK(c.reply() == "$11\r\nhello world\r\n");
}

TEST_CASE("many clients at once, each from its own thread") {
    MiniRedis m;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&, t] {
            Hiredis c(m.port());
            for (int i = 0; i < 100; ++i) {
                std::string k = "t" + std::to_string(t) + ":" + std::to_string(i);
                auto r = c.cmd({"INCR", k});
                if (r && r->type == REDIS_REPLY_INTEGER && r->integer == 1) ++ok;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(ok.load() == 1600);
    CHECK(m.dbSize() == 1600);
    CHECK(m.stats().connectionsReceived >= 16);
}

TEST_CASE("a large value round-trips") {
    MiniRedis m;
    Hiredis c(m.port());
    std::string big(3 * 1024 * 1024, 'x');
    big[12345] = '\0';
    CHECK(str(c.cmd({"SET", "big", big}).get()) == "OK");
    auto r = c.cmd({"GET", "big"});
    REQUIRE(r);
    CHECK(std::string(r->str, r->len) == big);
}
