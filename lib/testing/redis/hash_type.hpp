#pragma once
// The hash type: field -> value in insertion order, which is what HGETALL
// returns on a listpack-encoded Redis hash (on a hashtable-encoded one Redis
// has no defined order, and insertion order is as good as any).
//
// Encoding (OBJECT ENCODING): "listpack" until the hash has more than
// hash-max-listpack-entries fields or a field or value longer than
// hash-max-listpack-value bytes, then "hashtable" for good, as in Redis 7.0.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sentinelpool::testing::detail {

struct EncodingLimits;

class HashValue {
public:
    const std::string* find(std::string_view field) const;
    std::string* find(std::string_view field);
    bool set(std::string_view field, std::string_view value);  // true if new
    bool erase(std::string_view field);
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

    // Applies Redis's conversion rule after a write of `field`/`value`
    // (hashTypeTryConversion + the entries check).
    void updateEncoding(const EncodingLimits& limits, std::size_t fieldLen, std::size_t valueLen);
    void updateEncoding(const EncodingLimits& limits);  // checks every entry (COPY, RESTORE-like loads)
    bool listpack() const { return listpack_; }
    const char* encoding() const { return listpack_ ? "listpack" : "hashtable"; }

private:
    std::ptrdiff_t indexOf(std::string_view field) const;
    void reindex();
    static constexpr std::size_t kIndexFrom = 32;  // linear search below this
    std::vector<std::pair<std::string, std::string>> items_;
    std::unordered_map<std::string, std::size_t> index_;  // built from kIndexFrom
    bool listpack_ = true;
};

}  // namespace sentinelpool::testing::detail
