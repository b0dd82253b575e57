#pragma once
// pollUntil: for state inside the client under test that no embedded server
// sees change (its Sentinel list, its counters after a background
// resolution). Re-checks every millisecond until the condition holds or the
// timeout passes. Prefer testing::waitUntil for anything a server sees.

#include <chrono>
#include <thread>

namespace sentinelpool::test {

template <class F>
bool pollUntil(F&& condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace sentinelpool::test
