// The real suite's helper: RealServer starts redis-server and redis-sentinel
// on free loopback ports, notices when they fail, retries a taken port, and
// never leaves a process or a temporary directory behind.
// Exits with 77 (skipped) when redis-server is missing.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "real_server.hpp"
#include "resp_client.hpp"

using sentinelpool::test::binaryExists;
using sentinelpool::test::RawClient;
using sentinelpool::test::RealServer;
using sentinelpool::test::RealServerOptions;

namespace {

std::string redisServerBinary() {
    const char* env = std::getenv("SENTINELPOOL_REDIS_SERVER");
    return env && *env ? env : "/usr/bin/redis-server";
}

std::string redisSentinelBinary() {
    const char* env = std::getenv("SENTINELPOOL_REDIS_SENTINEL");
    return env && *env ? env : "/usr/bin/redis-sentinel";
}

RealServerOptions realRedisOptions() {
    RealServerOptions o;
    o.binary = redisServerBinary();
    return o;
}

// True once `pid` is gone and reaped (no zombie either).
bool gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// Holds a listening socket on 127.0.0.1 (port 0: the kernel picks).
struct Listener {
    Listener() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 1) == 0);
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port = ntohs(a.sin_port);
    }
    ~Listener() { ::close(fd); }
    int fd = -1;
    int port = 0;
};

}  // namespace

TEST_CASE("RealServer starts redis-server on a free loopback port, and stop() reaps it") {
    pid_t pid;
    std::string dir;
    {
        RealServer r(realRedisOptions());
        pid = r.pid();
        dir = r.dir();
        CHECK(r.running());
        CHECK(r.port() > 0);
        CHECK(r.addr() == "127.0.0.1:" + std::to_string(r.port()));
        CHECK(exists(dir));
        CHECK(r.log().find("Ready to accept connections") != std::string::npos);
        RawClient c(r.port());
        CHECK(c.call({"PING"}) == "+PONG\r\n");
        CHECK(c.call({"CONFIG", "GET", "bind"}) == "*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n");
        CHECK(c.call({"CONFIG", "GET", "dir"}).find(dir) != std::string::npos);
        int status = r.stop();
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK_FALSE(r.running());
        CHECK(gone(pid));
        CHECK(r.stop() == status);  // idempotent
        CHECK(r.waitForLog("bye bye", std::chrono::milliseconds(0)));
    }
    CHECK_FALSE(exists(dir));
}

TEST_CASE("the destructor alone stops the server") {
    pid_t pid;
    {
        RealServer r(realRedisOptions());
        pid = r.pid();
    }
    CHECK(gone(pid));
}

TEST_CASE("extra arguments reach the server") {
    RealServerOptions o = realRedisOptions();
    o.args = {"--requirepass", "sekret"};
    RealServer r(o);
    RawClient c(r.port());
    CHECK(c.call({"PING"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(c.call({"AUTH", "sekret"}) == "+OK\r\n");
}

TEST_CASE("a taken port is given up for another free one") {
    Listener taken;
    RealServerOptions o = realRedisOptions();
    o.port = taken.port;
    RealServer r(o);
    CHECK(r.port() != taken.port);
    RawClient c(r.port());
    CHECK(c.call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("a server that exits before it is ready is an error that carries its log") {
    RealServerOptions o = realRedisOptions();
    o.args = {"--no-such-directive", "x"};
    std::string what;
    try {
        RealServer r(o);
    } catch (const std::runtime_error& e) {
        what = e.what();
    }
    CAPTURE(what);
    CHECK(what.find("exited before it was ready") != std::string::npos);
    CHECK(what.find("no-such-directive") != std::string::npos);
}

TEST_CASE("a server that never logs its ready line is killed at the deadline") {
    RealServerOptions o = realRedisOptions();
    o.readyLine = "a line redis-server never logs";
    o.readyTimeout = std::chrono::milliseconds(500);
    std::string what;
    try {
        RealServer r(o);
    } catch (const std::runtime_error& e) {
        what = e.what();
    }
    CAPTURE(what);
    CHECK(what.find("not ready after 500 ms") != std::string::npos);
    CHECK(what.find("Ready to accept connections") != std::string::npos);
}

TEST_CASE("a missing binary is an error") {
    RealServerOptions o;
    o.binary = "/nonexistent/redis-server";
    CHECK_THROWS_AS(RealServer{o}, std::runtime_error);
    CHECK_FALSE(binaryExists("/nonexistent/redis-server"));
    CHECK(binaryExists("sh"));
}

TEST_CASE("redis-sentinel runs from a config file written to its temporary directory") {
    if (!binaryExists(redisSentinelBinary())) {
        MESSAGE("redis-sentinel not installed: nothing to check");
        return;
    }
    RealServer master(realRedisOptions());
    RealServerOptions o;
    o.binary = redisSentinelBinary();
    o.configName = "sentinel.conf";
    o.configFile = "sentinel monitor mymaster 127.0.0.1 " + std::to_string(master.port()) + " 1\n";
    o.readyLine = "Sentinel ID is";
    RealServer sentinel(o);
    CHECK(sentinel.configPath() == sentinel.dir() + "/sentinel.conf");
    CHECK(sentinel.waitForLog("+monitor master mymaster"));
    RawClient c(sentinel.port());
    CHECK(c.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"}) ==
          "*2\r\n$9\r\n127.0.0.1\r\n$" + std::to_string(std::to_string(master.port()).size()) + "\r\n" +
              std::to_string(master.port()) + "\r\n");
    pid_t pid = sentinel.pid();
    sentinel.stop();
    CHECK(gone(pid));
}

int main(int argc, char** argv) {
    if (!binaryExists(redisServerBinary())) {
        std::fprintf(stderr, "SKIP: %s not found\n", redisServerBinary().c_str());
        return 77;
    }
    doctest::Context ctx;
    ctx.applyCommandLine(argc, argv);
    return ctx.run();
}
