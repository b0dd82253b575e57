#include "miniredis_diff.hpp"

#include <cstdio>

namespace sentinelpool::test {

std::string redisServerBinary() {
    const char* env = std::getenv("SENTINELPOOL_REDIS_SERVER");
    return env && *env ? env : "/usr/bin/redis-server";
}

namespace {

RealServerOptions realOptions(const std::string& pass, const std::vector<std::string>& extra) {
    RealServerOptions o;
    o.binary = redisServerBinary();
    if (!pass.empty()) o.args = {"--requirepass", pass};
    o.args.insert(o.args.end(), extra.begin(), extra.end());
    return o;
}

sentinelpool::testing::MiniRedisOptions miniOptions(const std::string& pass) {
    sentinelpool::testing::MiniRedisOptions o;
    o.requirePass = pass;
    return o;
}

}  // namespace

MiniRedisDiffServers::MiniRedisDiffServers(const std::string& requirePass, const std::vector<std::string>& redisArgs)
    : redis(realOptions(requirePass, redisArgs)), mini(miniOptions(requirePass)) {}

int miniredisDiffMain(int argc, char** argv) {
    std::string binary = redisServerBinary();
    if (!binaryExists(binary)) {
        std::fprintf(stderr, "SKIP: %s not found (set SENTINELPOOL_REDIS_SERVER to use another)\n", binary.c_str());
        return 77;
    }
    doctest::Context ctx;
    ctx.applyCommandLine(argc, argv);
    return ctx.run();
}

}  // namespace sentinelpool::test
