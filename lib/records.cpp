#include <algorithm>

#include "sentinelpool/sentinel.hpp"

namespace sentinelpool {

std::vector<std::string> splitFlags(const std::string& flags) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= flags.size() && !flags.empty()) {
        auto comma = flags.find(',', start);
        std::string f = flags.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!f.empty()) out.push_back(f);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

namespace {
bool has(const std::vector<std::string>& flags, const std::string& f) {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
}
}  // namespace

bool MasterRecord::hasFlag(const std::string& f) const { return has(flags, f); }
bool ReplicaRecord::hasFlag(const std::string& f) const { return has(flags, f); }
bool SentinelRecord::hasFlag(const std::string& f) const { return has(flags, f); }

bool ReplicaRecord::healthy() const {
    return !hasFlag("s_down") && !hasFlag("o_down") && !hasFlag("disconnected") && linkOk;
}

}  // namespace sentinelpool
