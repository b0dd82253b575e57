// Cluster: one-line deployments, their addresses, passwords, restarts and
// the waits tests use instead of sleeps.

#include <doctest/doctest.h>

#include "resp_client.hpp"
#include "sentinelpool/testing/cluster.hpp"

using sentinelpool::test::RawClient;
using namespace sentinelpool::testing;
using namespace std::chrono_literals;

TEST_CASE("a default Cluster: one master, one replica, three Sentinels that know each other") {
    Cluster c;
    CHECK(c.name() == "mymaster");
    CHECK(c.nodeCount() == 2);
    CHECK(c.sentinelCount() == 3);
    CHECK(&c.master() == &c.node(0));
    REQUIRE(c.replicas().size() == 1);
    CHECK(c.replicas()[0]->replication().isReplica);
    CHECK(c.replicas()[0]->replication().masterPort == c.master().port());
    auto addrs = c.sentinelAddrs();
    REQUIRE(addrs.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(addrs[i] == c.sentinel(i).addr());
        CHECK(addrs[i].rfind("127.0.0.1:", 0) == 0);
        CHECK(c.sentinel(i).knownSentinels("mymaster").size() == 2);
        CHECK(c.sentinel(i).knownReplicas("mymaster") == std::vector<std::string>{c.node(1).addr()});
    }
    CHECK(c.sentinelEndpoints()[0] == std::make_pair(std::string("127.0.0.1"), c.sentinel(0).port()));
}

TEST_CASE("Cluster sizes and quorum are options") {
    ClusterOptions o;
    o.name = "cache";
    o.replicas = 3;
    o.sentinels = 5;
    o.quorum = 3;
    Cluster c(o);
    CHECK(c.nodeCount() == 4);
    RawClient r(c.sentinel(4).port());
    std::string m = r.call({"SENTINEL", "MASTER", "cache"});
    CHECK(m.find("$6\r\nquorum\r\n$1\r\n3\r\n") != std::string::npos);
    CHECK(m.find("$10\r\nnum-slaves\r\n$1\r\n3\r\n") != std::string::npos);
    CHECK(m.find("$19\r\nnum-other-sentinels\r\n$1\r\n4\r\n") != std::string::npos);
}

TEST_CASE("a Cluster with no replica cannot fail over, and says so") {
    ClusterOptions o;
    o.replicas = 0;
    Cluster c(o);
    CHECK_THROWS_WITH(c.failover(), doctest::Contains("NOGOODSLAVE"));
}

TEST_CASE("failover() returns the new master once every Sentinel published +switch-master") {
    Cluster c;
    MiniRedis& old = c.master();
    MiniRedis& fresh = c.failover();
    CHECK(&fresh != &old);
    CHECK(&c.master() == &fresh);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK_FALSE(c.sentinel(i).failoverInProgress("mymaster"));
        bool switched = false;
        for (auto& e : c.sentinel(i).events()) switched |= e.channel == "+switch-master";
        CHECK(switched);
    }
    RawClient w(fresh.port());
    CHECK(w.call({"SET", "k", "v"}) == "+OK\r\n");
    CHECK(c.waitForAgreement(fresh));
    CHECK(old.replication().isReplica);
}

TEST_CASE("killMaster, waitForFailover, and the old master coming back as a replica") {
    Cluster c;
    MiniRedis& old = c.master();
    c.killMaster();
    CHECK_FALSE(old.running());
    MiniRedis& fresh = c.waitForFailover();
    CHECK(&fresh != &old);
    c.restart(old);
    CHECK(c.waitForAgreement(fresh));
    CHECK(old.replication().isReplica);
}

TEST_CASE("restart(node) keeps data and port; restart(sentinel) keeps its id") {
    Cluster c;
    MiniRedis& replica = *c.replicas()[0];
    int port = replica.port();
    c.restart(replica);
    CHECK(replica.port() == port);
    CHECK(c.waitForAgreement(c.master()));
    std::string id = c.sentinel(1).runId();
    c.restart(c.sentinel(1));
    CHECK(c.sentinel(1).runId() == id);
    CHECK(c.waitForHealthy());
}

TEST_CASE("passwords on data nodes and on Sentinels") {
    ClusterOptions o;
    o.password = "data";
    o.sentinelPassword = "sent";
    Cluster c(o);
    RawClient s(c.sentinel(0).port());
    CHECK(s.call({"PING"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(s.call({"AUTH", "sent"}) == "+OK\r\n");
    RawClient d(c.master().port());
    CHECK(d.call({"PING"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(d.call({"AUTH", "data"}) == "+OK\r\n");
    // Replication and failover work through the passwords.
    CHECK(d.call({"SET", "k", "v"}) == "+OK\r\n");
    MiniRedis& fresh = c.failover();
    CHECK(fresh.checkGet("k", "v"));
}

TEST_CASE("the compressed default fails over in milliseconds; SentinelTiming::real() stretches it") {
    ClusterOptions o;
    o.timing = SentinelTiming::real();
    o.timing.convertOldMaster = 200ms;  // keep this test short
    Cluster c(o);
    auto t0 = std::chrono::steady_clock::now();
    c.failover();
    // The leader reports promotion ~0.8 s and switches ~1.1 s later.
    CHECK(std::chrono::steady_clock::now() - t0 >= 1800ms);
}
