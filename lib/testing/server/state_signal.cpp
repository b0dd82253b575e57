#include "server/state_signal.hpp"

namespace sentinelpool::testing::detail {

StateSignal& StateSignal::instance() {
    static StateSignal* s = new StateSignal;  // never destroyed: loops may notify at exit
    return *s;
}

void StateSignal::notify() {
    std::lock_guard<std::mutex> lk(mu_);
    ++seq_;
    cv_.notify_all();
}

bool StateSignal::waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::uint64_t seen;
        {
            std::lock_guard<std::mutex> lk(mu_);
            seen = seq_;
        }
        if (done()) return true;
        std::unique_lock<std::mutex> lk(mu_);
        if (!cv_.wait_until(lk, deadline, [&] { return seq_ != seen; })) {
            lk.unlock();
            return done();
        }
    }
}

}  // namespace sentinelpool::testing::detail

#include "sentinelpool/testing/wait.hpp"

namespace sentinelpool::testing {

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    return detail::StateSignal::instance().waitUntil(condition, timeout);
}

}  // namespace sentinelpool::testing
