#include "redis/registry.hpp"

#include <vector>

#include "redis/mini_redis_core.hpp"

namespace sentinelpool::testing::detail {

Registry& Registry::instance() {
    static Registry* r = new Registry;  // never destroyed: used by static destructors' stop()
    return *r;
}

std::string Registry::key(const std::string& host, int port) {
    std::string h = host == "localhost" ? "127.0.0.1" : host;
    return h + ":" + std::to_string(port);
}

void Registry::add(const std::string& host, int port, const std::shared_ptr<MiniRedisCore>& node) {
    std::vector<Waiter> ready;
    std::string k = key(host, port);
    {
        std::lock_guard<std::mutex> lk(mu_);
        nodes_[k] = node;
        auto range = waiters_.equal_range(k);
        for (auto it = range.first; it != range.second; ++it) ready.push_back(it->second);
        waiters_.erase(range.first, range.second);
    }
    for (auto& w : ready)
        if (auto r = w.replica.lock()) r->masterAvailable(w.generation);
}

void Registry::remove(const std::string& host, int port, const MiniRedisCore* node) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = nodes_.find(key(host, port));
    if (it == nodes_.end()) return;
    auto cur = it->second.lock();
    if (!cur || cur.get() == node) nodes_.erase(it);
}

std::shared_ptr<MiniRedisCore> Registry::find(const std::string& host, int port) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = nodes_.find(key(host, port));
    return it == nodes_.end() ? nullptr : it->second.lock();
}

std::shared_ptr<MiniRedisCore> Registry::findOrWait(const std::string& host, int port,
                                                     const std::shared_ptr<MiniRedisCore>& replica,
                                                     std::uint64_t generation) {
    std::string k = key(host, port);
    std::lock_guard<std::mutex> lk(mu_);
    auto it = nodes_.find(k);
    if (it != nodes_.end())
        if (auto node = it->second.lock()) return node;
    for (auto w = waiters_.begin(); w != waiters_.end();) {
        if (w->second.raw == replica.get())
            w = waiters_.erase(w);
        else
            ++w;
    }
    waiters_.emplace(k, Waiter{replica, replica.get(), generation});
    return nullptr;
}

void Registry::cancelWaits(const MiniRedisCore* replica) {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (it->second.raw == replica)
            it = waiters_.erase(it);
        else
            ++it;
    }
}

}  // namespace sentinelpool::testing::detail
