#pragma once
// The list type. Redis 7.0 encodes every list as a "quicklist" (listpack
// nodes of list-max-listpack-size), so OBJECT ENCODING always answers that.
//
// A first, simple representation; the lists work replaces it with a compact
// one (see docs/design.md).

#include <deque>
#include <string>

namespace sentinelpool::testing::detail {

class ListValue {
public:
    std::deque<std::string> items;

    std::size_t size() const { return items.size(); }
    bool empty() const { return items.empty(); }
    const char* encoding() const { return "quicklist"; }
};

}  // namespace sentinelpool::testing::detail
