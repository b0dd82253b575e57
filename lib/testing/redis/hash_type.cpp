#include "redis/hash_type.hpp"

#include "redis/encoding_limits.hpp"

namespace sentinelpool::testing::detail {

std::ptrdiff_t HashValue::indexOf(std::string_view field) const {
    if (items_.size() >= kIndexFrom) {
        auto it = index_.find(std::string(field));
        return it == index_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
    }
    for (std::size_t i = 0; i < items_.size(); ++i)
        if (items_[i].first == field) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

void HashValue::reindex() {
    index_.clear();
    if (items_.size() < kIndexFrom) return;
    index_.reserve(items_.size());
    for (std::size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].first, i);
}

const std::string* HashValue::find(std::string_view field) const {
    auto i = indexOf(field);
    return i < 0 ? nullptr : &items_[static_cast<std::size_t>(i)].second;
}

std::string* HashValue::find(std::string_view field) {
    auto i = indexOf(field);
    return i < 0 ? nullptr : &items_[static_cast<std::size_t>(i)].second;
}

bool HashValue::set(std::string_view field, std::string_view value) {
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

bool HashValue::erase(std::string_view field) {
    auto i = indexOf(field);
    if (i < 0) return false;
    items_.erase(items_.begin() + i);
    if (items_.size() + 1 >= kIndexFrom) reindex();
    return true;
}

void HashValue::updateEncoding(const EncodingLimits& limits, std::size_t fieldLen, std::size_t valueLen) {
    if (!listpack_) return;
    auto maxValue = static_cast<unsigned long long>(limits.hashMaxListpackValue);
    if (fieldLen > maxValue || valueLen > maxValue ||
        items_.size() > static_cast<unsigned long long>(limits.hashMaxListpackEntries))
        listpack_ = false;
}

void HashValue::updateEncoding(const EncodingLimits& limits) {
    for (auto& kv : items_) {
        updateEncoding(limits, kv.first.size(), kv.second.size());
        if (!listpack_) return;
    }
    updateEncoding(limits, 0, 0);
}

}  // namespace sentinelpool::testing::detail
