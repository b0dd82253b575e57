#pragma once
// For the Client's hermetic tests: Options pointing at a Cluster (its
// Sentinels and passwords), a node's Address, and this process's thread
// count (to check that a closed Client left no thread behind).

#include <fstream>
#include <string>

#include "sentinelpool/options.hpp"
#include "sentinelpool/testing/cluster.hpp"

namespace sentinelpool::test {

inline Options optionsFor(testing::Cluster& c) {
    Options o;
    for (auto& e : c.sentinelEndpoints()) o.sentinels.push_back(Address{e.first, e.second});
    o.sentinelAuth.password = c.options().sentinelPassword;
    o.nodeAuth.password = c.options().password;
    return o;
}

inline Address addressOf(const testing::MiniRedis& m) { return Address{m.host(), m.port()}; }

inline int threadCount() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return -1;
}

}  // namespace sentinelpool::test
