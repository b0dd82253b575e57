#pragma once
// Starts a real Redis binary (redis-server, redis-sentinel) as a child
// process for the `real` test suite, on a free 127.0.0.1 port.
//
//     if (!binaryExists("/usr/bin/redis-server")) return 77;   // skip
//     RealServer redis;                                        // redis-server
//     RawClient c(redis.port());
//
//     RealServerOptions o;                                      // a Sentinel
//     o.binary = "/usr/bin/redis-sentinel";
//     o.configFile = "sentinel monitor mymaster 127.0.0.1 6379 2\n";
//     o.readyLine = "Sentinel ID is";
//     RealServer sentinel(o);
//
// How: a free port is found by binding 127.0.0.1:0 and closing the socket
// (redis cannot take port 0); the binary runs with
//     [config-path] --port P --bind 127.0.0.1 --save '' --appendonly no
//     --logfile '' --dir <tmpdir> <extra args>
// and its stdout (the log) piped to us. The constructor reads the log with
// poll and a deadline until the ready line shows up. If the port was taken
// in the meantime (the log says "Address already in use"), it starts again
// on another port, a few times. Every child runs in a fresh mkdtemp
// directory (its working directory and `dir`), where the config file, if
// any, is written.
//
// After start, a thread keeps reading the log (so the child never blocks on
// a full pipe) and keeps it for log() / waitForLog().
//
// The destructor (or stop()) sends SIGTERM, waits for the child with a
// deadline, then SIGKILLs it, and always reaps it; the child also gets
// SIGKILL if the thread that started it dies (PR_SET_PDEATHSIG), so a
// crashing test does not leave servers behind. No sleeps anywhere: waits are
// poll() on the pipe or on a pidfd.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace sentinelpool::test {

// True if `path` names an executable file; a bare name ("redis-server") is
// looked up in $PATH.
bool binaryExists(const std::string& path);
// The full path of a binary: `path` itself if it has a '/', else the first
// match in $PATH; empty when not found.
std::string findBinary(const std::string& path);

struct RealServerOptions {
    std::string binary = "/usr/bin/redis-server";
    // Added after the standard arguments (e.g. {"--requirepass", "pw"}).
    std::vector<std::string> args;
    // The log line that says the server is up.
    std::string readyLine = "Ready to accept connections";
    // Non-empty: written to <tmpdir>/<configName>, whose absolute path is
    // passed as the first argument (Sentinel needs a writable config file).
    std::string configFile;
    std::string configName = "redis.conf";
    // Pass --port --bind --save --appendonly --logfile --dir (false: only
    // the config path and `args`; then the caller picks the port itself,
    // and port() is 0).
    bool standardArgs = true;
    // 0: a free port found as above. Else this port is tried first (a
    // taken one falls back to free ones, like a race).
    int port = 0;
    int attempts = 5;  // starts tried when the port turns out to be taken
    std::chrono::milliseconds readyTimeout{10000};
    std::chrono::milliseconds stopTimeout{5000};  // SIGTERM -> SIGKILL
};

class RealServer {
public:
    RealServer() : RealServer(RealServerOptions{}) {}
    // Throws std::runtime_error (with the log) when the binary cannot be
    // started or does not get ready in time.
    explicit RealServer(RealServerOptions options);
    ~RealServer();
    RealServer(const RealServer&) = delete;
    RealServer& operator=(const RealServer&) = delete;

    int port() const { return port_; }
    std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
    pid_t pid() const { return pid_; }
    const std::string& dir() const { return dir_; }
    // Absolute path of the config file (empty if none was written).
    const std::string& configPath() const { return configPath_; }
    // Everything the child logged so far.
    std::string log() const;
    // Waits until the log contains `text` (anything logged since start
    // counts). False on timeout or when the child closed its log.
    bool waitForLog(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    bool running() const { return pid_ > 0; }
    // SIGTERM, wait, SIGKILL after stopTimeout; reaps the child and returns
    // its wait status. Idempotent (later calls return the first status).
    int stop();
    // SIGKILL now (a crash: no shutdown, no last words); reaps the child.
    int kill9();

    // A port that was free on 127.0.0.1 a moment ago.
    static int freePort();

private:
    enum class Start { Ready, PortTaken };
    Start startOnce(int port, std::string& why);
    void killAndReap(int sig);
    void startDrain();
    void stopDrain();

    RealServerOptions options_;
    std::string dir_;
    std::string configPath_;
    int port_ = 0;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    int logFd_ = -1;
    int wakeFd_[2] = {-1, -1};  // wakes the drain thread at stop
    int status_ = 0;

    mutable std::mutex mu_;
    mutable std::condition_variable logCv_;
    std::string log_;
    bool logClosed_ = false;
    std::thread drain_;
};

}  // namespace sentinelpool::test
