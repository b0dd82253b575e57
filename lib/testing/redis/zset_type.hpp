#pragma once
// The sorted set type. Redis 7.0: "listpack" up to zset-max-listpack-entries
// members of at most zset-max-listpack-value bytes, "skiplist" beyond.
//
// A first, simple representation; the sorted sets work replaces it.

#include <map>
#include <string>

namespace sentinelpool::testing::detail {

class ZSetValue {
public:
    std::map<std::string, double> scores;

    std::size_t size() const { return scores.size(); }
    bool empty() const { return scores.empty(); }
    const char* encoding() const { return "listpack"; }
};

}  // namespace sentinelpool::testing::detail
