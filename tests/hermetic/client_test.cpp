// The Client against MiniSentinel / Cluster: every API call, every error,
// startup modes with every Sentinel down, passwords on either side, pool
// exhaustion, stale put-backs, many threads, and a close() that leaves
// nothing behind.

#include <doctest/doctest.h>

#include <hiredis.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "cluster_client.hpp"
#include "poll.hpp"
#include "resp_client.hpp"
#include "sentinelpool/sentinelpool.hpp"
#include "sentinelpool/testing/cluster.hpp"

using namespace sentinelpool;
using namespace sentinelpool::testing;
using namespace std::chrono_literals;
using sentinelpool::test::Hiredis;
using sentinelpool::test::addressOf;
using sentinelpool::test::optionsFor;
using sentinelpool::test::pollUntil;
using sentinelpool::test::threadCount;

namespace {

// Connections a server has from clients named `name` (CLIENT LIST).
int clientsNamed(int port, const std::string& name, const std::string& pass = "") {
    Hiredis h(port);
    if (!pass.empty()) h.cmd({"AUTH", pass});
    auto r = h.cmd({"CLIENT", "LIST"});
    REQUIRE(r);
    REQUIRE(r->type == REDIS_REPLY_STRING);
    std::string list(r->str, r->len);
    int n = 0;
    for (std::size_t at = 0; (at = list.find(" name=" + name + " ", at)) != std::string::npos; ++at) ++n;
    return n;
}

template <class F>
Error errorOf(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no sentinelpool::Error was thrown");
    return Error(Errc::InvalidArgument, Stage::Startup, "unreachable");
}

// A port nothing listens on: bound by a MiniRedis, then closed.
int deadPort() {
    MiniRedis m;
    int p = m.port();
    m.close();
    return p;
}

}  // namespace

TEST_CASE("getMaster / putMaster: raw hiredis and command(), connections reused") {
    Cluster cluster;
    Client client(optionsFor(cluster));
    Connection c = client.getMaster("mymaster");
    REQUIRE(c);
    CHECK(c.address() == addressOf(cluster.master()));
    CHECK(c.role() == Role::Master);
    auto* r = static_cast<redisReply*>(redisCommand(c.get(), "SET %s %s", "k", "v"));
    REQUIRE(r);
    CHECK(r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    Reply got = c.command({"GET", "k"});
    CHECK(got.isString());
    CHECK(got.str() == "v");
    CHECK(cluster.master().checkGet("k", "v"));
    client.putMaster("mymaster", std::move(c));
    CHECK_FALSE(c);  // moved from

    for (int i = 0; i < 5; ++i) {
        Connection again = client.getMaster("mymaster");
        CHECK(again.command({"INCR", "n"}).integer() == i + 1);
        client.putMaster("mymaster", std::move(again));
    }
    Stats s = client.stats();
    CHECK(s.connectionsOpened == 1);  // the one connection went round
    CHECK(s.resolutions == 1);
    CHECK(client.masterAddress("mymaster") == addressOf(cluster.master()));
}

TEST_CASE("leases put back on scope exit; release() puts back early") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.poolSize = 1;
    o.waitTimeout = 0ms;
    Client client(o);
    {
        auto lease = client.master("mymaster");
        CHECK(lease->command({"SET", "k", "1"}).str() == "OK");
        // The only connection is out: a second caller fails at once.
        CHECK(errorOf([&] { client.getMaster("mymaster"); }).code() == Errc::PoolExhausted);
    }
    auto lease = client.master("mymaster");  // back in the pool
    CHECK(lease.get() != nullptr);
    lease.release();
    CHECK(lease.get() == nullptr);
    lease.release();  // idempotent
    Lease moved = client.master("mymaster");
    Lease other = std::move(moved);
    CHECK(other->command({"GET", "k"}).str() == "1");
    CHECK(client.stats().connectionsOpened == 1);
}

TEST_CASE("putMaster checks that the connection belongs to that name and role") {
    Cluster cluster;
    Client client(optionsFor(cluster));
    Connection c = client.getMaster("mymaster");
    CHECK(errorOf([&] { client.putMaster("other", std::move(c)); }).code() == Errc::InvalidArgument);
    CHECK(c);  // still the caller's
    client.putMaster("mymaster", std::move(c));
    Connection r = client.getReplica("mymaster");
    CHECK(errorOf([&] { client.putMaster("mymaster", std::move(r)); }).code() == Errc::InvalidArgument);
    client.putReplica("mymaster", std::move(r));
    Connection empty;
    CHECK(errorOf([&] { client.putMaster("mymaster", std::move(empty)); }).code() == Errc::InvalidArgument);
}

TEST_CASE("a Connection destroyed without being put back frees its slot") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.poolSize = 1;
    o.waitTimeout = 0ms;
    Client client(o);
    { Connection c = client.getMaster("mymaster"); }
    Connection c = client.getMaster("mymaster");  // the slot came back
    CHECK(c);
    CHECK(client.stats().connectionsClosed == 1);
}

TEST_CASE("replicas: reads, READONLY on writes closes the connection, leases") {
    ClusterOptions co;
    co.replicas = 2;
    Cluster cluster(co);
    cluster.master().set("k", "v");
    for (auto* r : cluster.replicas()) REQUIRE(r->waitForSync());
    Client client(optionsFor(cluster));
    std::set<Address> expected;
    for (auto* r : cluster.replicas()) expected.insert(addressOf(*r));
    auto listed = client.replicaAddresses("mymaster");
    CHECK(std::set<Address>(listed.begin(), listed.end()) == expected);

    Connection c = client.getReplica("mymaster");
    CHECK(c.role() == Role::Replica);
    CHECK(expected.count(c.address()) == 1);
    CHECK(c.command({"GET", "k"}).str() == "v");
    Reply w = c.command({"SET", "k", "x"});
    CHECK(w.isError());
    CHECK(w.str().rfind("READONLY", 0) == 0);
    CHECK(c.broken());
    client.putReplica("mymaster", std::move(c));
    CHECK(client.stats().brokenPutsClosed == 1);

    auto lease = client.replica("mymaster");
    CHECK(lease->command({"GET", "k"}).str() == "v");
}

TEST_CASE("replica policies: round-robin visits every replica, sticky keeps one, random stays in the set") {
    ClusterOptions co;
    co.replicas = 2;
    Cluster cluster(co);
    std::set<Address> expected;
    for (auto* r : cluster.replicas()) expected.insert(addressOf(*r));

    Options o = optionsFor(cluster);
    SUBCASE("round-robin") {
        o.replicaPolicy = ReplicaPolicy::RoundRobin;
        Client client(o);
        std::set<Address> seen;
        for (int i = 0; i < 4; ++i) {
            auto l = client.replica("mymaster");
            seen.insert(l->address());
        }
        CHECK(seen == expected);
    }
    SUBCASE("sticky") {
        o.replicaPolicy = ReplicaPolicy::Sticky;
        Client client(o);
        std::set<Address> seen;
        for (int i = 0; i < 6; ++i) {
            auto l = client.replica("mymaster");
            seen.insert(l->address());
        }
        CHECK(seen.size() == 1);
    }
    SUBCASE("random") {
        o.replicaPolicy = ReplicaPolicy::Random;
        Client client(o);
        for (int i = 0; i < 6; ++i) {
            auto l = client.replica("mymaster");
            CHECK(expected.count(l->address()) == 1);
        }
    }
}

TEST_CASE("no replica: NoReplicaAvailable, or the master with FallbackToMaster") {
    ClusterOptions co;
    co.replicas = 0;
    Cluster cluster(co);
    Options o = optionsFor(cluster);
    {
        Client client(o);
        Error e = errorOf([&] { client.getReplica("mymaster"); });
        CHECK(e.code() == Errc::NoReplicaAvailable);
        CHECK_FALSE(e.sentinelError());
    }
    o.replicaFallback = ReplicaFallback::FallbackToMaster;
    Client client(o);
    Connection c = client.getReplica("mymaster");
    CHECK(c.address() == addressOf(cluster.master()));
    CHECK(c.command({"SET", "k", "v"}).str() == "OK");
    client.putReplica("mymaster", std::move(c));
}

TEST_CASE("one Client serves several master names over the same Sentinel connections") {
    Cluster cluster;
    MiniRedis second;
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).monitor("second", second, 2);
    REQUIRE(waitUntil([&] {
        for (std::size_t i = 0; i < cluster.sentinelCount(); ++i)
            if (cluster.sentinel(i).knownSentinels("second").size() != 2) return false;
        return true;
    }));
    Options o = optionsFor(cluster);
    o.clientName = "multi";
    Client client(o);
    client.master("mymaster")->command({"SET", "where", "first"});
    client.master("second")->command({"SET", "where", "second"});
    CHECK(cluster.master().checkGet("where", "first"));
    CHECK(second.checkGet("where", "second"));
    // Both names went through the first Sentinel's one command connection;
    // every Sentinel has one event subscription, whatever the names.
    CHECK(waitUntil([&] {
        return clientsNamed(cluster.sentinel(0).port(), "multi") == 2 &&
               clientsNamed(cluster.sentinel(1).port(), "multi") == 1 &&
               clientsNamed(cluster.sentinel(2).port(), "multi") == 1;
    }));
}

TEST_CASE("an unknown master name: MasterNameUnknown, a Sentinel error, every Sentinel's answer") {
    Cluster cluster;
    Client client(optionsFor(cluster));
    Error e = errorOf([&] { client.getMaster("nosuch"); });
    CHECK(e.code() == Errc::MasterNameUnknown);
    CHECK(e.stage() == Stage::Resolve);
    CHECK(e.sentinelError());
    REQUIRE(e.sentinelFailures().size() == 3);
    for (auto& f : e.sentinelFailures()) CHECK(f.reason == "unknown master name");
    CHECK(std::string(e.what()).find("nosuch") != std::string::npos);
    // The failure is remembered briefly: a storm of callers does not become
    // a storm of resolutions.
    auto before = client.stats().resolutions;
    for (int i = 0; i < 20; ++i) CHECK(errorOf([&] { client.getMaster("nosuch"); }).code() == Errc::MasterNameUnknown);
    CHECK(client.stats().resolutions - before <= 2);
    CHECK(errorOf([&] { client.getReplica("nosuch"); }).code() == Errc::MasterNameUnknown);
}

TEST_CASE("every Sentinel down at startup, in each startup mode") {
    Options o;
    o.sentinels = {Address{"127.0.0.1", deadPort()}, Address{"127.0.0.1", deadPort()}};
    o.masterNames = {"mymaster"};
    o.resolveTimeout = 500ms;
    SUBCASE("fail fast: the constructor throws NoSentinelReachable with each Sentinel's reason") {
        o.startup = StartupMode::FailFast;
        Error e = errorOf([&] { Client client(o); });
        CHECK(e.code() == Errc::NoSentinelReachable);
        CHECK(e.sentinelError());
        REQUIRE(e.sentinelFailures().size() == 2);
        for (std::size_t i = 0; i < 2; ++i) {
            CHECK(e.sentinelFailures()[i].sentinel == o.sentinels[i]);
            CHECK(e.sentinelFailures()[i].reason.find("refused") != std::string::npos);
        }
    }
    SUBCASE("fail fast without names: at least one Sentinel must answer") {
        o.startup = StartupMode::FailFast;
        o.masterNames.clear();
        Error e = errorOf([&] { Client client(o); });
        CHECK(e.code() == Errc::NoSentinelReachable);
        CHECK(e.stage() == Stage::Startup);
        CHECK(e.sentinelFailures().size() == 2);
    }
    SUBCASE("lazy: the constructor returns, getMaster throws") {
        o.startup = StartupMode::Lazy;
        Client client(o);
        Error e = errorOf([&] { client.getMaster("mymaster"); });
        CHECK(e.code() == Errc::NoSentinelReachable);
        CHECK(e.sentinelFailures().size() == 2);
    }
    SUBCASE("wait until: the constructor returns at the deadline, getMaster throws") {
        o.startup = StartupMode::WaitUntil;
        o.startupTimeout = 300ms;
        auto t0 = std::chrono::steady_clock::now();
        Client client(o);
        CHECK(std::chrono::steady_clock::now() - t0 >= 300ms);
        CHECK(errorOf([&] { client.getMaster("mymaster"); }).code() == Errc::NoSentinelReachable);
    }
}

TEST_CASE("startup modes with the Sentinels up resolve before the constructor returns") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.masterNames = {"mymaster"};
    for (StartupMode m : {StartupMode::FailFast, StartupMode::WaitUntil}) {
        o.startup = m;
        Client client(o);
        CHECK(client.stats().resolutions == 1);
        CHECK(client.masterAddress("mymaster") == addressOf(cluster.master()));
        CHECK(client.stats().resolutions == 1);
    }
    o.startup = StartupMode::FailFast;
    o.masterNames = {"nosuch"};
    CHECK(errorOf([&] { Client client(o); }).code() == Errc::MasterNameUnknown);
}

TEST_CASE("Sentinels waking up during a WaitUntil startup are used") {
    Cluster cluster;
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).close();
    Options o = optionsFor(cluster);
    o.masterNames = {"mymaster"};
    o.startup = StartupMode::WaitUntil;
    o.startupTimeout = 20s;
    auto made = std::async(std::launch::async, [&] {
        Client client(o);
        return client.masterAddress("mymaster");
    });
    // Let the client fail at least once before the Sentinels come back.
    CHECK(made.wait_for(200ms) == std::future_status::timeout);
    cluster.restart(cluster.sentinel(2));
    CHECK(made.get() == addressOf(cluster.master()));
}

TEST_CASE("the Sentinel that answers moves to the front; the list is refreshed with SENTINEL SENTINELS") {
    Cluster cluster;
    Options o;
    int dead = deadPort();
    o.sentinels = {Address{"127.0.0.1", dead}, Address{"127.0.0.1", cluster.sentinel(1).port()}};
    Client client(o);
    CHECK(client.masterAddress("mymaster") == addressOf(cluster.master()));
    // The answering Sentinel first, then the others it told us about.
    CHECK(pollUntil([&] { return client.sentinels().size() == 4; }));
    auto list = client.sentinels();
    CHECK(list.front() == Address{"127.0.0.1", cluster.sentinel(1).port()});
    std::set<Address> all(list.begin(), list.end());
    for (std::size_t i = 0; i < 3; ++i) CHECK(all.count(Address{"127.0.0.1", cluster.sentinel(i).port()}) == 1);
    CHECK(all.count(Address{"127.0.0.1", dead}) == 1);
    Stats s = client.stats();
    REQUIRE(s.sentinels.size() == 4);
    for (auto& st : s.sentinels)
        if (st.sentinel.port == dead) CHECK(st.failures >= 1);
}

TEST_CASE("a hostname for a Sentinel is resolved without blocking") {
    Cluster cluster;
    Options o;
    o.sentinels = {Address{"localhost", cluster.sentinel(0).port()}};
    Client client(o);
    CHECK(client.masterAddress("mymaster") == addressOf(cluster.master()));
    Options bad;
    bad.sentinels = {Address{"no-such-host.invalid", 26379}};
    bad.resolveTimeout = 1000ms;
    bad.sentinelTimeout = 0ms;
    Client badClient(bad);
    Error e = errorOf([&] { badClient.getMaster("mymaster"); });
    CHECK(e.code() == Errc::NoSentinelReachable);
    REQUIRE(e.sentinelFailures().size() == 1);
    CHECK(e.sentinelFailures()[0].reason.find("cannot resolve no-such-host.invalid") == 0);
}

TEST_CASE("passwords: Sentinels and data nodes have their own, and a wrong one says which") {
    ClusterOptions co;
    co.password = "nodepass";
    co.sentinelPassword = "sentpass";
    Cluster cluster(co);
    Options good = optionsFor(cluster);
    good.resolveTimeout = 500ms;
    {
        Client client(good);
        CHECK(client.master("mymaster")->command({"SET", "k", "v"}).str() == "OK");
        CHECK(client.sentinelMaster("mymaster").name == "mymaster");
    }
    SUBCASE("wrong Sentinel password") {
        Options o = good;
        o.sentinelAuth.password = "nope";
        Client client(o);
        Error e = errorOf([&] { client.getMaster("mymaster"); });
        CHECK(e.code() == Errc::NoSentinelReachable);
        CHECK(e.sentinelError());
        REQUIRE(e.sentinelFailures().size() == 3);
        for (auto& f : e.sentinelFailures()) CHECK(f.reason.find("WRONGPASS") == 0);
        CHECK(errorOf([&] { client.sentinelMasters(); }).code() == Errc::NoSentinelReachable);
    }
    SUBCASE("no Sentinel password") {
        Options o = good;
        o.sentinelAuth.password.clear();
        Client client(o);
        Error e = errorOf([&] { client.getMaster("mymaster"); });
        CHECK(e.code() == Errc::NoSentinelReachable);
        for (auto& f : e.sentinelFailures()) CHECK(f.reason.find("NOAUTH") == 0);
    }
    SUBCASE("wrong data-node password") {
        Options o = good;
        o.nodeAuth.password = "nope";
        Client client(o);
        Error e = errorOf([&] { client.getMaster("mymaster"); });
        CHECK(e.code() == Errc::AuthenticationFailed);
        CHECK_FALSE(e.sentinelError());
        CHECK(std::string(e.what()).find("WRONGPASS") != std::string::npos);
        CHECK(errorOf([&] { client.getReplica("mymaster"); }).code() == Errc::AuthenticationFailed);
    }
    SUBCASE("data-node password swapped with the Sentinels'") {
        Options o = good;
        std::swap(o.nodeAuth, o.sentinelAuth);
        Client client(o);
        CHECK(errorOf([&] { client.getMaster("mymaster"); }).code() == Errc::NoSentinelReachable);
    }
}

TEST_CASE("an ACL user on the data nodes (AUTH user pass)") {
    Cluster cluster;
    for (std::size_t i = 0; i < cluster.nodeCount(); ++i) cluster.node(i).requireAuth("app", "secret");
    Options o = optionsFor(cluster);
    o.nodeAuth = Credentials{"app", "secret"};
    Client client(o);
    CHECK(client.master("mymaster")->command({"SET", "k", "v"}).str() == "OK");
    o.nodeAuth = Credentials{"app", "wrong"};
    Client bad(o);
    CHECK(errorOf([&] { bad.getMaster("mymaster"); }).code() == Errc::AuthenticationFailed);
}

TEST_CASE("database, client name and command timeout apply to every pooled connection") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.database = 3;
    o.clientName = "app-1";
    o.commandTimeout = 200ms;
    std::uint64_t names0 = cluster.master().commandCalls("client|setname");
    std::uint64_t roles0 = cluster.master().commandCalls("role");
    Client client(o);
    // The watcher's role check of the master names its connection too
    // (sent before ROLE on the same connection: counted by now).
    client.masterAddress("mymaster");
    CHECK(cluster.master().commandCalls("role") == roles0 + 1);
    CHECK(cluster.master().commandCalls("client|setname") == names0 + 1);
    auto lease = client.master("mymaster");
    CHECK(cluster.master().commandCalls("client|setname") == names0 + 2);
    CHECK(lease->command({"SET", "in3", "yes"}).str() == "OK");
    CHECK(lease->command({"CLIENT", "GETNAME"}).str() == "app-1");
    cluster.master().select(3);
    CHECK(cluster.master().checkGet("in3", "yes"));
    cluster.master().select(0);
    CHECK_FALSE(cluster.master().exists("in3"));
    // A hung master: the command fails at the timeout, the connection is broken.
    cluster.master().hang();
    Error e = errorOf([&] { lease->command({"PING"}); });
    CHECK(e.code() == Errc::ConnectionError);
    CHECK(e.stage() == Stage::Command);
    CHECK(lease->broken());
    cluster.master().resume();
}

TEST_CASE("role mismatch: the Sentinels name a node that is not a master") {
    Cluster cluster;
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).freeze();
    MiniRedis& oldMaster = cluster.master();
    MiniRedis* replica = cluster.replicas().at(0);
    replica->promote();
    oldMaster.replicaOf(*replica);  // the frozen Sentinels still name oldMaster
    Options o = optionsFor(cluster);
    o.resolveTimeout = 400ms;
    Client client(o);
    Error e = errorOf([&] { client.getMaster("mymaster"); });
    CHECK(e.code() == Errc::RoleMismatch);
    CHECK(e.stage() == Stage::RoleCheck);
    CHECK_FALSE(e.sentinelError());
    CHECK(std::string(e.what()).find(oldMaster.addr()) != std::string::npos);
    CHECK(std::string(e.what()).find("replica of " + replica->addr()) != std::string::npos);
    CHECK(client.stats().roleMismatches >= 1);
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).resume();
}

TEST_CASE("pool exhaustion: bounded wait, then PoolExhausted; a put-back wakes a waiter") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.poolSize = 2;
    o.waitTimeout = 100ms;
    Client client(o);
    Connection a = client.getMaster("mymaster");
    Connection b = client.getMaster("mymaster");
    auto t0 = std::chrono::steady_clock::now();
    Error e = errorOf([&] { client.getMaster("mymaster"); });
    CHECK(std::chrono::steady_clock::now() - t0 >= 100ms);
    CHECK(e.code() == Errc::PoolExhausted);
    CHECK(e.stage() == Stage::Pool);
    CHECK(std::string(e.what()).find("2 connections") != std::string::npos);
    CHECK(client.stats().poolExhausted == 1);

    client.putMaster("mymaster", std::move(a));
    client.putMaster("mymaster", std::move(b));
}

TEST_CASE("a put-back wakes a caller waiting on an exhausted pool") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.poolSize = 1;
    o.waitTimeout = 30000ms;  // the put-back, not the timeout, ends the wait
    Client client(o);
    Connection a = client.getMaster("mymaster");
    auto got = std::async(std::launch::async, [&] {
        Connection c = client.getMaster("mymaster");
        return c.address();
    });
    CHECK(got.wait_for(50ms) == std::future_status::timeout);  // it is blocked
    client.putMaster("mymaster", std::move(a));
    CHECK(got.get() == addressOf(cluster.master()));
    CHECK(client.stats().poolWaits == 1);
    CHECK(client.stats().poolExhausted == 0);
}

TEST_CASE("a connection from before a failover is closed when put back, never re-pooled") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.subscribeEvents = false;  // learn from the errors alone here
    o.reconcileInterval = 0ms;
    Client client(o);
    Connection held = client.getMaster("mymaster");
    Connection used = client.getMaster("mymaster");
    MiniRedis& oldMaster = cluster.master();
    MiniRedis& newMaster = cluster.failover();
    REQUIRE(&newMaster != &oldMaster);
    REQUIRE(waitUntil([&] { return oldMaster.replication().isReplica; }));
    // The old master was demoted and dropped its clients: the next command
    // fails, the connection is broken, and putting it back re-resolves.
    Reply r;
    try {
        r = used.command({"SET", "k", "v"});
    } catch (const Error& err) {
        CHECK(err.code() == Errc::ConnectionError);
    }
    CHECK(used.broken());
    client.putMaster("mymaster", std::move(used));
    CHECK(pollUntil([&] { return client.stats().switches == 1; }));
    std::uint64_t gen = held.generation();
    client.putMaster("mymaster", std::move(held));
    CHECK(client.stats().stalePutsClosed == 1);
    Connection fresh = client.getMaster("mymaster");
    CHECK(fresh.generation() > gen);
    CHECK(fresh.address() == addressOf(newMaster));
    CHECK(fresh.command({"SET", "k", "v"}).str() == "OK");
    CHECK(newMaster.checkGet("k", "v"));
}

TEST_CASE("Sentinel admin commands") {
    ClusterOptions co;
    co.replicas = 2;
    Cluster cluster(co);
    Client client(optionsFor(cluster));

    auto masters = client.sentinelMasters();
    REQUIRE(masters.size() == 1);
    CHECK(masters[0].name == "mymaster");
    CHECK(masters[0].address == addressOf(cluster.master()));
    CHECK(masters[0].hasFlag("master"));
    CHECK(masters[0].quorum == 2);
    CHECK(masters[0].numSlaves == 2);
    CHECK(masters[0].numOtherSentinels == 2);
    CHECK(masters[0].fields.at("name") == "mymaster");

    MasterRecord m = client.sentinelMaster("mymaster");
    CHECK(m.address == addressOf(cluster.master()));
    CHECK(errorOf([&] { client.sentinelMaster("nosuch"); }).code() == Errc::MasterNameUnknown);

    auto replicas = client.sentinelReplicas("mymaster");
    REQUIRE(replicas.size() == 2);
    for (auto& r : replicas) {
        CHECK(r.hasFlag("slave"));
        CHECK(r.healthy());
        CHECK(r.masterAddress == addressOf(cluster.master()));
    }
    CHECK(errorOf([&] { client.sentinelReplicas("nosuch"); }).code() == Errc::MasterNameUnknown);

    auto sentinels = client.sentinelSentinels("mymaster");
    CHECK(sentinels.size() == 2);
    for (auto& s : sentinels) CHECK(s.runId.size() == 40);

    auto addr = client.sentinelGetMasterAddrByName("mymaster");
    REQUIRE(addr);
    CHECK(*addr == addressOf(cluster.master()));
    CHECK_FALSE(client.sentinelGetMasterAddrByName("nosuch").has_value());

    CkquorumResult q = client.sentinelCkquorum("mymaster");
    CHECK(q.ok);
    CHECK(q.message.rfind("OK 3 usable Sentinels", 0) == 0);
    cluster.sentinel(1).close();
    cluster.sentinel(2).close();
    REQUIRE(waitUntil([&] { return !client.sentinelCkquorum("mymaster").ok; }, 10s));
    CHECK(client.sentinelCkquorum("mymaster").message.rfind("NOQUORUM", 0) == 0);
    cluster.restart(cluster.sentinel(1));
    cluster.restart(cluster.sentinel(2));
    REQUIRE(cluster.waitForHealthy());

    AdminReport set = client.sentinelSet("mymaster", "down-after-milliseconds", "300");
    CHECK(set.applied.size() == 3);
    CHECK(set.unreachable.empty());
    CHECK(client.sentinelMaster("mymaster").fields.at("down-after-milliseconds") == "300");
    CHECK(errorOf([&] { client.sentinelSet("nosuch", "quorum", "2"); }).code() == Errc::MasterNameUnknown);

    MiniRedis extra;
    AdminReport mon = client.sentinelMonitor("extra", extra.host(), extra.port(), 2);
    CHECK(mon.applied.size() == 3);
    CHECK(client.sentinelMasters().size() == 2);
    Error dup = errorOf([&] { client.sentinelMonitor("extra", extra.host(), extra.port(), 2); });
    CHECK(dup.code() == Errc::ServerError);
    CHECK(std::string(dup.what()).find("Duplicate master name") != std::string::npos);
    AdminReport reset = client.sentinelReset("extra");
    CHECK(reset.count == 3);
    AdminReport rm = client.sentinelRemove("extra");
    CHECK(rm.applied.size() == 3);
    CHECK(client.sentinelMasters().size() == 1);
    CHECK(client.sentinelFlushconfig().applied.size() == 3);

    MiniRedis& old = cluster.master();
    client.sentinelFailover("mymaster");
    MiniRedis& promoted = cluster.waitForFailover(old);
    CHECK(&promoted != &old);
    CHECK(errorOf([&] { client.sentinelFailover("nosuch"); }).code() == Errc::MasterNameUnknown);

    // With one Sentinel down, configuration commands report it.
    cluster.sentinel(2).close();
    AdminReport partial = client.sentinelSet("mymaster", "quorum", "2");
    CHECK(partial.applied.size() == 2);
    REQUIRE(partial.unreachable.size() == 1);
    CHECK(partial.unreachable[0].sentinel.port == cluster.sentinel(2).port());
}

TEST_CASE("a configuration call some Sentinels reject: AdminError says which applied it") {
    Cluster cluster;
    Client client(optionsFor(cluster));
    // Only the first Sentinel monitors "solo": the others answer
    // "No such master with that name" to SENTINEL SET.
    MiniRedis solo;
    cluster.sentinel(0).monitor("solo", solo, 1);
    bool thrown = false;
    try {
        client.sentinelSet("solo", "quorum", "1");
    } catch (const AdminError& e) {
        thrown = true;
        CHECK(e.code() == Errc::MasterNameUnknown);
        CHECK(e.stage() == Stage::Admin);
        CHECK(e.sentinelError());
        const AdminReport& r = e.report();
        REQUIRE(r.applied.size() == 1);
        CHECK(r.applied[0].port == cluster.sentinel(0).port());
        REQUIRE(r.rejected.size() == 2);
        for (auto& f : r.rejected) {
            CHECK(f.sentinel.port != cluster.sentinel(0).port());
            CHECK(f.reason.find("No such master with that name") != std::string::npos);
        }
        CHECK(r.unreachable.empty());
    }
    CHECK(thrown);
    // Caught as a plain Error too, as before.
    CHECK(errorOf([&] { client.sentinelSet("solo", "quorum", "1"); }).code() == Errc::MasterNameUnknown);
}

TEST_CASE("8 threads hammering getMaster/putMaster: every increment lands") {
    Cluster cluster;
    Options o = optionsFor(cluster);
    o.poolSize = 4;
    o.waitTimeout = 5000ms;
    Client client(o);
    constexpr int kThreads = 8, kEach = 200;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                try {
                    if (i % 2) {
                        auto lease = client.master("mymaster");
                        if (lease->command({"INCR", "n"}).integer() <= 0) ++failures;
                    } else {
                        Connection c = client.getMaster("mymaster");
                        if (c.command({"HINCRBY", "h", std::to_string(t), "1"}).integer() <= 0) ++failures;
                        client.putMaster("mymaster", std::move(c));
                    }
                } catch (const Error&) {
                    ++failures;
                }
            }
        });
    for (auto& th : threads) th.join();
    CHECK(failures.load() == 0);
    CHECK(cluster.master().checkGet("n", std::to_string(kThreads * kEach / 2)));
    for (int t = 0; t < kThreads; ++t) CHECK(cluster.master().checkHGet("h", std::to_string(t), std::to_string(kEach / 2)));
    Stats s = client.stats();
    CHECK(s.connectionsOpened <= 4);
    CHECK(s.resolutions == 1);
}

TEST_CASE("close(): idempotent, wakes waiters, leaves no thread or socket behind") {
    Cluster cluster;
    int threadsBefore = threadCount();
    Options o = optionsFor(cluster);
    o.clientName = "closing";
    o.poolSize = 1;
    o.waitTimeout = 30000ms;
    auto client = std::make_unique<Client>(o);
    Connection out = client->getMaster("mymaster");
    auto r = client->getReplica("mymaster");
    client->putReplica("mymaster", std::move(r));
    CHECK(threadCount() == threadsBefore + 1);  // the watcher
    CHECK(clientsNamed(cluster.master().port(), "closing") == 1);
    CHECK(waitUntil([&] { return clientsNamed(cluster.sentinel(0).port(), "closing") == 2; }));  // commands + events

    // A caller blocked on the exhausted pool wakes with ClientClosed.
    std::promise<void> started;
    auto blocked = std::async(std::launch::async, [&] {
        started.set_value();
        return errorOf([&] { client->getMaster("mymaster"); }).code();
    });
    started.get_future().wait();
    client->close();
    CHECK(blocked.get() == Errc::ClientClosed);
    client->close();  // idempotent
    CHECK(errorOf([&] { client->getMaster("mymaster"); }).code() == Errc::ClientClosed);
    CHECK(errorOf([&] { client->sentinelMasters(); }).code() == Errc::ClientClosed);
    CHECK(threadCount() == threadsBefore);
    // The checked-out connection still works until put back, then closes.
    CHECK(out.command({"PING"}).str() == "PONG");
    client->putMaster("mymaster", std::move(out));
    client.reset();
    CHECK(waitUntil([&] {
        return clientsNamed(cluster.master().port(), "closing") == 0 &&
               clientsNamed(cluster.replicas()[0]->port(), "closing") == 0 &&
               clientsNamed(cluster.sentinel(0).port(), "closing") == 0;
    }));
}

TEST_CASE("a Connection may outlive its Client") {
    Cluster cluster;
    Connection c;
    {
        Client client(optionsFor(cluster));
        c = client.getMaster("mymaster");
    }
    CHECK(c.command({"PING"}).str() == "PONG");
    c = Connection();  // closes it; nothing left to leak (ASan checks)
}

TEST_CASE("bad options are InvalidArgument") {
    Options o;
    CHECK(errorOf([&] { Client c(o); }).code() == Errc::InvalidArgument);
    o.sentinels = {Address{"127.0.0.1", 0}};
    CHECK(errorOf([&] { Client c(o); }).code() == Errc::InvalidArgument);
    o.sentinels = {Address{"127.0.0.1", 26379}};
    o.poolSize = 0;
    CHECK(errorOf([&] { Client c(o); }).code() == Errc::InvalidArgument);
    o.poolSize = 1;
    o.waitTimeout = -1ms;
    CHECK(errorOf([&] { Client c(o); }).code() == Errc::InvalidArgument);
}
