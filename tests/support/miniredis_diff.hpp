#pragma once
// A redis-server 7.0.15 and a MiniRedis side by side, for the differential
// scripts of the real suite (one test file per command group:
// tests/real/miniredis_vs_redis_*_test.cpp). Each file defines
// DOCTEST_CONFIG_IMPLEMENT and calls miniredisDiffMain from main(), which
// exits 77 (skipped) when the redis-server binary is missing.
//
//     TEST_CASE("lists: LPUSH ... give Redis's replies") {
//         MiniRedisDiffServers s;
//         MiniRedisDiff d(s);
//         d({"RPUSH", "l", "a", "b"});
//         d({"LRANGE", "l", "0", "-1"});
//         d({"SMEMBERS", "s"}, Mode::Unordered);  // where Redis defines no order
//     }

#include <cstdlib>
#include <string>

#include "real_server.hpp"
#include "resp_diff.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

namespace sentinelpool::test {

// /usr/bin/redis-server, or $SENTINELPOOL_REDIS_SERVER.
std::string redisServerBinary();

struct MiniRedisDiffServers {
    explicit MiniRedisDiffServers(const std::string& requirePass = "",
                                  const std::vector<std::string>& redisArgs = {});
    RealServer redis;
    sentinelpool::testing::MiniRedis mini;
};

// One connection to each server; every call goes to both and the replies
// are compared.
class MiniRedisDiff : public PairedClients {
public:
    explicit MiniRedisDiff(MiniRedisDiffServers& s) : PairedClients(s.redis.port(), s.mini.port(), "Redis", "MiniRedis") {}
    RawClient& redis() { return real(); }
    RawClient& mini() { return fake(); }
};

// doctest's main for a differential file: 77 when redis-server is missing.
int miniredisDiffMain(int argc, char** argv);

}  // namespace sentinelpool::test
