// Transactions, MiniRedis against redis-server byte for byte: queueing,
// EXECABORT, errors inside EXEC, WATCH failures, RESP3.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "miniredis_diff.hpp"

using sentinelpool::test::MiniRedisDiff;
using sentinelpool::test::MiniRedisDiffServers;
using sentinelpool::test::Mode;

TEST_CASE("transactions: MULTI EXEC DISCARD and their errors give Redis's replies") {
    MiniRedisDiffServers s;
    MiniRedisDiff d(s);
    d({"EXEC"});
    d({"DISCARD"});
    d({"MULTI", "x"});
    d({"EXEC", "x"});  // EXECABORT even outside MULTI
    d({"DISCARD", "x"});
    d({"WATCH"});
    d({"UNWATCH"});
    d({"MULTI"});
    d({"MULTI"});
    d({"WATCH", "k"});
    d({"INCR", "n"});
    d({"SET", "n", "x"});
    d({"INCR", "n"});
    d({"GET", "n"});
    d({"EXEC"});
    d({"MULTI"});
    d({"EXEC"});
    d({"MULTI"});
    d({"NOPE", "a", "b"});
    d({"SET", "k", "v"});
    d({"EXEC"});
    d({"GET", "k"});
    d({"MULTI"});
    d({"GET"});
    d({"EXEC"});
    d({"MULTI"});
    d({"SET", "k", "v"});
    d({"EXEC", "x"});
    d({"EXEC"});
    d({"MULTI"});
    d({"SET", "k", "v"});
    d({"DISCARD"});
    d({"EXEC"});
    d({"MULTI"});
    d({"SET", "k", "v"});
    d({"RESET"});
    d({"EXEC"});
    d({"GET", "k"});
    d({"MULTI"});
    d({"WAIT", "1", "0"});
    d({"SELECT", "2"});
    d({"SET", "in2", "x"});
    d({"SELECT", "99"});
    d({"EXEC"});
    d({"GET", "in2"});
    d({"SELECT", "2"});
    d({"GET", "in2"});
}

TEST_CASE("transactions: WATCH failures give Redis's replies") {
    MiniRedisDiffServers s;
    MiniRedisDiff d(s), other(s);
    d({"WATCH", "w"});
    d({"MULTI"});
    d({"PING"});
    d({"EXEC"});  // untouched
    other({"SET", "w", "1"});
    d({"WATCH", "w"});
    other({"FLUSHALL"});
    d({"MULTI"});
    d({"PING"});
    d({"EXEC"});  // the key existed: broken
    d({"WATCH", "w"});
    other({"FLUSHALL"});
    d({"MULTI"});
    d({"PING"});
    d({"EXEC"});  // it did not: not broken
    other({"SET", "w", "1"});
    d({"WATCH", "w", "w", "x"});
    d({"UNWATCH"});
    other({"FLUSHDB"});
    d({"MULTI"});
    d({"EXEC"});
    d({"HELLO", "3"}, Mode::Shape);
    other({"SET", "w", "1"});
    d({"WATCH", "w"});
    other({"FLUSHDB"});
    d({"MULTI"});
    d({"GET", "w"});
    d({"EXEC"});
    d({"MULTI"});
    d({"SUBSCRIBE", "ch"});
    d({"EXEC"});
}

int main(int argc, char** argv) { return sentinelpool::test::miniredisDiffMain(argc, argv); }
