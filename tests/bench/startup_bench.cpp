// Benchmark: MiniRedis start to first PONG. Constructs a MiniRedis (port 0),
// connects with hiredis, sends PING, and measures until +PONG arrives.
// Goal: median under 5 ms. Prints min/median/max over 200 runs; exits 1 if
// the median misses the goal.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <hiredis.h>

#include "sentinelpool/testing/mini_redis.hpp"

int main() {
    using clock = std::chrono::steady_clock;
    std::vector<double> us;
    for (int i = 0; i < 200; ++i) {
        auto t0 = clock::now();
        sentinelpool::testing::MiniRedis m;
        redisContext* c = redisConnect("127.0.0.1", m.port());
        auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
        auto t1 = clock::now();
        bool ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        redisFree(c);
        if (!ok) {
            std::fprintf(stderr, "no PONG\n");
            return 2;
        }
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    std::sort(us.begin(), us.end());
    double median = us[us.size() / 2];
    std::printf("MiniRedis start to first PONG over %zu runs: min %.0f us, median %.0f us, max %.0f us (goal: median < 5000 us)\n",
                us.size(), us.front(), median, us.back());
    return median < 5000 ? 0 : 1;
}
