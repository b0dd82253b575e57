// miniredis: one MiniRedis as a process, for test suites in any language.
//
//   miniredis [--port N] [--host H] [--requirepass P]
//
// Prints one JSON line once it accepts connections:
//   {"host":"127.0.0.1","port":41001,"addr":"127.0.0.1:41001","pid":1234}
// and serves until SIGINT or SIGTERM (exit 0), whatever its standard input
// is (a terminal, /dev/null, closed): `miniredis > ready.json &` works in a
// script. Exits 1 if it cannot listen, 2 on bad options.

#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli.hpp"
#include "json.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

int main(int argc, char** argv) {
    using namespace sentinelpool::tools;
    openStandardDescriptors();
    sentinelpool::testing::MiniRedisOptions opts;

    CLI::App app{"One MiniRedis (sentinelpool's embedded Redis) as a process. Prints one JSON line with its "
                 "address once it accepts connections, then serves until SIGINT or SIGTERM.",
                 "miniredis"};
    addVersionFlag(app, "miniredis");
    app.add_option("--port", opts.port, "TCP port; 0: the kernel picks a free one")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    app.add_option("--host", opts.host, "address to listen on")->capture_default_str();
    app.add_option("--requirepass", opts.requirePass, "password clients must AUTH with (default: none)");
    if (int rc = parseArgs(app, argc, argv); rc >= 0) return rc;

    sigset_t stop = blockStopSignals();
    try {
        sentinelpool::testing::MiniRedis redis(opts);
        printJsonLine(Json{{"host", redis.host()},
                           {"port", redis.port()},
                           {"addr", redis.addr()},
                           {"pid", static_cast<int>(::getpid())}});
        int sig = 0;
        sigwait(&stop, &sig);
        redis.close();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "miniredis: %s\n", e.what());
        return 1;
    }
    return 0;
}
