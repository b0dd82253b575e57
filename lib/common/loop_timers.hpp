#pragma once
// One-shot timers on a libuv loop, owned by a set that closes whatever is
// still pending when the loop shuts down (libuv's rule: every handle that was
// initialised is closed, its memory freed in the close callback). Used by the
// embedded servers and the client's watcher. Loop thread only.

#include <cstdint>
#include <functional>
#include <map>

#include <uv.h>

namespace sentinelpool::detail {

class LoopTimers {
public:
    void bind(uv_loop_t* loop) { loop_ = loop; }

    // Runs fn once after ms. Returns an id for cancel().
    std::uint64_t add(std::uint64_t ms, std::function<void()> fn) {
        auto* t = new Timer;
        t->id = nextId_++;
        t->fn = std::move(fn);
        t->owner = this;
        t->handle.data = t;
        uv_timer_init(loop_, &t->handle);
        uv_timer_start(&t->handle, &LoopTimers::fire, ms, 0);
        timers_[t->id] = t;
        return t->id;
    }

    void cancel(std::uint64_t id) {
        auto it = timers_.find(id);
        if (it == timers_.end()) return;
        Timer* t = it->second;
        timers_.erase(it);
        close(t);
    }

    // Closes every pending timer (the loop is shutting down).
    void closeAll() {
        for (auto& kv : timers_) close(kv.second);
        timers_.clear();
    }

private:
    struct Timer {
        uv_timer_t handle{};
        std::uint64_t id = 0;
        std::function<void()> fn;
        LoopTimers* owner = nullptr;
    };

    static void close(Timer* t) {
        uv_timer_stop(&t->handle);
        uv_close(reinterpret_cast<uv_handle_t*>(&t->handle), [](uv_handle_t* h) { delete static_cast<Timer*>(h->data); });
    }

    static void fire(uv_timer_t* h) {
        auto* t = static_cast<Timer*>(h->data);
        t->owner->timers_.erase(t->id);
        auto fn = std::move(t->fn);
        close(t);
        fn();
    }

    uv_loop_t* loop_ = nullptr;
    std::uint64_t nextId_ = 1;
    std::map<std::uint64_t, Timer*> timers_;
};

}  // namespace sentinelpool::detail
