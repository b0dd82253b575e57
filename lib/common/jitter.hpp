#pragma once
// Random factors for timer jitter (reconcile, reconnect backoff). Clients
// started together must not fire in lockstep: the seed (clock, address,
// a process-wide counter) goes through splitmix64, whose output differs
// in about half its bits for inputs one apart, and each draw advances a
// xorshift64 generator. Not for anything but jitter.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sentinelpool::detail {

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class Jitter {
public:
    explicit Jitter(std::uint64_t seed) : state_(splitmix64(seed) | 1) {}
    // A seed unique to this object and moment.
    static std::uint64_t freshSeed(const void* self) {
        static std::atomic<std::uint64_t> counter{0};
        auto t = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        return splitmix64(t) ^ splitmix64(reinterpret_cast<std::uintptr_t>(self)) ^
               splitmix64(counter.fetch_add(1, std::memory_order_relaxed) + 0x632be59bd9b4e019ULL);
    }
    // Uniform in [lo, hi).
    double operator()(double lo, double hi) {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return lo + (hi - lo) * static_cast<double>(state_ >> 11) / static_cast<double>(1ULL << 53);
    }

private:
    std::uint64_t state_;
};

}  // namespace sentinelpool::detail
