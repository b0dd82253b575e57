// Nothing a client sends brings an embedded server down: the exception
// firewall around command handlers, and the bad numbers that used to reach
// an uncaught exception.

#include <doctest/doctest.h>

#include <stdexcept>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"
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
