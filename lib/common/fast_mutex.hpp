#pragma once
// FastMutex: a mutex for short critical sections that are nearly always
// uncontended (a pool's take and put back). Locking is one inline
// compare-exchange and unlocking one exchange, where pthread_mutex_lock and
// unlock spend some 55 instructions between them on the getMaster/putMaster
// path; a contended lock sleeps on a futex (the three-state mutex of
// Drepper's "Futexes Are Tricky": 0 free, 1 locked, 2 locked with sleepers).
// Pair it with std::condition_variable_any. Elsewhere than Linux it is
// std::mutex.

#include <atomic>
#include <mutex>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sentinelpool::detail {

#if defined(__linux__)
class FastMutex {
public:
    FastMutex() = default;
    FastMutex(const FastMutex&) = delete;
    FastMutex& operator=(const FastMutex&) = delete;

    void lock() {
        int c = 0;
        if (!state_.compare_exchange_strong(c, 1, std::memory_order_acquire, std::memory_order_relaxed)) lockSlow(c);
    }
    bool try_lock() {
        int c = 0;
        return state_.compare_exchange_strong(c, 1, std::memory_order_acquire, std::memory_order_relaxed);
    }
    void unlock() {
        if (state_.exchange(0, std::memory_order_release) == 2) futex(FUTEX_WAKE_PRIVATE, 1);
    }

private:
    void lockSlow(int c) {
        if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
        while (c != 0) {
            futex(FUTEX_WAIT_PRIVATE, 2);
            c = state_.exchange(2, std::memory_order_acquire);
        }
    }
    void futex(int op, int val) {
        static_assert(sizeof(std::atomic<int>) == sizeof(int), "futex word");
        ::syscall(SYS_futex, reinterpret_cast<int*>(&state_), op, val, nullptr, nullptr, 0);
    }
    std::atomic<int> state_{0};
};
#else
using FastMutex = std::mutex;
#endif

}  // namespace sentinelpool::detail
