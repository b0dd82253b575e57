#pragma once
// The set type. Redis 7.0: "intset" (members sorted as integers) while every
// member is an integer and there are at most set-max-intset-entries of them,
// "hashtable" otherwise, for good.
//
// A first, simple representation; the sets work replaces it.

#include <string>
#include <unordered_set>

namespace sentinelpool::testing::detail {

class SetValue {
public:
    std::unordered_set<std::string> members;

    std::size_t size() const { return members.size(); }
    bool empty() const { return members.empty(); }
    const char* encoding() const { return "hashtable"; }
};

}  // namespace sentinelpool::testing::detail
