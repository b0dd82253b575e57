// MiniRedis pub/sub: subscriptions in RESP2 and RESP3, patterns, PUBSUB
// introspection, the RESP2 subscribed context, and delivery across clients.

#include <doctest/doctest.h>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::RawClient;
using sentinelpool::testing::MiniRedis;

TEST_CASE("SUBSCRIBE and PSUBSCRIBE confirm each channel with the running count (RESP2)") {
    MiniRedis m;
    RawClient sub(m.port());
    sub.send(sentinelpool::test::encodeCommand({"SUBSCRIBE", "a", "b"}));
    CHECK(sub.reply() == "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
    CHECK(sub.reply() == "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
    CHECK(sub.call({"PSUBSCRIBE", "n*"}) == "*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n");

    RawClient pub(m.port());
    CHECK(pub.call({"PUBLISH", "a", "hello"}) == ":1\r\n");
    CHECK(sub.reply() == "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n");
    CHECK(pub.call({"PUBLISH", "news", "x"}) == ":1\r\n");
    CHECK(sub.reply() == "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$1\r\nx\r\n");
    CHECK(pub.call({"PUBLISH", "nobody", "x"}) == ":1\r\n");  // the pattern matches
    CHECK(sub.reply() == "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$6\r\nnobody\r\n$1\r\nx\r\n");
    CHECK(pub.call({"PUBLISH", "zzz", "x"}) == ":0\r\n");

    CHECK(pub.call({"PUBSUB", "CHANNELS"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    CHECK(pub.call({"PUBSUB", "CHANNELS", "b*"}) == "*1\r\n$1\r\nb\r\n");
    CHECK(pub.call({"PUBSUB", "NUMSUB", "a", "zzz"}) == "*4\r\n$1\r\na\r\n:1\r\n$3\r\nzzz\r\n:0\r\n");
    CHECK(pub.call({"PUBSUB", "NUMPAT"}) == ":1\r\n");
}

TEST_CASE("RESP2 subscribed context allows only (P)SUBSCRIBE, UNSUBSCRIBE, PING, QUIT, RESET") {
    MiniRedis m;
    RawClient sub(m.port());
    sub.call({"SUBSCRIBE", "c"});
    CHECK(sub.call({"GET", "a"}) ==
          "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
          "this context\r\n");
    CHECK(sub.call({"CLIENT", "ID"}) ==
          "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
          "in this context\r\n");
    CHECK(sub.call({"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    CHECK(sub.call({"PING", "x"}) == "*2\r\n$4\r\npong\r\n$1\r\nx\r\n");
    CHECK(sub.call({"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n");
    CHECK(sub.call({"UNSUBSCRIBE"}) == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
    CHECK(sub.call({"PUNSUBSCRIBE"}) == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
    CHECK(sub.call({"GET", "a"}) == "$-1\r\n");  // out of subscribed mode
}

TEST_CASE("RESP3 subscriptions arrive as pushes and normal commands keep working") {
    MiniRedis m;
    RawClient sub(m.port());
    CHECK(sub.call({"HELLO", "3"}).rfind("%7", 0) == 0);
    CHECK(sub.call({"SUBSCRIBE", "c"}) == ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
    CHECK(sub.call({"GET", "a"}) == "_\r\n");
    CHECK(sub.call({"PING"}) == "+PONG\r\n");
    RawClient pub(m.port());
    CHECK(pub.call({"PUBLISH", "c", "m"}) == ":1\r\n");
    CHECK(sub.reply() == ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
    CHECK(sub.call({"UNSUBSCRIBE", "c", "d"}) == ">3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n");
    CHECK(sub.reply() == ">3\r\n$11\r\nunsubscribe\r\n$1\r\nd\r\n:0\r\n");
    CHECK(sub.call({"UNSUBSCRIBE"}) == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
}

TEST_CASE("a subscriber that disconnects stops counting, and RESET unsubscribes") {
    MiniRedis m;
    RawClient pub(m.port());
    {
        RawClient gone(m.port());
        gone.call({"SUBSCRIBE", "c"});
        CHECK(pub.call({"PUBSUB", "NUMSUB", "c"}) == "*2\r\n$1\r\nc\r\n:1\r\n");
    }
    REQUIRE(m.waitForClients(1));  // the server saw the disconnect
    CHECK(pub.call({"PUBLISH", "c", "x"}) == ":0\r\n");
    RawClient sub(m.port());
    sub.call({"PSUBSCRIBE", "*"});
    CHECK(sub.call({"RESET"}) == "+RESET\r\n");
    CHECK(pub.call({"PUBSUB", "NUMPAT"}) == ":0\r\n");
}

TEST_CASE("the direct publish() reaches subscribers of every protocol") {
    MiniRedis m;
    RawClient s2(m.port()), s3(m.port());
    s2.call({"SUBSCRIBE", "ch"});
    s3.call({"HELLO", "3"});
    s3.call({"SUBSCRIBE", "ch"});
    CHECK(m.publish("ch", "hi") == 2);
    CHECK(s2.reply() == "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    CHECK(s3.reply() == ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST_CASE("sharded pub/sub: SPUBLISH reaches shard subscribers only, replicates, and a closed subscriber leaves nothing") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    RawClient sub(master.port()), rsub(replica.port()), classic(master.port()), pub(master.port());
    CHECK(sub.call({"SSUBSCRIBE", "orders"}) == "*3\r\n$10\r\nssubscribe\r\n$6\r\norders\r\n:1\r\n");
    CHECK(rsub.call({"SSUBSCRIBE", "orders"}) == "*3\r\n$10\r\nssubscribe\r\n$6\r\norders\r\n:1\r\n");
    CHECK(classic.call({"SUBSCRIBE", "orders"}) == "*3\r\n$9\r\nsubscribe\r\n$6\r\norders\r\n:1\r\n");
    CHECK(pub.call({"SPUBLISH", "orders", "o1"}) == ":1\r\n");
    CHECK(sub.reply() == "*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$2\r\no1\r\n");
    CHECK(rsub.reply() == "*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$2\r\no1\r\n");  // replicated
    CHECK(classic.silentFor(100));
    CHECK(pub.call({"CLIENT", "LIST", "TYPE", "pubsub"}).find(" ssub=1 ") != std::string::npos);
    sub.send("*1\r\n$4\r\nQUIT\r\n");
    sub.readUntilClosed();
    REQUIRE(master.waitForClients(2));
    CHECK(pub.call({"PUBSUB", "SHARDNUMSUB", "orders"}) == "*2\r\n$6\r\norders\r\n:0\r\n");
    CHECK(pub.call({"SPUBLISH", "orders", "o2"}) == ":0\r\n");
}
