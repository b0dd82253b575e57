// MiniSentinel faults: a Sentinel down and back, its pub/sub connections
// dropped, an event lost or delayed on one Sentinel, a Sentinel answering a
// stale address, TILT, a leader crashing mid-failover.

#include <doctest/doctest.h>

#include <string>

#include "resp_client.hpp"
#include "sentinelpool/testing/cluster.hpp"

using sentinelpool::test::RawClient;
using namespace sentinelpool::testing;
using namespace std::chrono_literals;

namespace {

bool published(MiniSentinel& s, const std::string& channel) {
    for (auto& e : s.events())
        if (e.channel == channel) return true;
    return false;
}

std::string pmessage(const std::string& channel, const std::string& payload) {
    return "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$" + std::to_string(channel.size()) + "\r\n" + channel + "\r\n$" +
           std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
}

}  // namespace

TEST_CASE("a Sentinel that was down during a failover learns the new master when it comes back") {
    Cluster c;
    MiniRedis& old = c.master();
    c.sentinel(2).close();
    CHECK_FALSE(c.sentinel(2).running());
    MiniRedis& fresh = c.failover();  // two Sentinels are enough for a manual failover
    CHECK(c.sentinel(2).masterAddr("mymaster") == old.addr());  // its saved configuration
    c.sentinel(2).clearEvents();
    c.sentinel(2).start();
    CHECK(waitUntil([&] { return c.sentinel(2).masterAddr("mymaster") == fresh.addr(); }));
    CHECK(published(c.sentinel(2), "+config-update-from"));
    CHECK(published(c.sentinel(2), "+switch-master"));
    RawClient r(c.sentinel(2).port());
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"}) ==
          "*2\r\n$9\r\n127.0.0.1\r\n$" + std::to_string(std::to_string(fresh.port()).size()) + "\r\n" +
              std::to_string(fresh.port()) + "\r\n");
}

TEST_CASE("other Sentinels see a dead Sentinel as down, and CKQUORUM counts it out") {
    Cluster c;
    c.sentinel(1).close();
    c.sentinel(2).close();
    RawClient r(c.sentinel(0).port());
    CHECK(waitUntil([&] {
        return r.call({"SENTINEL", "CKQUORUM", "mymaster"}) ==
               "-NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this "
               "master\r\n";
    }));
    CHECK(r.call({"SENTINEL", "SENTINELS", "mymaster"}).find("s_down,sentinel,disconnected") != std::string::npos);
    // Without a quorum, a dead master is not failed over.
    MiniRedis& old = c.master();
    c.killMaster();
    CHECK(waitUntil([&] { return published(c.sentinel(0), "+sdown"); }));
    CHECK_FALSE(waitUntil([&] { return published(c.sentinel(0), "+odown"); }, 400ms));
    CHECK(c.sentinel(0).masterAddr("mymaster") == old.addr());
}

TEST_CASE("dropPubSubClients closes subscribers and leaves other clients") {
    MiniSentinel s;
    RawClient sub(s.port()), normal(s.port());
    sub.call({"SUBSCRIBE", "+switch-master"});
    CHECK(normal.call({"PING"}) == "+PONG\r\n");
    CHECK(s.dropPubSubClients() == 1);
    CHECK(sub.readUntilClosed().empty());
    CHECK(normal.call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("an event lost on one Sentinel: its subscribers miss it, its answers are still right") {
    Cluster c;
    RawClient sub(c.sentinel(1).port());
    sub.call({"SUBSCRIBE", "+switch-master", "+slave"});
    sub.reply();
    c.sentinel(1).dropEvents("+switch-master");
    MiniRedis& fresh = c.failover();
    // The next message this subscriber gets is a +slave, not +switch-master.
    CHECK(sub.reply().find("$6\r\n+slave\r\n") != std::string::npos);
    CHECK_FALSE(published(c.sentinel(1), "+switch-master"));
    CHECK(published(c.sentinel(0), "+switch-master"));
    CHECK(c.sentinel(1).masterAddr("mymaster") == fresh.addr());
    // Only the next one was dropped.
    REQUIRE(c.waitForAgreement(fresh));  // the old master is a replica again
    c.sentinel(1).clearEvents();
    c.failover();
    CHECK(published(c.sentinel(1), "+switch-master"));
}

TEST_CASE("a delayed event reaches subscribers late, after later events") {
    Cluster c;
    RawClient sub(c.sentinel(1).port());
    sub.call({"PSUBSCRIBE", "*"});
    c.sentinel(1).delayEvents("+switch-master", 150ms);
    auto t0 = std::chrono::steady_clock::now();
    c.failover();
    std::string seen;
    for (int i = 0; i < 20; ++i) {
        std::string msg = sub.reply();
        if (msg.find("+switch-master") != std::string::npos) break;
        seen += msg;
    }
    CHECK(std::chrono::steady_clock::now() - t0 >= 149ms);  // libuv timers count whole ms
    CHECK(seen.find("+slave") != std::string::npos);  // published after it, delivered before
}

TEST_CASE("a frozen Sentinel answers the stale master address until it resumes") {
    Cluster c;
    MiniRedis& old = c.master();
    MiniRedis* fresh = c.replicas()[0];
    c.sentinel(2).freeze();
    REQUIRE(c.sentinel(0).failover("mymaster"));
    // Sentinels 0 and 1 move on; the frozen one keeps its view.
    CHECK(waitUntil([&] {
        for (std::size_t i : {0u, 1u})
            if (c.sentinel(i).masterAddr("mymaster") != fresh->addr() || c.sentinel(i).failoverInProgress("mymaster"))
                return false;
        return true;
    }));
    RawClient r(c.sentinel(2).port());
    std::string oldPort = std::to_string(old.port());
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"}) ==
          "*2\r\n$9\r\n127.0.0.1\r\n$" + std::to_string(oldPort.size()) + "\r\n" + oldPort + "\r\n");
    c.sentinel(2).resume();
    CHECK(waitUntil([&] { return c.sentinel(2).masterAddr("mymaster") == fresh->addr(); }));
}

TEST_CASE("TILT: +tilt, sentinel_tilt:1, no action taken, then -tilt") {
    Cluster c;
    RawClient sub(c.sentinel(0).port());
    sub.call({"PSUBSCRIBE", "*"});
    c.sentinel(0).tilt(200ms);
    CHECK(sub.reply() == pmessage("+tilt", "#tilt mode entered"));
    RawClient r(c.sentinel(0).port());
    CHECK(r.call({"INFO", "sentinel"}).find("sentinel_tilt:1\r\n") != std::string::npos);
    CHECK(sub.reply() == pmessage("-tilt", "#tilt mode exited"));
    CHECK(r.call({"INFO", "sentinel"}).find("sentinel_tilt:0\r\n") != std::string::npos);

    // While tilted, a Sentinel does not even mark a dead master down.
    c.sentinel(0).clearEvents();
    c.sentinel(0).tilt();
    c.killMaster();
    c.waitForFailover();  // the other two still fail over
    CHECK_FALSE(published(c.sentinel(0), "+sdown"));
    c.sentinel(0).resume();
    CHECK(published(c.sentinel(0), "-tilt"));
}

TEST_CASE("a leader that crashes after its election: the others fail over later") {
    ClusterOptions o;
    o.sentinels = 3;
    o.timing.electionStagger = 200ms;  // far above detection jitter
    Cluster c(o);
    // The Sentinel with the lowest run id starts the first election and wins it.
    std::size_t first = 0;
    for (std::size_t i = 1; i < 3; ++i)
        if (c.sentinel(i).runId() < c.sentinel(first).runId()) first = i;
    RawClient r(c.sentinel(first).port());
    CHECK(r.call({"SENTINEL", "SIMULATE-FAILURE", "CRASH-AFTER-ELECTION"}) == "+OK\r\n");
    MiniRedis& old = c.master();
    c.killMaster();
    CHECK(waitUntil([&] { return !c.sentinel(first).running(); }));
    CHECK(r.readUntilClosed().empty());  // the "process" exited
    // The two others, having voted for it, wait 2 x failover-timeout and
    // elect one of them.
    MiniRedis& fresh = c.waitForFailover(10s);
    CHECK(&fresh != &old);
}
