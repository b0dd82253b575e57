// MiniRedis faults (error replies, hang, refused connections, dropped
// clients) and bad input (malformed RESP, hostile lengths, garbage from one
// client among others).

#include <doctest/doctest.h>

#include <sstream>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::encodeCommand;
using sentinelpool::test::escape;
using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using sentinelpool::testing::MiniRedis;

TEST_CASE("setError makes every command answer the error until resume()") {
    MiniRedis m;
    RawClient c(m.port());
    m.setError("ERR boom");
    CHECK(c.call({"PING"}) == "-ERR boom\r\n");
    CHECK(c.call({"SET", "k", "v"}) == "-ERR boom\r\n");
    m.setError("LOADING Redis is loading the dataset in memory");
    CHECK(c.call({"GET", "k"}) == "-LOADING Redis is loading the dataset in memory\r\n");
    m.resume();
    CHECK(c.call({"PING"}) == "+PONG\r\n");
    CHECK(m.checkNotExists("k"));
}

TEST_CASE("a hung MiniRedis accepts and reads but never answers; resume answers what was queued") {
    MiniRedis m;
    RawClient before(m.port());
    CHECK(before.call({"PING"}) == "+PONG\r\n");
    m.hang();
    RawClient after(m.port());  // connecting still works
    before.send(encodeCommand({"SET", "k", "1"}));
    after.send(encodeCommand({"GET", "k"}));
    CHECK(before.silentFor(100));
    CHECK(after.silentFor(100));
    m.resume();
    CHECK(before.reply() == "+OK\r\n");
    CHECK(after.reply() == "$1\r\n1\r\n");
}

TEST_CASE("refuseConnections closes the listener; resume listens again on the same port") {
    MiniRedis m;
    int port = m.port();
    RawClient existing(port);
    CHECK(existing.call({"PING"}) == "+PONG\r\n");  // accepted, not just queued
    m.refuseConnections();
    CHECK_THROWS_WITH_AS(RawClient{port}, doctest::Contains("Connection refused"), std::runtime_error);
    CHECK(existing.call({"PING"}) == "+PONG\r\n");  // established clients stay
    m.resume();
    RawClient again(port);
    CHECK(again.call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("closeClients drops every client at once and new ones can connect") {
    MiniRedis m;
    RawClient a(m.port()), b(m.port());
    a.call({"PING"});
    b.call({"SUBSCRIBE", "x"});
    CHECK(m.closeClients() == 2);
    CHECK(a.readUntilClosed().empty());
    CHECK(b.readUntilClosed().empty());
    CHECK(m.waitForClients(0));
    RawClient c(m.port());
    CHECK(c.call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("malformed RESP gets a protocol error and that client is closed; others carry on") {
    MiniRedis m;
    RawClient good(m.port());
    CHECK(good.call({"SET", "k", "v"}) == "+OK\r\n");
    struct Case {
        std::string bytes, reply;
    };
    std::vector<Case> cases = {
        {"*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
        {"*3\r\n$3\r\nSET\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"},
        {"*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
        {"PING \"unterminated\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
        {"*1\r\n$4\r\nPING\r\n*x\r\n", "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"},
    };
    for (auto& c : cases) {
        CAPTURE(escape(c.bytes));
        RawClient bad(m.port());
        bad.send(c.bytes);
        CHECK(bad.readUntilClosed() == c.reply);
    }
    CHECK(good.call({"GET", "k"}) == "$1\r\nv\r\n");
}

TEST_CASE("a hostile bulk length is refused from its header, nothing is allocated for it") {
    MiniRedis m;
    RawClient bad(m.port());
    bad.send("*2\r\n$3\r\nGET\r\n$4294967296\r\n");
    CHECK(bad.readUntilClosed() == "-ERR Protocol error: invalid bulk length\r\n");
    RawClient bad2(m.port());
    bad2.send("*1\r\n$536870913\r\n");
    CHECK(bad2.readUntilClosed() == "-ERR Protocol error: invalid bulk length\r\n");
}

TEST_CASE("deep nesting is refused at the first nested array") {
    MiniRedis m;
    RawClient bad(m.port());
    std::string nested;
    for (int i = 0; i < 10000; ++i) nested += "*1\r\n";
    bad.send(nested);
    CHECK(bad.readUntilClosed() == "-ERR Protocol error: expected '$', got '*'\r\n");
}

TEST_CASE("unauthenticated clients cannot announce big requests") {
    MiniRedis m;
    m.requireAuth("pw");
    RawClient bad(m.port());
    bad.send("*100\r\n");
    CHECK(bad.readUntilClosed() == "-ERR Protocol error: unauthenticated multibulk length\r\n");
    RawClient ok(m.port());
    CHECK(ok.call({"AUTH", "pw"}) == "+OK\r\n");
    std::vector<std::string> many(100, "k");
    many[0] = "DEL";
    CHECK(ok.call(many) == ":0\r\n");
}

TEST_CASE("random garbage from many clients never crashes the server or disturbs a good client") {
    MiniRedis m;
    Hiredis good(m.port());
    std::uint64_t seed = 0x9e3779b97f4a7c15ULL;
    auto next = [&seed] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    const char alphabet[] = "*$:+-\r\n0123456789abcSETGET \"'\\x";
    for (int round = 0; round < 200; ++round) {
        RawClient bad(m.port());
        std::string junk;
        std::size_t len = next() % 200;
        for (std::size_t i = 0; i < len; ++i) junk += alphabet[next() % (sizeof alphabet - 1)];
        bad.send(junk);
        auto r = good.cmd({"INCR", "alive"});
        REQUIRE(r);
        REQUIRE(r->integer == round + 1);
    }
}

TEST_CASE("a client that pipelines without reading is paused, not buffered without bound") {
    MiniRedis m;
    m.set("big", std::string(64 * 1024, 'x'));
    RawClient greedy(m.port());
    std::string gets;
    for (int i = 0; i < 200; ++i) gets += encodeCommand({"GET", "big"});
    greedy.send(gets);  // ~13 MB of replies, read by no one yet
    Hiredis other(m.port());
    CHECK(str(other.cmd({"PING"}).get()) == "PONG");
    std::size_t got = 0;
    for (int i = 0; i < 200; ++i) got += greedy.reply().size();
    CHECK(got == 200u * (8 + 64 * 1024 + 2));  // "$65536\r\n" + value + "\r\n"
}
