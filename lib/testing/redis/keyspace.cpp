#include "redis/keyspace.hpp"

namespace sentinelpool::testing::detail {

std::ptrdiff_t FieldMap::indexOf(std::string_view field) const {
    if (items_.size() >= kIndexFrom) {
        auto it = index_.find(std::string(field));
        return it == index_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
    }
    for (std::size_t i = 0; i < items_.size(); ++i)
        if (items_[i].first == field) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

void FieldMap::reindex() {
    index_.clear();
    if (items_.size() < kIndexFrom) return;
    index_.reserve(items_.size());
    for (std::size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].first, i);
}

const std::string* FieldMap::find(std::string_view field) const {
    auto i = indexOf(field);
    return i < 0 ? nullptr : &items_[static_cast<std::size_t>(i)].second;
}

std::string* FieldMap::find(std::string_view field) {
    auto i = indexOf(field);
    return i < 0 ? nullptr : &items_[static_cast<std::size_t>(i)].second;
}

bool FieldMap::set(std::string_view field, std::string_view value) {
    auto i = indexOf(field);
    if (i >= 0) {
        items_[static_cast<std::size_t>(i)].second.assign(value);
        return false;
    }
    items_.emplace_back(std::string(field), std::string(value));
    if (items_.size() == kIndexFrom)
        reindex();
    else if (items_.size() > kIndexFrom)
        index_.emplace(items_.back().first, items_.size() - 1);
    return true;
}

bool FieldMap::erase(std::string_view field) {
    auto i = indexOf(field);
    if (i < 0) return false;
    items_.erase(items_.begin() + i);
    if (items_.size() + 1 >= kIndexFrom) reindex();
    return true;
}

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
