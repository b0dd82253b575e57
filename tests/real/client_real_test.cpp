// The Client against a real deployment started here: redis-server 7.0.15
// (a master and two replicas) and three redis-sentinel (quorum 2,
// down-after 1000 ms) on free 127.0.0.1 ports. Resolution, pooled reads and
// writes, replicas, admin calls, then SENTINEL FAILOVER and kill -9 of the
// master, followed by the pools with every acknowledged write checked.
// Exits 77 (skipped) when the binaries are missing.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "poll.hpp"
#include "real_deployment.hpp"
#include "real_server.hpp"
#include "resp_client.hpp"
#include "sentinelpool/sentinelpool.hpp"

using namespace sentinelpool;
using namespace std::chrono_literals;
using sentinelpool::test::Hiredis;
using sentinelpool::test::pollUntil;
using sentinelpool::test::RealServer;
using sentinelpool::test::RealServerOptions;
using sentinelpool::test::dataNode;
using sentinelpool::test::missingOn;

namespace {

using sentinelpool::test::RealDeployment;
using sentinelpool::test::Writers;

Options optionsFor(RealDeployment& d) {
    Options o;
    for (int port : d.sentinelPorts()) o.sentinels.push_back(Address{"127.0.0.1", port});
    return o;
}

// Writer threads SETting unique keys through the Client, one lease per write.
Writers::WriteFn writeThrough(Client& client) {
    return [&client](const std::string& key) {
        auto lease = client.master("mymaster");
        return lease->command({"SET", key, "1"}).str() == "OK" ? lease->address().port : 0;
    };
}

}  // namespace

TEST_CASE("resolve, pooled reads and writes, replicas and admin calls against real Sentinels") {
    RealDeployment d;
    Options o = optionsFor(d);
    o.startup = StartupMode::FailFast;
    o.masterNames = {"mymaster"};
    Client client(o);
    CHECK(client.masterAddress("mymaster") == Address{"127.0.0.1", d.master().port()});
    {
        auto lease = client.master("mymaster");
        CHECK(lease->command({"SET", "k", "v"}).str() == "OK");
        CHECK(lease->command({"GET", "k"}).str() == "v");
    }
    std::set<int> replicaPorts{d.node(1).port(), d.node(2).port()};
    auto listed = client.replicaAddresses("mymaster");
    REQUIRE(listed.size() == 2);
    for (auto& a : listed) CHECK(replicaPorts.count(a.port) == 1);
    {
        auto lease = client.replica("mymaster");
        CHECK(replicaPorts.count(lease->address().port) == 1);
        CHECK(pollUntil([&] { return lease->command({"GET", "k"}).str() == "v"; }));
        CHECK(lease->command({"SET", "k", "x"}).str().rfind("READONLY", 0) == 0);
    }
    Error e(Errc::InvalidArgument, Stage::Startup, "");
    try {
        client.getMaster("nosuch");
    } catch (const Error& err) {
        e = err;
    }
    CHECK(e.code() == Errc::MasterNameUnknown);
    CHECK(e.sentinelFailures().size() == 3);

    auto m = client.sentinelMaster("mymaster");
    CHECK(m.address.port == d.master().port());
    CHECK(m.numSlaves == 2);
    CHECK(m.numOtherSentinels == 2);
    CHECK(m.quorum == 2);
    CHECK(client.sentinelMasters().size() == 1);
    CHECK(client.sentinelReplicas("mymaster").size() == 2);
    CHECK(client.sentinelSentinels("mymaster").size() == 2);
    CHECK(client.sentinelCkquorum("mymaster").ok);
    CHECK(client.sentinelGetMasterAddrByName("mymaster")->port == d.master().port());
    CHECK_FALSE(client.sentinelGetMasterAddrByName("nosuch"));
    CHECK(client.sentinelSet("mymaster", "down-after-milliseconds", "1000").applied.size() == 3);
    CHECK(client.sentinelFlushconfig().applied.size() == 3);
    RealServer extra(dataNode());
    CHECK(client.sentinelMonitor("extra", "127.0.0.1", extra.port(), 2).applied.size() == 3);
    CHECK(client.sentinelReset("extra").count == 3);
    CHECK(client.sentinelRemove("extra").applied.size() == 3);
    Error dup(Errc::InvalidArgument, Stage::Startup, "");
    try {
        client.sentinelMonitor("mymaster", "127.0.0.1", extra.port(), 2);
    } catch (const Error& err) {
        dup = err;
    }
    CHECK(dup.code() == Errc::ServerError);
    // The client found the Sentinels' whole list from one of them.
    Options one;
    one.sentinels = {Address{"127.0.0.1", d.sentinel(1).port()}};
    Client fromOne(one);
    fromOne.masterAddress("mymaster");
    CHECK(pollUntil([&] { return fromOne.sentinels().size() == 3; }));
}

namespace {
// A client on the deployment, its subscriptions up, counting switches.
struct Following {
    std::atomic<int> switches{0};
    std::unique_ptr<Client> client;
    explicit Following(RealDeployment& d) {
        Options o = optionsFor(d);
        o.waitTimeout = 5000ms;
        o.callbacks.onMasterSwitch = [this](const MasterSwitch& s) {
            if (!s.from.host.empty()) ++switches;
        };
        client = std::make_unique<Client>(o);
        client->masterAddress("mymaster");
        REQUIRE(pollUntil([&] {
            for (auto& s : client->stats().sentinels)
                if (!s.subscribed) return false;
            return true;
        }));
    }
};
}  // namespace

TEST_CASE("SENTINEL FAILOVER against real Sentinels: followed, no acknowledged write lost (the fence)") {
    RealDeployment d;
    Following f(d);
    Client& client = *f.client;
    auto& switches = f.switches;
    int first = client.masterAddress("mymaster").port;
    {
        Writers w(4, "manual:", writeThrough(client));
        REQUIRE(pollUntil([&] { return w.count() > 100; }));
        client.sentinelFailover("mymaster");
        REQUIRE(pollUntil([&] { return switches.load() == 1; }, 15s));
        int promoted = client.masterAddress("mymaster").port;
        CHECK(promoted != first);
        std::size_t at = w.count();
        REQUIRE(pollUntil([&] { return w.count() > at + 100; }, 10s));
        w.join();
        // Every acknowledged write must be on the new master (the old one
        // keeps accepting writes for ~10 s, all lost when it resyncs).
        CHECK(missingOn(promoted, w.ackedKeys()) == 0);
        MESSAGE("manual failover: " << w.count() << " writes acknowledged, " << w.errors() << " errors");
    }
    CHECK(client.stats().switches == 1);
    MESSAGE("Sentinel queries: " << client.stats().sentinelQueries);
}

TEST_CASE("kill -9 of the master against real Sentinels: followed") {
    RealDeployment d;
    Following f(d);
    Client& client = *f.client;
    auto& switches = f.switches;
    {
        int current = client.masterAddress("mymaster").port;
        Writers w(2, "kill:", writeThrough(client));
        REQUIRE(pollUntil([&] { return w.count() > 100; }));
        d.byPort(current)->kill9();
        REQUIRE(pollUntil([&] { return switches.load() == 1; }, 20s));
        int promoted = client.masterAddress("mymaster").port;
        CHECK(promoted != current);
        std::size_t at = w.count();
        REQUIRE(pollUntil([&] { return w.count() > at + 100; }, 10s));
        w.join();
        auto acked = w.ackedKeys();
        // Writes acknowledged by the killed master just before it died may
        // not have reached a replica (asynchronous replication): count them.
        std::size_t missing = missingOn(promoted, acked);
        MESSAGE("kill -9: " << acked.size() << " writes acknowledged, " << missing << " lost with the dead master, "
                            << w.errors() << " errors");
        CHECK(missing <= 4);
    }
    Stats s = client.stats();
    CHECK(s.switches == 1);
    MESSAGE("Sentinel queries in all: " << s.sentinelQueries << ", events: " << s.eventsReceived);
}

int main(int argc, char** argv) {
    std::string missing;
    if (!sentinelpool::test::realBinariesPresent(&missing)) {
        std::fprintf(stderr, "SKIP: %s not found\n", missing.c_str());
        return 77;
    }
    doctest::Context ctx;
    ctx.applyCommandLine(argc, argv);
    return ctx.run();
}
