// Recovery from a failover with every pub/sub connection cut, measured with
// MiniSentinel (a sentinelpool::testing::Cluster: a master, 1 replica, 3
// Sentinels, in-process).
//
// Per run: a Client (reconcileInterval 200 ms, reconnectMin/Max 60 s so the
// subscriptions stay down) and one writer thread (one client.master() lease
// per SET of a unique key). Once the Client is subscribed everywhere, every
// Sentinel drops the events of a failover (dropEvents on each failover
// channel) and closes every pub/sub connection (dropPubSubClients); then
// cluster.failover(), which returns once every Sentinel published
// +switch-master and answers the new address. From then (tF): the time to
// onMasterSwitch and to the writer's first acknowledged write on the new
// master, as fractions of reconcileInterval. The goal: <= 1.0.
//
// The old master keeps accepting writes (as a real one does for ~10 s after
// a failover: SentinelTiming::convertOldMaster 10 s), so the writer sees no
// error and only the periodic reconcile can find the new master.
//
// The failover starts after a random delay (uniform in [0, interval], from
// std::random_device), so it falls at a random point of the reconcile
// timer's period, as a real failover does (the setup takes the same time
// each run: without it the runs would measure nearly the same phase).
//
//   taskset -c 0 build-rel/tests/bench-failover-pubsub-cut [runs]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "real_deployment.hpp"  // Writers
#include "sentinelpool/sentinelpool.hpp"
#include "sentinelpool/testing/cluster.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using sentinelpool::test::Writers;
using namespace sentinelpool;
using namespace sentinelpool::testing;

namespace {

constexpr auto kReconcile = 200ms;

double frac(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count() / static_cast<double>(kReconcile.count());
}

template <class F>
bool waitFor(F&& f, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!f()) {
        if (Clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

struct Run {
    bool ok = false;
    std::optional<double> switchFrac, writeFrac;
    std::string detector;
    std::uint64_t writesAfterTf = 0;  // acknowledged by the old master after tF
};

Run runOnce(std::chrono::milliseconds phase) {
    Run res;
    ClusterOptions co;
    co.replicas = 1;
    co.sentinels = 3;
    co.timing.convertOldMaster = 10s;
    Cluster cluster(co);
    Options o;
    for (auto& [host, port] : cluster.sentinelEndpoints()) o.sentinels.push_back(Address{host, port});
    o.reconcileInterval = kReconcile;
    o.reconnectMin = 60000ms;  // the subscriptions stay down
    o.reconnectMax = 60000ms;
    std::mutex mu;
    std::optional<Clock::time_point> switchedAt;
    Detector detector = Detector::Resolution;
    o.callbacks.onMasterSwitch = [&](const MasterSwitch& s) {
        if (s.from.host.empty()) return;
        std::lock_guard<std::mutex> lk(mu);
        if (!switchedAt) {
            switchedAt = Clock::now();
            detector = s.detector;
        }
    };
    Client client(o);
    const int oldPort = client.masterAddress("mymaster").port;
    auto all = [&](bool want) {
        for (auto& s : client.stats().sentinels)
            if (s.subscribed != want) return false;
        return true;
    };
    if (!waitFor([&] { return all(true); }, 5000ms)) return res;
    Writers w(1, "w:", [&](const std::string& key) {
        auto lease = client.master("mymaster");
        return lease->command({"SET", key, "1"}).str() == "OK" ? lease->address().port : 0;
    }, 1ms);
    if (!waitFor([&] { return w.count() > 100; }, 5000ms)) return res;
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) {
        for (const char* ch : {"+switch-master", "+selected-slave", "+failover-state-send-slaveof-noone",
                               "+promoted-slave", "+failover-end", "+failover-end-for-timeout", "+odown", "+sdown",
                               "+slave", "+convert-to-slave"})
            cluster.sentinel(i).dropEvents(ch, -1);
        cluster.sentinel(i).dropPubSubClients();
    }
    if (!waitFor([&] { return all(false); }, 5000ms)) return res;
    std::this_thread::sleep_for(phase);
    MiniRedis& promoted = cluster.failover();
    const auto tF = Clock::now();
    const int newPort = promoted.port();
    waitFor(
        [&] {
            for (auto& a : w.acked())
                if (a.port == newPort) return true;
            return false;
        },
        5000ms);
    w.join();
    for (auto& a : w.acked()) {
        if (a.port == newPort && !res.writeFrac) res.writeFrac = frac(a.at - tF);
        if (a.port == oldPort && a.at >= tF) ++res.writesAfterTf;
    }
    {
        std::lock_guard<std::mutex> lk(mu);
        if (switchedAt) {
            res.switchFrac = frac(*switchedAt - tF);
            res.detector = detectorName(detector);
        }
    }
    for (std::size_t i = 0; i < cluster.sentinelCount(); ++i) cluster.sentinel(i).resume();
    res.ok = true;
    return res;
}

std::string summary(std::vector<double> v) {
    if (v.empty()) return "n/a";
    std::sort(v.begin(), v.end());
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.2f / %.2f / %.2f", v.front(), v[v.size() / 2], v.back());
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 30;
    if (runs < 1) runs = 30;
    std::printf("reconcileInterval %lld ms (the reconcile timer fires every interval x [0.80, 0.95])\n",
                static_cast<long long>(kReconcile.count()));
    std::random_device rd;
    std::mt19937 gen(rd());
    std::uniform_int_distribution<int> phase(0, static_cast<int>(kReconcile.count()));
    std::vector<Run> all;
    for (int i = 1; i <= runs; ++i) {
        auto delay = std::chrono::milliseconds(phase(gen));
        Run r = runOnce(delay);
        all.push_back(r);
        std::printf("run %2d (failover %3lld ms after the cut): ", i, static_cast<long long>(delay.count()));
        if (!r.ok) {
            std::printf("setup failed\n");
            continue;
        }
        std::printf("onMasterSwitch %s (%s), first write on the new master %s, writes acked by the old master after tF %llu\n",
                    r.switchFrac ? (std::to_string(*r.switchFrac) + " x interval").c_str() : "none",
                    r.detector.c_str(), r.writeFrac ? (std::to_string(*r.writeFrac) + " x interval").c_str() : "none",
                    static_cast<unsigned long long>(r.writesAfterTf));
        std::fflush(stdout);
    }
    std::vector<double> sw, wr;
    std::map<std::string, int> det;
    int over = 0, ok = 0;
    for (auto& r : all) {
        if (!r.ok) continue;
        ++ok;
        if (r.switchFrac) sw.push_back(*r.switchFrac);
        if (r.writeFrac) {
            wr.push_back(*r.writeFrac);
            if (*r.writeFrac > 1.0) ++over;
        } else {
            ++over;
        }
        ++det[r.detector.empty() ? "none" : r.detector];
    }
    std::string ds;
    for (auto& [k, n] : det) ds += k + " " + std::to_string(n) + " ";
    std::printf("\nfrom failover() returning (every Sentinel answers the new address), in units of reconcileInterval "
                "(%lld ms), min / median / max:\n",
                static_cast<long long>(kReconcile.count()));
    std::printf("| runs | to onMasterSwitch | to the first write on the new master | detector | runs over 1.0 (write) |\n");
    std::printf("|---|---|---|---|---|\n");
    std::printf("| %d | %s | %s | %s| %d |\n", ok, summary(sw).c_str(), summary(wr).c_str(), ds.c_str(), over);
    return ok == runs ? 0 : 1;
}
