#include "redis/keyspace.hpp"

namespace sentinelpool::testing::detail {

Value* Db::find(std::string_view key) {
    auto it = keys.find(std::string(key));
    return it == keys.end() ? nullptr : &it->second;
}

Value& Db::slot(std::string_view key) { return keys[std::string(key)]; }

bool Db::erase(std::string_view key) {
    auto it = keys.find(std::string(key));
    if (it == keys.end()) return false;
    if (it->second.expireAtMs >= 0) volatileKeys.erase(it->first);
    keys.erase(it);
    return true;
}

void Db::setExpire(std::string_view key, Value& v, std::int64_t atMs) {
    if (atMs >= 0) {
        if (v.expireAtMs < 0) volatileKeys.emplace(key);
    } else if (v.expireAtMs >= 0) {
        volatileKeys.erase(std::string(key));
    }
    v.expireAtMs = atMs;
}

std::uint64_t scanHash(std::string_view s) {
    // FNV-1a, folded to 62 bits so that hash + 1 is never 0 and prints short.
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h >> 2;
}

}  // namespace sentinelpool::testing::detail
