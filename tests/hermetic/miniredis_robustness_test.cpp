// Nothing a client sends brings an embedded server down: the exception
// firewall around command handlers, and the bad numbers that used to reach
// an uncaught exception.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"
#include "redis/mini_redis_core.hpp"
#include "server/command_table.hpp"
#include "server/server.hpp"

using sentinelpool::test::RawClient;
using sentinelpool::testing::MiniRedis;
namespace detail = sentinelpool::testing::detail;

namespace {

// A server whose commands throw after writing part of a reply.
struct ThrowingApp : detail::ServerApp {};

detail::CommandTable throwingTable() {
    detail::CommandTable t;
    t.add("boom", 1, 0, [](detail::Call& c) {
        c.reply.array(3);  // half a reply, then an exception
        c.reply.bulk("partial");
        throw std::length_error("basic_string::_M_create");
    });
    t.add("odd", 1, 0, [](detail::Call&) { throw 42; });
    t.add("ping", -1, 0, [](detail::Call& c) { c.reply.simple("PONG"); });
    return t;
}

}  // namespace

TEST_CASE("a handler that throws answers -ERR in place of its partial reply, and the server stays up") {
    auto table = throwingTable();
    ThrowingApp app;
    detail::Server server(table, app);
    server.start("127.0.0.1", 0);
    RawClient c(server.port());
    CHECK(c.call({"BOOM"}) == "-ERR internal error in 'boom': basic_string::_M_create\r\n");
    CHECK(c.call({"ODD"}) == "-ERR internal error in 'odd': unknown exception\r\n");
    CHECK(c.call({"PING"}) == "+PONG\r\n");
    RawClient other(server.port());
    CHECK(other.call({"PING"}) == "+PONG\r\n");
    CHECK(server.stats().handlerExceptions == 2);
    server.stop();
}

TEST_CASE("SETRANGE and APPEND past proto-max-bulk-len answer Redis's error, even at LLONG_MAX") {
    MiniRedis m;
    RawClient c(m.port());
    const char* tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    CHECK(c.call({"SETRANGE", "k", "9223372036854775807", "x"}) == tooBig);
    CHECK(c.call({"SETRANGE", "k", "536870912", "x"}) == tooBig);
    CHECK(c.call({"SET", "k", "abc"}) == "+OK\r\n");
    CHECK(c.call({"SETRANGE", "k", "9223372036854775807", "x"}) == tooBig);
    CHECK(c.call({"CONFIG", "SET", "proto-max-bulk-len", "1048576"}) == "+OK\r\n");
    CHECK(c.call({"SETRANGE", "k", "1048576", "x"}) == tooBig);
    CHECK(c.call({"APPEND", "k", std::string(1048574, 'y')}) == tooBig);
    CHECK(c.call({"APPEND", "k", std::string(1048573, 'y')}) == ":1048576\r\n");
    CHECK(c.call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("INCRBYFLOAT and HINCRBYFLOAT refuse a number followed by a NUL byte") {
    MiniRedis m;
    RawClient c(m.port());
    CHECK(c.call({"INCRBYFLOAT", "f", std::string("1\0 2", 4)}) == "-ERR value is not a valid float\r\n");
    CHECK(c.call({"HINCRBYFLOAT", "h", "f", std::string("1\0 2", 4)}) == "-ERR value is not a valid float\r\n");
    CHECK(c.call({"SET", "f", std::string("1\0", 2)}) == "+OK\r\n");
    CHECK(c.call({"INCRBYFLOAT", "f", "1"}) == "-ERR value is not a valid float\r\n");
}

TEST_CASE("CONFIG: notify-keyspace-events is normalised as Redis does, encoding limits take their aliases and bounds") {
    MiniRedis m;
    RawClient c(m.port());
    CHECK(c.call({"CONFIG", "SET", "notify-keyspace-events", "KA"}) == "+OK\r\n");
    CHECK(c.call({"CONFIG", "GET", "notify-keyspace-events"}) == "*2\r\n$22\r\nnotify-keyspace-events\r\n$2\r\nAK\r\n");
    CHECK(c.call({"CONFIG", "SET", "notify-keyspace-events", "Q"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class "
          "character. Use 'Ag$lshzxeKEtmdn'.\r\n");
    CHECK(c.call({"CONFIG", "SET", "hash-max-ziplist-entries", "-1"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument must be "
          "between 0 and 9223372036854775807 inclusive\r\n");
    CHECK(c.call({"CONFIG", "SET", "hash-max-listpack-value", "1kb"}) == "+OK\r\n");
    CHECK(c.call({"CONFIG", "GET", "hash-max-ziplist-value"}) == "*2\r\n$22\r\nhash-max-ziplist-value\r\n$4\r\n1024\r\n");
}

namespace {

// Publishes `total` bytes in messages of `size` on `channel`, reading the
// replies as it goes (so only the subscriber lags).
void flood(int port, const std::string& channel, std::size_t size, std::size_t total) {
    RawClient pub(port);
    std::string msg(size, 'm');
    std::string batch;
    for (int i = 0; i < 16; ++i) batch += sentinelpool::test::encodeCommand({"PUBLISH", channel, msg});
    for (std::size_t sent = 0; sent < total; sent += 16 * size) {
        pub.send(batch);
        for (int i = 0; i < 16; ++i) pub.reply();
    }
}

}  // namespace

TEST_CASE("a subscriber that never reads is dropped at the pubsub hard limit, and other clients stay answered") {
    MiniRedis m;
    auto& server = m.core().server();
    RawClient sub(m.port());
    CHECK(sub.call({"SUBSCRIBE", "flood"}) == "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n");
    // The subscriber stops reading; its kernel buffers fill, then MiniRedis's.
    std::atomic<bool> done{false};
    std::atomic<long long> slowestPingUs{0};
    std::thread pinger([&] {
        RawClient c(m.port());
        while (!done.load()) {
            auto t0 = std::chrono::steady_clock::now();
            CHECK(c.call({"PING"}, 2000) == "+PONG\r\n");
            auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
            if (us > slowestPingUs.load()) slowestPingUs = us;
        }
    });
    flood(m.port(), "flood", 64 * 1024, 96u << 20);  // 96 MB against a 32 MB limit
    done = true;
    pinger.join();
    CHECK(server.stats().outputLimitDisconnections == 1);
    CHECK(m.waitForClients(0));  // the subscriber's connection was closed by the server
    CHECK(slowestPingUs.load() < 1000000);
    // It gets what the kernel held, then the end of the stream: far less
    // than was published.
    CHECK(sub.readUntilClosed(10000).size() < (40u << 20));
}

TEST_CASE("client-output-buffer-limit is readable and settable as in Redis, and applies to each class") {
    MiniRedis m;
    RawClient c(m.port());
    auto get = [&] { return c.call({"CONFIG", "GET", "client-output-buffer-limit"}); };
    CHECK(get() == "*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n");
    const std::string prefix = "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
    CHECK(c.call({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb"}) ==
          prefix + "Wrong number of arguments in buffer limit configuration.\r\n");
    CHECK(c.call({"CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"}) ==
          prefix + "Invalid client class specified in buffer limit configuration.\r\n");
    CHECK(c.call({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2mb x"}) ==
          prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n");
    CHECK(c.call({"CONFIG", "SET", "client-output-buffer-limit", "pubsub -1 2 3"}) ==
          prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n");
    CHECK(c.call({"CONFIG", "SET", "client-output-buffer-limit", "replica 1 2 3 normal 1mb 0 0"}) == "+OK\r\n");
    CHECK(get() == "*2\r\n$26\r\nclient-output-buffer-limit\r\n$57\r\nnormal 1048576 0 0 slave 1 2 3 pubsub 33554432 8388608 60\r\n");

    SUBCASE("a normal client that pipelines reads and never reads replies is closed at 1 MB") {
        m.set("big", std::string(256 * 1024, 'b'));
        RawClient greedy(m.port());
        CHECK(greedy.call({"PING"}) == "+PONG\r\n");
        std::string batch;
        for (int i = 0; i < 64; ++i) batch += sentinelpool::test::encodeCommand({"GET", "big"});
        greedy.send(batch);  // 16 MB of replies in one go
        CHECK(m.waitForClients(1));
        CHECK(m.core().server().stats().outputLimitDisconnections == 1);
        CHECK(c.call({"PING"}) == "+PONG\r\n");
    }
    SUBCASE("the soft limit closes a client that stays above it for longer than its seconds") {
        CHECK(c.call({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 256kb 0"}) == "+OK\r\n");
        RawClient sub(m.port());
        CHECK(sub.call({"SUBSCRIBE", "ch"}).find("subscribe") != std::string::npos);
        flood(m.port(), "ch", 16 * 1024, 16u << 20);
        CHECK(m.waitForClients(1));
        CHECK(m.core().server().stats().outputLimitDisconnections == 1);
    }
    SUBCASE("CLIENT LIST shows a lagging subscriber's omem") {
        RawClient sub(m.port());
        CHECK(sub.call({"SUBSCRIBE", "slow"}).find("subscribe") != std::string::npos);
        flood(m.port(), "slow", 64 * 1024, 8u << 20);
        std::string list = c.call({"CLIENT", "LIST", "TYPE", "pubsub"});
        auto at = list.find(" omem=");
        REQUIRE(at != std::string::npos);
        CHECK(std::stoll(list.substr(at + 6)) > 1000000);
        CHECK(list.find(" obl=16384 ") != std::string::npos);
    }
}
