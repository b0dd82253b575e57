#pragma once
// The JSON pieces the tools print (one line per event): a string literal,
// escaped, and a list of strings.

#include <cstdio>
#include <string>
#include <vector>

namespace sentinelpool::tools {

inline std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

inline std::string jsonList(const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + jsonString(v[i]);
    return out + "]";
}

}  // namespace sentinelpool::tools
