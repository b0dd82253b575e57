// Replication between MiniRedis instances of one process: full sync, writes
// applied in order, READONLY on replicas, ROLE and INFO replication on both
// sides, promotion, a master going away and coming back, WAIT.

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using sentinelpool::testing::MiniRedis;

TEST_CASE("a replica loads the master's data and applies its writes in order") {
    MiniRedis master, replica;
    master.set("before", "1");
    replica.set("replica-only", "x");
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkGet("before", "1"));
    CHECK(replica.checkNotExists("replica-only"));  // a full sync replaces the data

    Hiredis m(master.port());
    for (int i = 0; i < 500; ++i) m.cmd({"INCR", "counter"});
    m.cmd({"HSET", "h", "f", "v"});
    m.cmd({"DEL", "before"});
    m.cmd({"SELECT", "5"});
    m.cmd({"SET", "in5", "yes"});
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkGet("counter", "500"));
    CHECK(replica.checkHGet("h", "f", "v"));
    CHECK(replica.checkNotExists("before"));
    replica.select(5);
    CHECK(replica.checkGet("in5", "yes"));
    CHECK(master.replication().offset == replica.replication().offset);
}

TEST_CASE("a replica answers READONLY to writes and serves reads") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    master.set("k", "v");
    REQUIRE(replica.waitForSync());
    RawClient r(replica.port());
    CHECK(r.call({"SET", "k", "x"}) == "-READONLY You can't write against a read only replica.\r\n");
    CHECK(r.call({"DEL", "k"}) == "-READONLY You can't write against a read only replica.\r\n");
    CHECK(r.call({"GET", "k"}) == "$1\r\nv\r\n");
    CHECK(r.call({"WAIT", "0", "0"}).rfind("-ERR WAIT cannot be used with replica instances.", 0) == 0);
}

TEST_CASE("ROLE and INFO replication describe both sides with Redis 7's fields") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    master.set("k", "v");
    REQUIRE(replica.waitForSync());
    auto off = std::to_string(master.replication().offset);
    RawClient m(master.port()), r(replica.port());
    std::string port = std::to_string(replica.port());
    CHECK(m.call({"ROLE"}) == "*3\r\n$6\r\nmaster\r\n:" + off + "\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$" +
                                  std::to_string(port.size()) + "\r\n" + port + "\r\n$" + std::to_string(off.size()) +
                                  "\r\n" + off + "\r\n");
    std::string mport = std::to_string(master.port());
    CHECK(r.call({"ROLE"}) == "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + mport + "\r\n$9\r\nconnected\r\n:" + off + "\r\n");
    std::string minfo = m.call({"INFO", "replication"});
    CHECK(minfo.find("role:master\r\nconnected_slaves:1\r\nslave0:ip=127.0.0.1,port=" + port +
                     ",state=online,offset=" + off + ",lag=0\r\n") != std::string::npos);
    CHECK(minfo.find("master_repl_offset:" + off + "\r\n") != std::string::npos);
    std::string rinfo = r.call({"INFO", "replication"});
    CHECK(rinfo.find("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:" + mport +
                     "\r\nmaster_link_status:up\r\n") != std::string::npos);
    CHECK(rinfo.find("slave_repl_offset:" + off + "\r\n") != std::string::npos);
    CHECK(rinfo.find("slave_priority:100\r\n") != std::string::npos);
    CHECK(r.call({"HELLO"}).find("$4\r\nrole\r\n$7\r\nreplica\r\n") != std::string::npos);
}

TEST_CASE("REPLICAOF over the wire links to an instance of this process by address") {
    MiniRedis master, replica;
    master.set("k", "v");
    RawClient r(replica.port());
    CHECK(r.call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == "+OK\r\n");
    CHECK(r.call({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) ==
          "+OK Already connected to specified master\r\n");
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkGet("k", "v"));
    CHECK(r.call({"REPLICAOF", "127.0.0.1", "abc"}) == "-ERR Invalid master port\r\n");
    CHECK(r.call({"SLAVEOF", "NO", "ONE"}) == "+OK\r\n");
    CHECK(r.call({"SET", "k", "mine"}) == "+OK\r\n");
    CHECK_FALSE(replica.replication().isReplica);
}

TEST_CASE("a replica of an address with no server keeps its link down, as Redis does") {
    MiniRedis master;
    int port = master.port();
    master.close();
    MiniRedis replica;
    replica.replicaOf("127.0.0.1", port);
    auto st = replica.replication();
    CHECK(st.isReplica);
    CHECK_FALSE(st.linkUp);
    RawClient r(replica.port());
    CHECK(r.call({"ROLE"}) == "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + std::to_string(port) +
                                  "\r\n$7\r\nconnect\r\n:-1\r\n");
    CHECK(r.call({"INFO", "replication"}).find("master_link_status:down\r\n") != std::string::npos);
    // ...and links once a server starts there.
    master.set("k", "back");
    master.start();
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkGet("k", "back"));
}

TEST_CASE("a master that dies and comes back resynchronises its replicas") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    master.set("a", "1");
    REQUIRE(replica.waitForSync());
    master.close();
    CHECK_FALSE(replica.replication().linkUp);
    master.set("b", "2");  // written while the master was down (its data is kept)
    master.start();
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkGet("b", "2"));
}

TEST_CASE("promotion keeps the data and an old master can become a replica of the new one") {
    MiniRedis a, b;
    b.replicaOf(a);
    REQUIRE(b.waitForSync());
    a.set("k", "from-a");
    REQUIRE(b.waitForSync());
    b.promote();
    CHECK_FALSE(b.replication().isReplica);
    CHECK(b.checkGet("k", "from-a"));
    b.set("k", "from-b");
    a.set("lost", "written to the old master only");
    a.replicaOf(b);
    REQUIRE(a.waitForSync());
    CHECK(a.checkGet("k", "from-b"));
    CHECK(a.checkNotExists("lost"));
}

TEST_CASE("expiry replicates as absolute times and deletions") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    Hiredis m(master.port());
    m.cmd({"SET", "k", "v", "EX", "100"});
    REQUIRE(replica.waitForSync());
    auto ttl = replica.ttl("k");
    REQUIRE(ttl);
    CHECK(ttl->count() > 90000);
    master.fastForward(std::chrono::seconds(101));  // the master expires it, the DEL replicates
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkNotExists("k"));
}

TEST_CASE("WAIT counts replicas that acknowledged the caller's writes") {
    MiniRedis master, r1, r2;
    r1.replicaOf(master);
    r2.replicaOf(master);
    REQUIRE(r1.waitForSync());
    REQUIRE(r2.waitForSync());
    RawClient c(master.port());
    CHECK(c.call({"SET", "k", "v"}) == "+OK\r\n");
    CHECK(c.call({"WAIT", "2", "5000"}) == ":2\r\n");
    CHECK(c.call({"WAIT", "3", "50"}) == ":2\r\n");  // only two exist: times out with 2
}

TEST_CASE("a chain of replicas carries writes to the end") {
    MiniRedis a, b, c;
    b.replicaOf(a);
    c.replicaOf(b);
    REQUIRE(b.waitForSync());
    REQUIRE(c.waitForSync());
    a.set("k", "v");
    REQUIRE(b.waitForSync());
    REQUIRE(c.waitForSync());
    CHECK(c.checkGet("k", "v"));
}

TEST_CASE("PUBLISH on a master reaches subscribers of its replicas") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    RawClient sub(replica.port());
    sub.call({"SUBSCRIBE", "ch"});
    RawClient pub(master.port());
    CHECK(pub.call({"PUBLISH", "ch", "x"}) == ":0\r\n");
    CHECK(sub.reply() == "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n");
}
