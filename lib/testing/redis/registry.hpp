#pragma once
// The process-wide directory of running MiniRedis instances, by address, so
// that `REPLICAOF host port` over the wire can link two instances of this
// process. A replica whose master address has no instance behind it waits
// here and is linked when one starts there (a master coming back).
//
// Thread-safe. Callbacks to waiters run on the thread that registered the
// new instance, with no registry lock held.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sentinelpool::testing::detail {

class MiniRedisCore;

class Registry {
public:
    static Registry& instance();
    // "localhost" and "127.0.0.1" name the same instance.
    static std::string key(const std::string& host, int port);

    void add(const std::string& host, int port, const std::shared_ptr<MiniRedisCore>& node);
    void remove(const std::string& host, int port, const MiniRedisCore* node);
    std::shared_ptr<MiniRedisCore> find(const std::string& host, int port);
    // The instance at host:port; when there is none, `replica` is called
    // back (masterAvailable(generation)) once one registers there. One
    // atomic step, so a master starting meanwhile is never missed.
    std::shared_ptr<MiniRedisCore> findOrWait(const std::string& host, int port,
                                              const std::shared_ptr<MiniRedisCore>& replica,
                                              std::uint64_t generation);
    void cancelWaits(const MiniRedisCore* replica);

private:
    struct Waiter {
        std::weak_ptr<MiniRedisCore> replica;
        const MiniRedisCore* raw;
        std::uint64_t generation;
    };
    std::mutex mu_;
    std::map<std::string, std::weak_ptr<MiniRedisCore>> nodes_;
    std::multimap<std::string, Waiter> waiters_;
};

}  // namespace sentinelpool::testing::detail
