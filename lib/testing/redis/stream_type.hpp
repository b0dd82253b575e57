#pragma once
// The stream type (the streams work fills it in). OBJECT ENCODING: "stream".

#include <cstddef>

namespace sentinelpool::testing::detail {

class StreamValue {
public:
    std::size_t size() const { return 0; }
    bool empty() const { return true; }
    const char* encoding() const { return "stream"; }
};

}  // namespace sentinelpool::testing::detail
