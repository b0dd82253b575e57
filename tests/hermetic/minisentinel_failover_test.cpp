// MiniSentinel failovers: the event stream of a manual and of an automatic
// failover on every Sentinel, in Redis Sentinel's order and formats; the
// stretched timing; replica selection; clients killed on role changes; the
// old master converted.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "resp_client.hpp"
#include "sentinelpool/testing/cluster.hpp"

using sentinelpool::test::encodeCommand;
using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using namespace sentinelpool::testing;
using namespace std::chrono_literals;

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (auto& l : v) out += "\n  " + l;
    return out;
}

std::vector<std::string> lines(const std::vector<SentinelEvent>& ev) {
    std::vector<std::string> out;
    for (auto& e : ev) out.push_back(e.channel + " " + e.payload);
    return out;
}

// The events from the first whose line starts with `from`, up to and
// including the first that starts with `to`.
std::vector<std::string> slice(const std::vector<std::string>& all, const std::string& from, const std::string& to) {
    std::vector<std::string> out;
    bool on = false;
    for (auto& l : all) {
        if (!on && l.rfind(from, 0) == 0) on = true;
        if (on) out.push_back(l);
        if (on && l.rfind(to, 0) == 0) break;
    }
    return out;
}

std::string inst(const std::string& type, MiniRedis& n, const std::string& master) {
    return type + " " + n.addr() + " 127.0.0.1 " + std::to_string(n.port()) + " @ mymaster " + master;
}

std::string ipPort(MiniRedis& n) { return "127.0.0.1 " + std::to_string(n.port()); }

std::size_t leaderIndex(Cluster& c) {
    for (std::size_t i = 0; i < c.sentinelCount(); ++i)
        for (auto& e : c.sentinel(i).events())
            if (e.channel == "+elected-leader") return i;
    return c.sentinelCount();
}

std::chrono::steady_clock::time_point when(MiniSentinel& s, const std::string& channel) {
    for (auto& e : s.events())
        if (e.channel == channel) return e.at;
    return {};
}

ClusterOptions withReplicas(int n) {
    ClusterOptions o;
    o.replicas = n;
    return o;
}

}  // namespace

TEST_CASE("a manual failover publishes Redis Sentinel's event stream on the leader and on the others") {
    Cluster c(withReplicas(2));
    MiniRedis& old = c.master();
    std::vector<std::unique_ptr<RawClient>> subs;
    for (std::size_t i = 0; i < 3; ++i) {
        subs.push_back(std::make_unique<RawClient>(c.sentinel(i).port()));
        subs.back()->call({"PSUBSCRIBE", "*"});
        c.sentinel(i).clearEvents();
    }
    MiniRedis& fresh = c.failover();
    CHECK(&fresh != &old);
    MiniRedis* other = nullptr;
    for (auto* r : c.replicas())
        if (r != &old) other = r;
    REQUIRE(other);
    std::string oldAddr = ipPort(old), newAddr = ipPort(fresh);
    std::string id0 = c.sentinel(0).runId();

    auto leader = lines(c.sentinel(0).events());
    CAPTURE(join(leader));
    std::vector<std::string> expected = {
        "+new-epoch 1",
        "+try-failover master mymaster " + oldAddr,
        "+vote-for-leader " + id0 + " 1",
        "+elected-leader master mymaster " + oldAddr,
        "+failover-state-select-slave master mymaster " + oldAddr,
        "+selected-slave " + inst("slave", fresh, oldAddr),
        "+failover-state-send-slaveof-noone " + inst("slave", fresh, oldAddr),
        "+failover-state-wait-promotion " + inst("slave", fresh, oldAddr),
        "-role-change " + inst("slave", fresh, oldAddr) + " new reported role is master",
        "+promoted-slave " + inst("slave", fresh, oldAddr),
        "+failover-state-reconf-slaves master mymaster " + oldAddr,
        "+slave-reconf-sent " + inst("slave", *other, oldAddr),
        "+slave-reconf-inprog " + inst("slave", *other, oldAddr),
        "+slave-reconf-done " + inst("slave", *other, oldAddr),
        "+failover-end master mymaster " + oldAddr,
        "+switch-master mymaster " + oldAddr + " " + newAddr,
        "+slave " + inst("slave", *other, newAddr),
        "+slave " + inst("slave", old, newAddr),
    };
    CHECK(std::vector<std::string>(leader.begin(), leader.begin() + std::min(leader.size(), expected.size())) == expected);

    for (std::size_t i = 1; i < 3; ++i) {
        auto ev = lines(c.sentinel(i).events());
        // Seeing the promoted replica report "master" before the leader's
        // hello is normal (capture B2 shows it on real Sentinels too).
        ev.erase(std::remove_if(ev.begin(), ev.end(),
                                [](const std::string& l) { return l.rfind("-role-change", 0) == 0; }),
                 ev.end());
        CAPTURE(i);
        CAPTURE(join(ev));
        std::vector<std::string> want = {
            "+new-epoch 1",
            "+config-update-from sentinel " + id0 + " 127.0.0.1 " + std::to_string(c.sentinel(0).port()) +
                " @ mymaster " + oldAddr,
            "+switch-master mymaster " + oldAddr + " " + newAddr,
            "+slave " + inst("slave", *other, newAddr),
            "+slave " + inst("slave", old, newAddr),
        };
        CHECK(std::vector<std::string>(ev.begin(), ev.begin() + std::min(ev.size(), want.size())) == want);
    }
    // What subscribers receive is what events() says, as pmessages.
    std::string first = subs[0]->reply();
    CHECK(first == "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$10\r\n+new-epoch\r\n$1\r\n1\r\n");
    for (std::size_t k = 1; k < expected.size(); ++k) {
        std::string msg = subs[0]->reply();
        auto space = expected[k].find(' ');
        std::string channel = expected[k].substr(0, space), payload = expected[k].substr(space + 1);
        CHECK(msg == "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$" + std::to_string(channel.size()) + "\r\n" + channel +
                         "\r\n$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n");
    }
    // Every Sentinel moved to config epoch 1 and names the new master.
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(c.sentinel(i).configEpoch("mymaster") == 1);
        CHECK(c.sentinel(i).masterAddr("mymaster") == fresh.addr());
    }
    CHECK(c.waitForAgreement(fresh));
}

TEST_CASE("after a manual failover the old master takes writes until it is converted, then READONLY") {
    ClusterOptions o;
    o.timing.convertOldMaster = 300ms;
    Cluster c(o);
    MiniRedis& old = c.master();
    RawClient client(old.port());
    CHECK(client.call({"SET", "k", "before"}) == "+OK\r\n");
    MiniRedis& fresh = c.failover();
    // The old master is untouched by the failover itself: a write there is
    // acknowledged and will be lost, as with a real Sentinel.
    CHECK(client.call({"SET", "lost", "1"}) == "+OK\r\n");
    CHECK(waitUntil([&] {
        for (std::size_t i = 0; i < 3; ++i)
            for (auto& e : c.sentinel(i).events())
                if (e.channel == "+convert-to-slave") return true;
        return false;
    }));
    // The conversion killed our connection (CLIENT KILL TYPE normal).
    CHECK(client.readUntilClosed().empty());
    RawClient again(old.port());
    CHECK(again.call({"SET", "k", "x"}) == "-READONLY You can't write against a read only replica.\r\n");
    CHECK(c.waitForAgreement(fresh));
    CHECK(old.checkNotExists("lost"));
    CHECK(old.checkGet("k", "before"));
}

TEST_CASE("an automatic failover: +sdown on each, +odown with the quorum, an election, one leader") {
    Cluster c(withReplicas(2));
    MiniRedis& old = c.master();
    for (std::size_t i = 0; i < 3; ++i) c.sentinel(i).clearEvents();
    c.killMaster();
    MiniRedis& fresh = c.waitForFailover();
    std::string oldAddr = ipPort(old), newAddr = ipPort(fresh);
    std::size_t li = leaderIndex(c);
    REQUIRE(li < 3);
    std::string leaderId = c.sentinel(li).runId();
    int elected = 0, sdowns = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        auto ev = lines(c.sentinel(i).events());
        CAPTURE(i);
        CAPTURE(join(ev));
        // A vote request may come before a Sentinel's own +sdown, and with
        // quorum 2 the failover may finish before the third one's detection.
        sdowns += static_cast<int>(std::count(ev.begin(), ev.end(), "+sdown master mymaster " + oldAddr));
        CHECK(std::count(ev.begin(), ev.end(), "+vote-for-leader " + leaderId + " 1") == 1);
        CHECK(std::find(ev.begin(), ev.end(), "+switch-master mymaster " + oldAddr + " " + newAddr) != ev.end());
        if (i == li) {
            ++elected;
            auto seq = slice(ev, "+odown", "+slave ");
            REQUIRE(seq.size() >= 12);
            CHECK(seq[0] == "+odown master mymaster " + oldAddr + " #quorum " + seq[0].substr(seq[0].find('#') + 8));
            CHECK(seq[1] == "+new-epoch 1");
            CHECK(seq[2] == "+try-failover master mymaster " + oldAddr);
            CHECK(seq[3] == "+vote-for-leader " + leaderId + " 1");
            auto pos = [&](const std::string& prefix) {
                return std::find_if(ev.begin(), ev.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }) -
                       ev.begin();
            };
            CHECK(pos("+elected-leader") < pos("+selected-slave"));
            CHECK(pos("+selected-slave") < pos("+promoted-slave"));
            CHECK(pos("+promoted-slave") < pos("+failover-end"));
            CHECK(pos("-odown") + 1 == pos("+failover-end"));
            CHECK(pos("+failover-end") + 1 == pos("+switch-master"));
        } else {
            CHECK(std::find(ev.begin(), ev.end(), "+elected-leader master mymaster " + oldAddr) == ev.end());
            auto cfg = slice(ev, "+config-update-from", "+switch-master");
            CHECK(cfg.size() == 2);
        }
    }
    CHECK(elected == 1);
    CHECK(sdowns >= 2);
    // The old master comes back: seen as a replica claiming master, then converted.
    for (std::size_t i = 0; i < 3; ++i) c.sentinel(i).clearEvents();
    old.start();
    CHECK(c.waitForAgreement(fresh));
    int converts = 0, roleChanges = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        auto ev = lines(c.sentinel(i).events());
        CAPTURE(join(ev));
        CHECK(std::find(ev.begin(), ev.end(), "-role-change " + inst("slave", old, newAddr) + " new reported role is master") != ev.end());
        converts += static_cast<int>(std::count(ev.begin(), ev.end(), "+convert-to-slave " + inst("slave", old, newAddr)));
        roleChanges += static_cast<int>(std::count(ev.begin(), ev.end(), "+role-change " + inst("slave", old, newAddr) + " new reported role is slave"));
    }
    CHECK(converts == 1);
    CHECK(roleChanges >= 2);  // the others see it turn into a replica
}

TEST_CASE("stretched timing keeps the real order: writes accepted, others switch, the leader last") {
    ClusterOptions o;
    o.timing.promotion = 10ms;
    o.timing.promotionReported = 40ms;
    o.timing.othersSwitch = 20ms;
    o.timing.leaderSwitch = 80ms;
    Cluster c(o);
    MiniRedis& old = c.master();
    MiniRedis* candidate = c.replicas()[0];
    auto start = std::chrono::steady_clock::now();
    REQUIRE(c.sentinel(0).failover("mymaster"));
    // Promotion happens before the leader reports it.
    CHECK(waitUntil([&] { return !candidate->replication().isReplica; }));
    auto promotedSeen = std::chrono::steady_clock::now();
    MiniRedis& fresh = c.waitForFailover(old);
    CHECK(&fresh == candidate);
    auto promotedSlave = when(c.sentinel(0), "+promoted-slave");
    auto leaderSwitch = when(c.sentinel(0), "+switch-master");
    auto others1 = when(c.sentinel(1), "+switch-master");
    auto others2 = when(c.sentinel(2), "+switch-master");
    CHECK(promotedSeen < promotedSlave);
    CHECK(promotedSlave - start >= 49ms);
    // Lower bounds of the knobs (the engine counts whole milliseconds).
    CHECK(others1 - promotedSlave >= 19ms);
    CHECK(others2 - promotedSlave >= 19ms);
    CHECK(leaderSwitch - promotedSlave >= 79ms);
    CHECK(others1 < leaderSwitch);
    CHECK(others2 < leaderSwitch);

}

TEST_CASE("the replica to promote: lowest priority, never priority 0, never a down one") {
    Cluster c(withReplicas(3));
    auto reps = c.replicas();
    reps[0]->setReplicaPriority(0);
    reps[1]->setReplicaPriority(50);
    reps[2]->setReplicaPriority(10);
    CHECK(waitUntil([&] {
        Hiredis h(c.sentinel(0).port());
        auto r = h.cmd({"SENTINEL", "REPLICAS", "mymaster"});
        int seen = 0;
        for (size_t i = 0; i < r->elements; ++i)
            for (size_t j = 0; j + 1 < r->element[i]->elements; j += 2)
                if (std::string(r->element[i]->element[j]->str) == "slave-priority" &&
                    std::string(r->element[i]->element[j + 1]->str) == "10")
                    ++seen;
        return seen == 1;
    }));
    MiniRedis& fresh = c.failover();
    CHECK(&fresh == reps[2]);
}

TEST_CASE("SENTINEL FAILOVER while one runs answers INPROG; with no usable replica NOGOODSLAVE") {
    ClusterOptions o;
    o.timing.promotionReported = 200ms;
    Cluster c(o);
    RawClient r(c.sentinel(0).port());
    CHECK(r.call({"SENTINEL", "FAILOVER", "mymaster"}) == "+OK\r\n");
    CHECK(r.call({"SENTINEL", "FAILOVER", "mymaster"}) == "-INPROG Failover already in progress\r\n");
    std::string master = r.call({"SENTINEL", "MASTER", "mymaster"});
    CHECK(master.find("master,failover_in_progress,force_failover") != std::string::npos);
    CHECK(master.find("$14\r\nfailover-state\r\n") != std::string::npos);
    MiniRedis& fresh = c.waitForFailover(c.node(0));
    // Now the only replica is the old master; kill it: nothing to promote.
    for (auto* rep : c.replicas()) rep->close();
    CHECK(waitUntil([&] {
        return r.call({"SENTINEL", "FAILOVER", "mymaster"}) == "-NOGOODSLAVE No suitable replica to promote\r\n";
    }));
    (void)fresh;
}

TEST_CASE("promotion and reconfiguration kill normal clients of the nodes whose role changed") {
    Cluster c(withReplicas(2));
    auto reps = c.replicas();
    reps[0]->setReplicaPriority(1);  // promoted
    RawClient onPromoted(reps[0]->port()), onOther(reps[1]->port()), subscriber(reps[1]->port());
    CHECK(onPromoted.call({"PING"}) == "+PONG\r\n");
    CHECK(onOther.call({"PING"}) == "+PONG\r\n");
    subscriber.call({"SUBSCRIBE", "x"});
    CHECK(waitUntil([&] {  // the Sentinel has read the new priority
        Hiredis h(c.sentinel(0).port());
        auto r = h.cmd({"SENTINEL", "REPLICAS", "mymaster"});
        return str(r.get()).find("slave-priority, 1,") != std::string::npos;
    }));
    MiniRedis& fresh = c.failover();
    CHECK(&fresh == reps[0]);
    CHECK(onPromoted.readUntilClosed().empty());
    CHECK(onOther.readUntilClosed().empty());
    CHECK(subscriber.call({"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");  // CLIENT KILL TYPE normal spares pub/sub
}

TEST_CASE("a hung master fails over; a master answering LOADING does not; an erroring one does") {
    SUBCASE("hang") {
        Cluster c;
        MiniRedis& old = c.master();
        old.hang();
        MiniRedis& fresh = c.waitForFailover(old);
        CHECK(&fresh != &old);
        old.resume();
    }
    SUBCASE("error replies") {
        Cluster c;
        MiniRedis& old = c.master();
        old.setError("ERR broken");
        MiniRedis& fresh = c.waitForFailover(old);
        CHECK(&fresh != &old);
    }
    SUBCASE("LOADING counts as alive") {
        Cluster c;
        MiniRedis& old = c.master();
        old.setError("LOADING Redis is loading the dataset in memory");
        CHECK_FALSE(waitUntil([&] {
            for (auto& e : c.sentinel(0).events())
                if (e.channel == "+sdown") return true;
            return false;
        }, 600ms));
        old.resume();
    }
}

TEST_CASE("many failovers in a row keep the epochs moving forward") {
    Cluster c(withReplicas(2));
    std::uint64_t epoch = 0;
    for (int i = 0; i < 5; ++i) {
        MiniRedis& m = c.failover();
        CHECK(c.waitForAgreement(m));
        std::uint64_t e = c.sentinel(1).configEpoch("mymaster");
        CHECK(e > epoch);
        epoch = e;
    }
}
