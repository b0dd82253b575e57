#pragma once
// The JSON lines the tools print (nlohmann-json). Valid JSON for any bytes:
// quotes and control characters are escaped, everything outside ASCII is
// written as \u escapes, and bytes that are not UTF-8 become U+FFFD, so a
// reader never meets a line it cannot parse.

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace sentinelpool::tools {

// Keys print in the order they were added.
using Json = nlohmann::ordered_json;

inline std::string jsonLine(const Json& j) {
    return j.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
}

// One line on stdout, flushed: the reader may be waiting for it.
inline void printJsonLine(const Json& j) {
    std::string line = jsonLine(j) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

}  // namespace sentinelpool::tools
