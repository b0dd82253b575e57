#include "real_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace sentinelpool::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

int msLeft(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

int openPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

// In the child between fork and exec: async-signal-safe calls only.
void closeFdsFrom(int first) {
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0) == 0) return;
#endif
    long max = ::sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = first; fd < max; ++fd) ::close(fd);
}

void removeTree(const std::string& dir) {
    if (dir.empty()) return;
    ::nftw(
        dir.c_str(),
        [](const char* path, const struct stat*, int type, struct FTW*) {
            return type == FTW_DP ? ::rmdir(path) : ::unlink(path);
        },
        16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace

std::string findBinary(const std::string& path) {
    if (path.empty()) return {};
    if (path.find('/') != std::string::npos) return ::access(path.c_str(), X_OK) == 0 ? path : std::string();
    const char* env = std::getenv("PATH");
    std::string dirs = env ? env : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    for (;;) {
        std::size_t colon = dirs.find(':', start);
        std::string d = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (d.empty()) d = ".";
        std::string candidate = d + "/" + path;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string::npos) return {};
        start = colon + 1;
    }
}

bool binaryExists(const std::string& path) { return !findBinary(path).empty(); }

int RealServer::freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(errnoText("socket"));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        std::string why = errnoText("bind 127.0.0.1:0");
        ::close(fd);
        throw std::runtime_error(why);
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

RealServer::RealServer(RealServerOptions options) : options_(std::move(options)) {
    std::string binary = findBinary(options_.binary);
    if (binary.empty()) throw std::runtime_error("no executable " + options_.binary);
    options_.binary = binary;
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/sentinelpool-real-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error(errnoText("mkdtemp"));
    dir_ = tmpl;
    try {
        if (!options_.configFile.empty()) {
            configPath_ = dir_ + "/" + options_.configName;
            std::ofstream f(configPath_, std::ios::binary);
            f << options_.configFile;
            f.close();
            if (!f) throw std::runtime_error("cannot write " + configPath_);
        }
        std::string why;
        for (int attempt = 0;; ++attempt) {
            int port = !options_.standardArgs ? 0 : attempt == 0 && options_.port ? options_.port : freePort();
            if (startOnce(port, why) == Start::Ready) break;
            if (attempt + 1 >= options_.attempts)
                throw std::runtime_error(options_.binary + ": port taken " + std::to_string(options_.attempts) +
                                         " times in a row; last log:\n" + why);
        }
        startDrain();
    } catch (...) {
        if (pid_ > 0) killAndReap(SIGKILL);
        if (logFd_ >= 0) ::close(logFd_);
        removeTree(dir_);
        throw;
    }
}

RealServer::~RealServer() {
    stop();
    removeTree(dir_);
}

RealServer::Start RealServer::startOnce(int port, std::string& why) {
    std::vector<std::string> args{options_.binary};
    if (!configPath_.empty()) args.push_back(configPath_);
    if (options_.standardArgs) {
        // --dir: nothing the server might write (dump.rdb on a full sync)
        // lands in the test's working directory.
        args.insert(args.end(), {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--logfile", "", "--dir", dir_});
    }
    args.insert(args.end(), options_.args.begin(), options_.args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe2"));
    pid_t parent = ::getpid();
    const char* dir = dir_.c_str();
    pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        errno = e;
        throw std::runtime_error(errnoText("fork"));
    }
    if (pid == 0) {
        // The child: only async-signal-safe calls until exec.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);  // the parent died already
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(fds[1], STDOUT_FILENO);
        ::dup2(fds[1], STDERR_FILENO);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        closeFdsFrom(3);
        if (::chdir(dir) != 0) ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    pid_ = pid;
    logFd_ = fds[0];
    pidfd_ = openPidfd(pid);
    port_ = port;

    auto deadline = Clock::now() + options_.readyTimeout;
    std::string log;
    for (;;) {
        pollfd p{logFd_, POLLIN, 0};
        int rc = ::poll(&p, 1, msLeft(deadline));
        if (rc < 0 && errno == EINTR) continue;
        if (rc == 0) {
            killAndReap(SIGKILL);
            throw std::runtime_error(options_.binary + " not ready after " +
                                     std::to_string(options_.readyTimeout.count()) + " ms; log:\n" + log);
        }
        char buf[4096];
        ssize_t n = ::read(logFd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) {
            log.append(buf, static_cast<std::size_t>(n));
            if (log.find(options_.readyLine) != std::string::npos) {
                std::lock_guard<std::mutex> lk(mu_);
                log_ = std::move(log);
                return Start::Ready;
            }
            continue;
        }
        // EOF: the child exited before it was ready.
        killAndReap(SIGKILL);
        ::close(logFd_);
        logFd_ = -1;
        why = log;
        if (log.find("Address already in use") != std::string::npos) return Start::PortTaken;
        throw std::runtime_error(options_.binary + " exited before it was ready (status " + std::to_string(status_) +
                                 "); log:\n" + log);
    }
}

// Sends sig, waits for the child up to stopTimeout (SIGKILL after that),
// and reaps it. Never returns with the child alive or unreaped.
void RealServer::killAndReap(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    bool exited = false;
    if (sig != SIGKILL) {
        auto deadline = Clock::now() + options_.stopTimeout;
        if (pidfd_ >= 0) {
            for (;;) {
                pollfd p{pidfd_, POLLIN, 0};
                int rc = ::poll(&p, 1, msLeft(deadline));
                if (rc < 0 && errno == EINTR) continue;
                exited = rc > 0;
                break;
            }
        } else {
            // No pidfd: the child's end of the log pipe closes when it exits.
            std::unique_lock<std::mutex> lk(mu_);
            exited = logCv_.wait_until(lk, deadline, [this] { return logClosed_; });
        }
    }
    if (!exited) ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = status;
    pid_ = -1;
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
}

void RealServer::startDrain() {
    if (::pipe2(wakeFd_, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe2"));
    drain_ = std::thread([this] {
        for (;;) {
            pollfd p[2] = {{logFd_, POLLIN, 0}, {wakeFd_[0], POLLIN, 0}};
            int rc = ::poll(p, 2, -1);
            if (rc < 0) {
                if (errno == EINTR) continue;
                break;
            }
            if (!p[0].revents) {
                if (p[1].revents) return;  // stop() wants the thread back, and the log is read
                continue;
            }
            char buf[4096];
            ssize_t n = ::read(logFd_, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            std::lock_guard<std::mutex> lk(mu_);
            log_.append(buf, static_cast<std::size_t>(n));
            logCv_.notify_all();
        }
        std::lock_guard<std::mutex> lk(mu_);
        logClosed_ = true;
        logCv_.notify_all();
    });
}

void RealServer::stopDrain() {
    if (drain_.joinable()) {
        char one = 1;
        while (::write(wakeFd_[1], &one, 1) < 0 && errno == EINTR) {
        }
        drain_.join();
    }
    for (int& fd : wakeFd_) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    if (logFd_ >= 0) ::close(logFd_);
    logFd_ = -1;
}

int RealServer::stop() {
    if (pid_ > 0) killAndReap(SIGTERM);
    stopDrain();
    return status_;
}

int RealServer::kill9() {
    if (pid_ > 0) killAndReap(SIGKILL);
    stopDrain();
    return status_;
}

std::string RealServer::log() const {
    std::lock_guard<std::mutex> lk(mu_);
    return log_;
}

bool RealServer::waitForLog(const std::string& text, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lk(mu_);
    logCv_.wait_for(lk, timeout, [&] { return logClosed_ || log_.find(text) != std::string::npos; });
    return log_.find(text) != std::string::npos;
}

}  // namespace sentinelpool::test
