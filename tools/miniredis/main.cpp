// miniredis: one MiniRedis as a process, for test suites in any language.
//   miniredis [--port N] [--host H] [--requirepass P]
// Prints one JSON line with its address once it accepts connections, and
// exits cleanly on SIGINT or SIGTERM.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../common/json.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

namespace {

using sentinelpool::tools::jsonString;

void usage(const char* argv0) {
    std::fprintf(stderr, "usage: %s [--port N] [--host 127.0.0.1] [--requirepass PASSWORD]\n", argv0);
}

}  // namespace

int main(int argc, char** argv) {
    sentinelpool::testing::MiniRedisOptions opts;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(argv[0]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--port") {
            char* end = nullptr;
            std::string v = value();
            long p = std::strtol(v.c_str(), &end, 10);
            if (*end || p < 0 || p > 65535) {
                std::fprintf(stderr, "invalid --port %s\n", v.c_str());
                return 2;
            }
            opts.port = static_cast<int>(p);
        } else if (a == "--host") {
            opts.host = value();
        } else if (a == "--requirepass") {
            opts.requirePass = value();
        } else if (a == "--help" || a == "-h") {
            usage(argv[0]);
            return 0;
        } else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            usage(argv[0]);
            return 2;
        }
    }

    // Block the signals before any thread starts, then wait for one here.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    try {
        sentinelpool::testing::MiniRedis redis(opts);
        std::printf("{\"host\":%s,\"port\":%d,\"addr\":%s,\"pid\":%d}\n", jsonString(redis.host()).c_str(),
                    redis.port(), jsonString(redis.addr()).c_str(), static_cast<int>(getpid()));
        std::fflush(stdout);
        int sig = 0;
        sigwait(&set, &sig);
        redis.close();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "miniredis: %s\n", e.what());
        return 1;
    }
    return 0;
}
