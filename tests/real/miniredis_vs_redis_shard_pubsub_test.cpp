// Sharded pub/sub on a non-cluster server, MiniRedis against redis-server
// byte for byte: SSUBSCRIBE SUNSUBSCRIBE SPUBLISH PUBSUB SHARDCHANNELS /
// SHARDNUMSUB, their counts, the subscribed context, RESP2 and RESP3.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "miniredis_diff.hpp"

using sentinelpool::test::MiniRedisDiff;
using sentinelpool::test::MiniRedisDiffServers;
using sentinelpool::test::Mode;

TEST_CASE("sharded pub/sub gives Redis's replies and messages, RESP2 and RESP3") {
    MiniRedisDiffServers s;
    MiniRedisDiff sub(s), other(s);
    sub.call({"SSUBSCRIBE", "a", "b"}, 2);
    sub({"PING"});
    sub({"SUBSCRIBE", "x"});  // counted apart
    sub({"SSUBSCRIBE", "a"});
    sub({"GET", "k"});  // the subscribed context includes shard channels
    other({"SPUBLISH", "a", "hello"});
    sub.expect("smessage a hello");
    other({"PUBLISH", "a", "not for shard subscribers"});
    other({"PUBSUB", "SHARDCHANNELS"}, Mode::Unordered);
    other({"PUBSUB", "SHARDCHANNELS", "a*"});
    other({"PUBSUB", "SHARDCHANNELS", "a*", "extra"});
    other({"PUBSUB", "SHARDNUMSUB", "a", "b", "c"});
    other({"PUBSUB", "SHARDNUMSUB"});
    other({"PUBSUB", "CHANNELS"});
    sub({"SUNSUBSCRIBE", "a"});
    sub({"SUNSUBSCRIBE"});
    sub({"SUNSUBSCRIBE"});
    sub({"UNSUBSCRIBE"});
    other({"SSUBSCRIBE"});
    other({"SUNSUBSCRIBE"});
    other({"SPUBLISH", "a"});
    other({"SPUBLISH", "nobody", "m"});
    other({"HELLO", "3"}, Mode::Shape);
    other({"SSUBSCRIBE", "q"});
    other({"GET", "k"});
    sub({"SPUBLISH", "q", "m"});
    other.expect("smessage q m (RESP3 push)");
    other({"PING"});
    other({"PUBSUB", "SHARDNUMSUB", "q"});
    other({"SUNSUBSCRIBE"});
    other({"SUNSUBSCRIBE", "zz"});
    other({"SSUBSCRIBE", "r"});
    other({"RESET"});
    sub({"PUBSUB", "SHARDNUMSUB", "r"});
}

int main(int argc, char** argv) { return sentinelpool::test::miniredisDiffMain(argc, argv); }
