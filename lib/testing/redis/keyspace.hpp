#pragma once
// The data of one MiniRedis: 16 databases of values (redis/value.hpp) with
// expiry times. No locking here: MiniRedis holds its data mutex around every
// use (commands on the loop thread, direct access from test threads).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "redis/value.hpp"

namespace sentinelpool::testing::detail {

// Keys with an expiry are also indexed, so expiring them never walks the
// whole database. Change expiry and delete keys only through these methods.
struct Db {
    std::unordered_map<std::string, Value> keys;
    std::unordered_set<std::string> volatileKeys;

    Value* find(std::string_view key);
    // The value stored at key (new keys start as empty strings). Commands
    // create keys through MiniRedisCore::addKey, which also notifies.
    Value& slot(std::string_view key);
    bool erase(std::string_view key);
    void setExpire(std::string_view key, Value& v, std::int64_t atMs);  // -1: persist
    void clear() {
        keys.clear();
        volatileKeys.clear();
    }
    std::size_t expiresCount() const { return volatileKeys.size(); }
};

struct Keyspace {
    static constexpr int kDatabases = 16;
    Db dbs[kDatabases];

    void flushAll() {
        for (auto& d : dbs) d.clear();
    }
};

// Stable SCAN order for a set of names: by a 64-bit hash, so a cursor
// (the next hash to visit) stays meaningful while keys come and go, and a
// full iteration returns every key present from start to end.
std::uint64_t scanHash(std::string_view s);

}  // namespace sentinelpool::testing::detail
