// Following failovers with MiniSentinel: manual and automatic, a lost
// +switch-master, every pub/sub connection dropped, a Sentinel answering
// stale, a hung master with the abort policy, the fence and acknowledged
// writes, generation-ended callbacks, and many failovers under 8 writers.

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "cluster_client.hpp"
#include "poll.hpp"
#include "sentinelpool/sentinelpool.hpp"
#include "sentinelpool/testing/cluster.hpp"

using namespace sentinelpool;
using namespace sentinelpool::testing;
using namespace std::chrono_literals;
using sentinelpool::test::addressOf;
using sentinelpool::test::optionsFor;
using sentinelpool::test::pollUntil;
using sentinelpool::test::threadCount;

namespace {

// Records the switches a Client reports.
struct Switches {
    std::mutex mu;
    std::vector<MasterSwitch> seen;
    void attach(Options& o) {
        o.callbacks.onMasterSwitch = [this](const MasterSwitch& s) {
            std::lock_guard<std::mutex> lk(mu);
            seen.push_back(s);
        };
    }
    std::vector<MasterSwitch> get() {
        std::lock_guard<std::mutex> lk(mu);
        return seen;
    }
    // Switches away from the first resolution.
    std::size_t count() {
        std::size_t n = 0;
        for (auto& s : get())
            if (!s.from.host.empty()) ++n;
        return n;
    }
};

// Every Sentinel loses the events a Client switches on, for every failover
// from now on.
void dropFailoverEvents(Cluster& cluster) {
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i)
        for (const char* ch :
             {"+switch-master", "+selected-slave", "+failover-state-send-slaveof-noone", "+promoted-slave"})
            cluster.sentinel(i).dropEvents(ch, -1);
}

bool allSubscribed(Client& c) {
    for (auto& s : c.stats().sentinels)
        if (!s.subscribed) return false;
    return true;
}

}  // namespace

TEST_CASE("a manual failover is followed from the events, after ROLE confirms") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.reconcileInterval = 0ms;  // events alone
    Switches sw;
    sw.attach(o);
    Client client(o);
    CHECK(client.masterAddress("mymaster") == addressOf(cluster.master()));
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    Connection held = client.getMaster("mymaster");
    std::uint64_t gen = held.generation();

    MiniRedis& old = cluster.master();
    MiniRedis& promoted = cluster.failover();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    auto last = sw.get().back();
    CHECK(last.detector == Detector::Event);
    CHECK(last.from == addressOf(old));
    CHECK(last.to == addressOf(promoted));
    CHECK(last.generation == gen + 1);
    CHECK(last.configEpoch >= 1);

    Connection c = client.getMaster("mymaster");
    CHECK(c.address() == addressOf(promoted));
    CHECK(c.command({"SET", "after", "1"}).str() == "OK");
    CHECK(promoted.checkGet("after", "1"));
    client.putMaster("mymaster", std::move(c));
    client.putMaster("mymaster", std::move(held));  // old generation: closed
    Stats s = client.stats();
    CHECK(s.stalePutsClosed == 1);
    CHECK(s.switches == 1);
    CHECK(s.eventsReceived > 0);
    // A handful of Sentinel queries, no storm.
    CHECK(s.sentinelQueries <= 10);
}

TEST_CASE("an automatic failover (the master dies) is followed") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    Switches sw;
    sw.attach(o);
    Client client(o);
    client.master("mymaster")->command({"SET", "k", "v"});
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    MiniRedis& old = cluster.master();
    cluster.killMaster();
    // Callers see connection errors while the master is down...
    CHECK_THROWS_AS(client.master("mymaster")->command({"SET", "k", "w"}), Error);
    MiniRedis& promoted = cluster.waitForFailover();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    CHECK(sw.get().back().to == addressOf(promoted));
    CHECK(sw.get().back().from == addressOf(old));
    // ...and the new master once the Sentinels promoted it.
    auto lease = client.master("mymaster");
    CHECK(lease->address() == addressOf(promoted));
    CHECK(lease->command({"SET", "k", "w"}).str() == "OK");
}

TEST_CASE("a lost +switch-master: the leader's earlier events are enough") {
    Cluster cluster;
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).dropEvents("+switch-master", -1);
    Options o = optionsFor(cluster);
    o.reconcileInterval = 0ms;
    Switches sw;
    sw.attach(o);
    Client client(o);
    client.masterAddress("mymaster");
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    MiniRedis& promoted = cluster.failover();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    CHECK(sw.get().back().detector == Detector::Event);
    CHECK(client.masterAddress("mymaster") == addressOf(promoted));
}

TEST_CASE("every pub/sub connection dropped during the failover: the reconcile finds the new master") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.reconcileInterval = 100ms;
    o.reconnectMin = 60000ms;  // the subscriptions stay down
    o.reconnectMax = 60000ms;
    Switches sw;
    sw.attach(o);
    Client client(o);
    client.masterAddress("mymaster");
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).dropPubSubClients();
    REQUIRE(pollUntil([&] {
        for (auto& s : client.stats().sentinels)
            if (s.subscribed) return false;
        return true;
    }));
    MiniRedis& promoted = cluster.failover();
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    // Within one reconcile interval (+20% jitter, and the resolution itself).
    CHECK(std::chrono::steady_clock::now() - t0 < 1000ms);
    CHECK(sw.get().back().detector == Detector::Reconcile);
    CHECK(sw.get().back().to == addressOf(promoted));
}

TEST_CASE("resubscribing after a drop reconciles at once") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.reconcileInterval = 0ms;  // no periodic reconcile: only the reconnect one
    o.reconnectMin = 20ms;
    o.reconnectMax = 40ms;
    Switches sw;
    sw.attach(o);
    std::mutex logMu;
    std::vector<std::string> logs;
    o.callbacks.onLog = [&](LogLevel, const std::string& m) {
        std::lock_guard<std::mutex> lk(logMu);
        logs.push_back(m);
    };
    Client client(o);
    client.masterAddress("mymaster");
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    // Lose the events of this failover on every Sentinel, and the subscriptions.
    dropFailoverEvents(cluster);
    MiniRedis& promoted = cluster.failover();
    CHECK(sw.count() == 0);
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).dropPubSubClients();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    CHECK(sw.get().back().detector == Detector::Reconcile);
    CHECK(sw.get().back().to == addressOf(promoted));
    std::lock_guard<std::mutex> lk(logMu);
    CHECK(logs.size() >= 3);  // each Sentinel's loss is logged
}

TEST_CASE("a Sentinel answering stale never moves the master back") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.reconcileInterval = 20ms;
    Switches sw;
    sw.attach(o);
    Client client(o);
    client.masterAddress("mymaster");
    cluster.sentinel(0).freeze();  // the first one asked keeps the old answer
    MiniRedis& promoted = cluster.failover();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    auto before = client.stats().resolutions;
    REQUIRE(pollUntil([&] { return client.stats().resolutions >= before + 10; }));
    CHECK(sw.count() == 1);
    CHECK(client.masterAddress("mymaster") == addressOf(promoted));
    cluster.sentinel(0).resume();
}

TEST_CASE("a dead master awaiting its failover: one Sentinel per look, in turn, no query storm") {
    ClusterOptions co;
    co.downAfter = 60000ms;  // the Sentinels do not fail over by themselves
    Cluster cluster(co);
    Options o = optionsFor(cluster);
    o.reconcileInterval = 20ms;
    o.waitTimeout = 0ms;
    Switches sw;
    sw.attach(o);
    Client client(o);
    client.masterAddress("mymaster");
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    // The first Sentinel asked will keep naming the dead master, and the
    // failover's events are lost everywhere: only a look that starts from
    // another Sentinel can find the new master.
    cluster.sentinel(0).freeze();
    dropFailoverEvents(cluster);
    cluster.killMaster();
    // Callers hammer the dead master: every failure reports to the watcher.
    std::atomic<bool> stop{false};
    std::atomic<long> failures{0};
    std::thread caller([&] {
        while (!stop) {
            try {
                auto lease = client.master("mymaster");
                lease->command({"SET", "k", "v"});
            } catch (const Error&) {
                ++failures;
            }
        }
    });
    REQUIRE(pollUntil([&] { return failures.load() > 0; }));
    Stats s0 = client.stats();
    REQUIRE(pollUntil([&] { return client.stats().resolutions >= s0.resolutions + 10; }));
    Stats s1 = client.stats();
    long looks = static_cast<long>(s1.resolutions - s0.resolutions);
    long queries = static_cast<long>(s1.sentinelQueries - s0.sentinelQueries);
    // Each look asks one Sentinel (GET-MASTER-ADDR-BY-NAME + SENTINEL MASTER)
    // and stops: the Sentinel still names the dead master and its events
    // will say when that changes. (Walking all three: 6 per look.)
    CHECK(queries <= 2 * looks + 2);
    MiniRedis& promoted = cluster.failover();
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    stop = true;
    caller.join();
    CHECK(sw.get().back().to == addressOf(promoted));
    CHECK(sw.get().back().detector == Detector::Reconcile);
    cluster.sentinel(0).resume();
}

TEST_CASE("a master back on its address after a crash: the awaiting-failover state ends") {
    ClusterOptions co;
    co.downAfter = 60000ms;  // no failover: the master comes back first
    Cluster cluster(co);
    Options o = optionsFor(cluster);
    o.reconcileInterval = 20ms;
    o.waitTimeout = 0ms;
    Client client(o);
    client.masterAddress("mymaster");
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    MiniRedis& master = cluster.master();
    master.close();
    // A failed connection: the Sentinels still name the master, which is
    // down, so the Client awaits their failover and its reconciles check
    // the master's role.
    Errc failed = Errc::InvalidArgument;
    try {
        client.getMaster("mymaster");
    } catch (const Error& e) {
        failed = e.code();
    }
    CHECK(failed == Errc::ConnectionError);
    cluster.restart(master);
    // Reconciles now find it a master again (ROLE): the state ends, and
    // reconciles trust the Sentinels' answer again (no more ROLE checks).
    auto looks = [&](std::uint64_t n) {
        std::uint64_t at = client.stats().resolutions;
        return pollUntil([&] { return client.stats().resolutions >= at + n; });
    };
    REQUIRE(pollUntil([&] { return master.commandCalls("role") > 0; }));
    REQUIRE(looks(3));
    std::uint64_t roles = master.commandCalls("role");
    REQUIRE(looks(5));
    CHECK(master.commandCalls("role") == roles);
    // And the pool works, on the same address.
    auto lease = client.master("mymaster");
    CHECK(lease->command({"SET", "back", "1"}).str() == "OK");
    CHECK(lease->address() == addressOf(master));
}

TEST_CASE("a hung master: with the abort policy, callers blocked on it wake up at the switch") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.failoverPolicy = FailoverPolicy::Abort;
    o.commandTimeout = 0ms;  // no socket timeout: only the switch can wake them
    Switches sw;
    sw.attach(o);
    Client client(o);
    Connection c = client.getMaster("mymaster");
    MiniRedis& hung = cluster.master();
    hung.hang();
    auto blocked = std::async(std::launch::async, [&] {
        try {
            c.command({"GET", "k"});
            return std::string("answered");
        } catch (const Error& e) {
            return std::string(e.code() == Errc::ConnectionError ? "ConnectionError" : errcName(e.code()));
        }
    });
    MiniRedis& promoted = cluster.waitForFailover(hung);
    CHECK(blocked.get() == "ConnectionError");
    REQUIRE(pollUntil([&] { return sw.count() == 1; }));
    CHECK(client.masterAddress("mymaster") == addressOf(promoted));
    client.putMaster("mymaster", std::move(c));
    hung.resume();
}

TEST_CASE("the fence: no write acknowledged by the old master during a manual failover is lost") {
    // As with a real Sentinel, the leader announces the replica it selected
    // before promoting it (real: ~75 ms later, at its next tick).
    ClusterOptions co;
    co.timing.promotion = 20ms;
    Cluster cluster(co);
    Options o = optionsFor(cluster);
    o.fence = true;
    o.waitTimeout = 5000ms;
    Client client(o);
    client.masterAddress("mymaster");
    REQUIRE(pollUntil([&] { return allSubscribed(client); }));
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::string> acked;
    std::atomic<int> errors{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; !stop.load(); ++i) {
                std::string key = "w" + std::to_string(t) + "-" + std::to_string(i);
                try {
                    auto lease = client.master("mymaster");
                    if (lease->command({"SET", key, "1"}).str() == "OK") {
                        std::lock_guard<std::mutex> lk(mu);
                        acked.push_back(key);
                    }
                } catch (const Error&) {
                    ++errors;
                }
            }
        });
    REQUIRE(pollUntil([&] {
        std::lock_guard<std::mutex> lk(mu);
        return acked.size() > 200;
    }));
    MiniRedis& old = cluster.master();
    MiniRedis& promoted = cluster.failover();
    REQUIRE(waitUntil([&] { return old.replication().isReplica && old.replication().linkUp; }));
    std::size_t ackedAtSwitch;
    {
        std::lock_guard<std::mutex> lk(mu);
        ackedAtSwitch = acked.size();
    }
    REQUIRE(pollUntil([&] {
        std::lock_guard<std::mutex> lk(mu);
        return acked.size() > ackedAtSwitch + 200;  // writing to the new master
    }));
    stop = true;
    for (auto& w : writers) w.join();
    std::size_t missing = 0;
    for (auto& k : acked)
        if (!promoted.exists(k)) ++missing;
    CHECK(missing == 0);
    MESSAGE("acknowledged writes: " << acked.size() << ", errors seen: " << errors.load()
                                    << ", fence waits: " << client.stats().fenceWaits);
}

TEST_CASE("long-lived connections hear when their generation ends") {
    Cluster cluster;
    Client client(optionsFor(cluster));
    Connection sub = client.getMaster("mymaster");
    std::promise<void> ended;
    sub.onGenerationEnd([&] { ended.set_value(); });
    auto fut = ended.get_future();
    cluster.failover();
    CHECK(fut.wait_for(5s) == std::future_status::ready);
    // Registering on a connection whose generation is over calls back at once.
    bool now = false;
    sub.onGenerationEnd([&] { now = true; });
    CHECK(now);
    client.putMaster("mymaster", std::move(sub));
}

TEST_CASE("replica pools follow the failover") {
    ClusterOptions co;
    co.replicas = 2;
    Cluster cluster(co);
    Options o = optionsFor(cluster);
    std::mutex mu;
    std::vector<ReplicasChange> changes;
    o.callbacks.onReplicasChange = [&](const ReplicasChange& c) {
        std::lock_guard<std::mutex> lk(mu);
        changes.push_back(c);
    };
    Client client(o);
    auto before = client.replicaAddresses("mymaster");
    REQUIRE(before.size() == 2);
    MiniRedis& old = cluster.master();
    MiniRedis& promoted = cluster.failover();
    REQUIRE(waitUntil([&] { return old.replication().isReplica && old.replication().linkUp; }));
    // The promoted node leaves the replica set; the old master joins it.
    REQUIRE(pollUntil([&] {
        auto now = client.replicaAddresses("mymaster");
        std::set<Address> s(now.begin(), now.end());
        return s.count(addressOf(old)) == 1 && s.count(addressOf(promoted)) == 0;
    }));
    auto lease = client.replica("mymaster");
    CHECK(lease->address() != addressOf(promoted));
    std::lock_guard<std::mutex> lk(mu);
    CHECK(changes.size() >= 2);
}

TEST_CASE("many failovers in a row under 8 writer threads; nothing left behind") {
    Cluster cluster;
    int threadsBefore = threadCount();
    {
        Options o = optionsFor(cluster);
        o.waitTimeout = 5000ms;
        o.poolSize = 4;
        Switches sw;
        sw.attach(o);
        Client client(o);
        client.masterAddress("mymaster");
        REQUIRE(pollUntil([&] { return allSubscribed(client); }));
        std::atomic<bool> stop{false};
        std::atomic<long> ok{0}, failed{0};
        std::vector<std::thread> writers;
        for (int t = 0; t < 8; ++t)
            writers.emplace_back([&] {
                while (!stop.load()) {
                    try {
                        auto lease = client.master("mymaster");
                        if (lease->command({"INCR", "n"}).isInteger()) ++ok;
                    } catch (const Error&) {
                        ++failed;
                    }
                }
            });
        constexpr int kFailovers = 4;
        for (int i = 0; i < kFailovers; ++i) {
            MiniRedis& from = cluster.master();
            MiniRedis& to = cluster.failover();
            REQUIRE(cluster.waitForAgreement(to));
            REQUIRE(pollUntil([&] { return client.masterAddress("mymaster") == addressOf(to); }));
            long okNow = ok.load();
            REQUIRE(pollUntil([&] { return ok.load() > okNow + 50; }));  // writes reach the new master
            (void)from;
        }
        stop = true;
        for (auto& w : writers) w.join();
        CHECK(sw.count() == kFailovers);
        Stats s = client.stats();
        CHECK(s.switches == kFailovers);
        MESSAGE("writes ok " << ok.load() << ", failed " << failed.load() << ", Sentinel queries "
                             << s.sentinelQueries << ", stale puts closed " << s.stalePutsClosed);
    }
    CHECK(threadCount() == threadsBefore);  // the watcher is gone (handles: its loop closed cleanly)
}
