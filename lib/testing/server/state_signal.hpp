#pragma once
// A process-wide "something changed" signal for tests that wait on the
// embedded servers instead of sleeping: every Sentinel event and every role
// change bumps it; waiters re-check their condition on each bump.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace sentinelpool::testing::detail {

class StateSignal {
public:
    static StateSignal& instance();
    void notify();
    // Re-evaluates `done` (with no lock held) after every notify(), until it
    // returns true or the timeout passes. Returns its last value.
    bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::uint64_t seq_ = 0;
};

}  // namespace sentinelpool::testing::detail
