// Benchmark: an embedded deployment (1 master, 1 replica, 3 Sentinels)
// - ready: from constructing the Cluster until every Sentinel knows the
//   replica and the other Sentinels (the Cluster constructor waits for it).
//   Goal: under 50 ms.
// - failover: Cluster::failover(), i.e. SENTINEL FAILOVER until the new
//   master accepts writes and every Sentinel published +switch-master.
//   Goal: under 20 ms.
// Prints min / median / p99 / max over the runs (200 by default; the first
// argument changes it); exits 1 if a median misses, or if any run took
// seconds (a wait that stalled until its timeout: a lost wakeup, as once
// happened when a Sentinel's view of a replica's link changed silently).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "sentinelpool/testing/cluster.hpp"

using namespace sentinelpool::testing;
using Clock = std::chrono::steady_clock;

namespace {
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
    double min, median, p99, max;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v.front(), v[v.size() / 2], v[v.size() * 99 / 100], v.back()};
}
}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
    std::vector<double> ready, failover;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        Cluster c;
        ready.push_back(ms(Clock::now() - t0));
        for (int k = 0; k < 3; ++k) {
            if (k) c.waitForAgreement(c.master());
            auto t1 = Clock::now();
            MiniRedis& m = c.failover();
            failover.push_back(ms(Clock::now() - t1));
            (void)m;
        }
    }
    auto r = stats(ready), f = stats(failover);
    std::printf("Cluster (1 master, 1 replica, 3 Sentinels) ready: min %.1f ms, median %.1f ms, p99 %.1f ms, max %.1f ms over %zu (goal: median < 50 ms)\n",
                r.min, r.median, r.p99, r.max, ready.size());
    std::printf("failover() to new master writable + +switch-master on every Sentinel: min %.1f ms, median %.1f ms, p99 %.1f ms, max %.1f ms over %zu (goal: median < 20 ms)\n",
                f.min, f.median, f.p99, f.max, failover.size());
    bool stalled = r.max >= 1000 || f.max >= 1000;
    if (stalled) std::printf("a run took over a second: a wait stalled\n");
    return r.median < 50 && f.median < 20 && !stalled ? 0 : 1;
}
