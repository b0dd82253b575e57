#pragma once
// The data of one MiniRedis: 16 databases of strings and hashes with
// expiry times. No locking here: MiniRedis holds its data mutex around every
// use (commands on the loop thread, direct access from test threads).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace sentinelpool::testing::detail {

// Field -> value in insertion order: what HGETALL returns on a small Redis
// hash (listpack encoding), so replies compare byte for byte with Redis.
class FieldMap {
public:
    const std::string* find(std::string_view field) const;
    std::string* find(std::string_view field);
    bool set(std::string_view field, std::string_view value);  // true if new
    bool erase(std::string_view field);
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::ptrdiff_t indexOf(std::string_view field) const;
    void reindex();
    static constexpr std::size_t kIndexFrom = 32;  // linear search below this
    std::vector<std::pair<std::string, std::string>> items_;
    std::unordered_map<std::string, std::size_t> index_;  // built from kIndexFrom
};

enum class ValueType : std::uint8_t { String, Hash };

struct Value {
    ValueType type = ValueType::String;
    std::string str;
    FieldMap hash;
    std::int64_t expireAtMs = -1;  // -1: persistent
};

// Keys with an expiry are also indexed, so expiring them never walks the
// whole database. Change expiry and delete keys only through these methods.
struct Db {
    std::unordered_map<std::string, Value> keys;
    std::unordered_set<std::string> volatileKeys;

    Value* find(std::string_view key);
    // The value stored at key (new keys start as empty strings).
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
