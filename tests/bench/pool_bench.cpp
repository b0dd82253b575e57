// The pool's cost, against a real redis-server and redis-sentinel started
// here (exit 77 when absent): a pooled GET round trip (lease, command, put
// back) against raw hiredis GETs on one connection to the same server, as
// a ratio; acquire+release alone; heap bytes per idle pooled connection.
// Run pinned so both sides share one core:
//   taskset -c 0 build-rel/tests/bench-pool

#include <hiredis.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "real_server.hpp"
#include "sentinelpool/sentinelpool.hpp"

using namespace sentinelpool;
using sentinelpool::test::RealServer;
using sentinelpool::test::RealServerOptions;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class F>
double nsPerOp(int ops, F&& f) {
    auto t0 = Clock::now();
    for (int i = 0; i < ops; ++i) f();
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / ops;
}

}  // namespace

int main() {
    if (!sentinelpool::test::binaryExists("/usr/bin/redis-server") ||
        !sentinelpool::test::binaryExists("/usr/bin/redis-sentinel")) {
        std::fprintf(stderr, "SKIP: redis-server / redis-sentinel not found\n");
        return 77;
    }
    RealServer redis;
    RealServerOptions so;
    so.binary = "/usr/bin/redis-sentinel";
    so.configName = "sentinel.conf";
    so.readyLine = "Sentinel ID is";
    so.configFile = "sentinel monitor mymaster 127.0.0.1 " + std::to_string(redis.port()) + " 1\n";
    RealServer sentinel(so);

    Options o;
    o.sentinels = {Address{"127.0.0.1", sentinel.port()}};
    o.poolSize = 256;
    o.reconcileInterval = std::chrono::milliseconds(0);  // nothing else on the wire while measuring
    Client client(o);
    client.master("mymaster")->command({"SET", "k", "v"});

    redisContext* raw = redisConnect("127.0.0.1", redis.port());
    if (!raw || raw->err) return 1;

    constexpr int kOps = 20000, kReps = 7;
    std::vector<double> rawNs, pooledNs, ratios;
    for (int r = 0; r < kReps; ++r) {
        double a = nsPerOp(kOps, [&] { freeReplyObject(redisCommand(raw, "GET k")); });
        double b = nsPerOp(kOps, [&] {
            auto lease = client.master("mymaster");
            lease->command({"GET", "k"});
        });
        rawNs.push_back(a);
        pooledNs.push_back(b);
        ratios.push_back(b / a);
    }
    redisFree(raw);

    std::vector<double> acq;
    for (int r = 0; r < kReps; ++r)
        acq.push_back(nsPerOp(1000000, [&] {
            Connection c = client.getMaster("mymaster");
            client.putMaster("mymaster", std::move(c));
        }));

    // Heap bytes per idle pooled connection (the kernel's socket buffers are
    // not counted: they are the same for any client).
    constexpr int kConns = 200;
    Options big = o;
    big.poolSize = kConns;
    Client many(big);
    many.masterAddress("mymaster");
    { Connection warm = many.getMaster("mymaster"); many.putMaster("mymaster", std::move(warm)); }
    auto heap = [] { return static_cast<double>(mallinfo2().uordblks); };
    double before = heap();
    {
        std::vector<Connection> conns;
        for (int i = 0; i < kConns - 1; ++i) conns.push_back(many.getMaster("mymaster"));
        for (auto& c : conns) many.putMaster("mymaster", std::move(c));
    }
    double perConn = (heap() - before) / (kConns - 1);

    std::printf("pooled GET round trip vs raw hiredis (same redis-server, %d ops x %d runs)\n", kOps, kReps);
    std::printf("  raw hiredis    median %8.0f ns/op\n", median(rawNs));
    std::printf("  pooled (lease) median %8.0f ns/op\n", median(pooledNs));
    std::printf("  ratio          median %8.3f   (min %.3f, max %.3f)   goal <= 1.05\n", median(ratios),
                *std::min_element(ratios.begin(), ratios.end()), *std::max_element(ratios.begin(), ratios.end()));
    std::printf("acquire+release, uncontended: median %.1f ns (min %.1f, max %.1f)   goal < 50 ns\n", median(acq),
                *std::min_element(acq.begin(), acq.end()), *std::max_element(acq.begin(), acq.end()));
    std::printf("heap per idle pooled connection: %.0f bytes (%d connections)\n", perConn, kConns - 1);
    return 0;
}
