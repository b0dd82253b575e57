// Quickstart: a whole Sentinel deployment in this process (a master, a
// replica and three Sentinels, on 127.0.0.1 with kernel-picked ports), and
// the sentinelpool Client on it: pooled connections to the current master
// and to a replica, the RAII lease, an admin call, and a failover the pool
// follows by itself. No outside servers.

#include <cstdio>

#include <hiredis.h>

#include "sentinelpool/sentinelpool.hpp"
#include "sentinelpool/testing/cluster.hpp"

int main() try {
    sentinelpool::testing::Cluster cluster;  // returns once the Sentinels agree
    std::printf("master %s, Sentinels:", cluster.master().addr().c_str());
    for (auto& s : cluster.sentinelAddrs()) std::printf(" %s", s.c_str());
    std::printf("\n");

    sentinelpool::Options opts;
    for (auto& [host, port] : cluster.sentinelEndpoints()) opts.sentinels.push_back({host, port});
    sentinelpool::Client client(opts);

    // getMaster / putMaster, with the raw hiredis context.
    sentinelpool::Connection c = client.getMaster("mymaster");
    auto* r = static_cast<redisReply*>(redisCommand(c.get(), "SET %s %s", "greeting", "hello from sentinelpool"));
    std::printf("SET greeting on %s -> %s\n", c.address().toString().c_str(), r ? r->str : c.get()->errstr);
    freeReplyObject(r);
    client.putMaster("mymaster", std::move(c));

    // The RAII form: back in the pool at the end of the scope.
    {
        auto lease = client.master("mymaster");
        sentinelpool::Reply got = lease->command({"GET", "greeting"});
        std::printf("GET greeting -> %s\n", std::string(got.str()).c_str());
    }

    // A replica (reads only).
    cluster.replicas()[0]->waitForSync();
    {
        auto lease = client.replica("mymaster");
        std::printf("GET greeting on replica %s -> %s\n", lease->address().toString().c_str(),
                    lease->command({"GET", "greeting"}).toString().c_str());
    }

    // An admin call.
    auto m = client.sentinelMaster("mymaster");
    std::printf("SENTINEL MASTER: %s, %d replica(s), %d other Sentinel(s)\n", m.address.toString().c_str(),
                m.numSlaves, m.numOtherSentinels);

    // A failover: the pool follows it.
    auto& promoted = cluster.failover();
    std::printf("failover: the Sentinels promoted %s\n", promoted.addr().c_str());
    auto lease = client.master("mymaster");
    std::printf("SET after the failover on %s -> %s\n", lease->address().toString().c_str(),
                lease->command({"SET", "greeting", "hello again"}).toString().c_str());
    bool ok = lease->address().port == promoted.port() && promoted.checkGet("greeting", "hello again").ok();
    std::printf("%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
} catch (const sentinelpool::Error& e) {
    std::fprintf(stderr, "sentinelpool error: %s\n", e.what());
    return 1;
}
