// minisentinel: a whole Sentinel deployment (MiniRedis master and replicas,
// MiniSentinels) as one process, for test suites in any language.
//
//   minisentinel [--name mymaster] [--replicas 1] [--sentinels 3] [--quorum Q]
//                [--down-after-ms 250] [--requirepass P] [--sentinel-pass P]
//                [--timing compressed|real]
//
// Once ready it prints one JSON line:
//   {"name":"mymaster","master":"127.0.0.1:41001","replicas":["127.0.0.1:41002"],
//    "sentinels":["127.0.0.1:41003",...],"pid":1234}
// then reads commands on stdin, one per line, answering one JSON line each:
//   failover        SENTINEL FAILOVER through the first Sentinel, wait, {"master":"ip:port"}
//   kill-master     the master dies (automatic failover follows), {"killed":"ip:port"}
//   wait-failover [FROM]  wait until the Sentinels agree on a master other than FROM
//                   (default: the one of the last failover/kill-master), {"master":"ip:port"}
//   wait-agreement  ...and every other node is its replica (old master converted)
//   restart ADDR    restart the node or Sentinel at ADDR (close, start), {"restarted":"ADDR"}
//   master          {"master":"ip:port"} as the Sentinels name it
// Errors answer {"error":"..."}. It exits 0 on SIGINT, SIGTERM or end of
// stdin, 1 if the deployment cannot start, 2 on bad options.

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "../common/json.hpp"
#include "sentinelpool/testing/cluster.hpp"

using namespace sentinelpool::testing;

namespace {

void usage(const char* argv0) {
    std::fprintf(stderr,
                 "usage: %s [--name NAME] [--replicas N] [--sentinels N] [--quorum Q] [--down-after-ms MS]\n"
                 "          [--requirepass PASS] [--sentinel-pass PASS] [--timing compressed|real]\n",
                 argv0);
}

using sentinelpool::tools::jsonList;
std::string json(const std::string& s) { return sentinelpool::tools::jsonString(s); }

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

bool parseInt(const std::string& s, long lo, long hi, int& out) {
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end || v < lo || v > hi) return false;
    out = static_cast<int>(v);
    return true;
}

std::string handle(Cluster& c, const std::string& line) {
    std::istringstream in(line);
    std::string cmd, arg;
    in >> cmd >> arg;
    try {
        if (cmd == "failover") return "{\"master\":" + json(c.failover().addr()) + "}";
        if (cmd == "kill-master") {
            std::string addr = c.master().addr();
            c.killMaster();
            return "{\"killed\":" + json(addr) + "}";
        }
        if (cmd == "wait-failover") {
            if (arg.empty()) return "{\"master\":" + json(c.waitForFailover().addr()) + "}";
            for (std::size_t i = 0; i < c.nodeCount(); ++i)
                if (c.node(i).addr() == arg) return "{\"master\":" + json(c.waitForFailover(c.node(i)).addr()) + "}";
            return "{\"error\":" + json("no node at " + arg) + "}";
        }
        if (cmd == "wait-agreement") {
            MiniRedis& m = c.master();
            if (!c.waitForAgreement(m)) return "{\"error\":\"no agreement in time\"}";
            return "{\"master\":" + json(m.addr()) + "}";
        }
        if (cmd == "master") return "{\"master\":" + json(c.master().addr()) + "}";
        if (cmd == "restart") {
            for (std::size_t i = 0; i < c.nodeCount(); ++i)
                if (c.node(i).addr() == arg) {
                    c.restart(c.node(i));
                    return "{\"restarted\":" + json(arg) + "}";
                }
            for (std::size_t i = 0; i < c.sentinelCount(); ++i)
                if (c.sentinel(i).addr() == arg) {
                    c.restart(c.sentinel(i));
                    return "{\"restarted\":" + json(arg) + "}";
                }
            return "{\"error\":" + json("no node or Sentinel at " + arg) + "}";
        }
        return "{\"error\":" + json("unknown command '" + cmd + "'") + "}";
    } catch (const std::exception& e) {
        return "{\"error\":" + json(e.what()) + "}";
    }
}

}  // namespace

int main(int argc, char** argv) {
    ClusterOptions opts;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            usage(argv[0]);
            return 0;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "missing value for %s\n", a.c_str());
            usage(argv[0]);
            return 2;
        }
        std::string v = argv[++i];
        int n = 0;
        bool ok = true;
        if (a == "--name")
            opts.name = v;
        else if (a == "--replicas")
            ok = parseInt(v, 0, 64, opts.replicas);
        else if (a == "--sentinels")
            ok = parseInt(v, 1, 64, opts.sentinels);
        else if (a == "--quorum")
            ok = parseInt(v, 1, 64, opts.quorum);
        else if (a == "--down-after-ms") {
            ok = parseInt(v, 1, 3600000, n);
            opts.downAfter = std::chrono::milliseconds(n);
        } else if (a == "--requirepass")
            opts.password = v;
        else if (a == "--sentinel-pass")
            opts.sentinelPassword = v;
        else if (a == "--timing") {
            if (v == "real")
                opts.timing = SentinelTiming::real();
            else if (v != "compressed")
                ok = false;
        } else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            usage(argv[0]);
            return 2;
        }
        if (!ok || opts.name.empty()) {
            std::fprintf(stderr, "invalid value for %s: %s\n", a.c_str(), v.c_str());
            return 2;
        }
    }

    // Signals arrive on a descriptor, polled with stdin.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);

    try {
        Cluster c(opts);
        std::vector<std::string> replicas;
        for (auto* r : c.replicas()) replicas.push_back(r->addr());
        say("{\"name\":" + json(c.name()) + ",\"master\":" + json(c.master().addr()) +
            ",\"replicas\":" + jsonList(replicas) + ",\"sentinels\":" + jsonList(c.sentinelAddrs()) +
            ",\"pid\":" + std::to_string(getpid()) + "}");
        std::string pending;
        bool stdinOpen = true;
        for (;;) {
            pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
            int n = ::poll(fds, stdinOpen ? 2 : 1, -1);
            if (n < 0) continue;
            if (fds[0].revents & POLLIN) break;  // SIGINT / SIGTERM
            if (stdinOpen && (fds[1].revents & (POLLIN | POLLHUP))) {
                char buf[4096];
                ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
                if (got <= 0) break;  // end of input: done
                pending.append(buf, static_cast<std::size_t>(got));
                std::size_t nl;
                while ((nl = pending.find('\n')) != std::string::npos) {
                    std::string line = pending.substr(0, nl);
                    pending.erase(0, nl + 1);
                    if (!line.empty() && line.back() == '\r') line.pop_back();
                    if (!line.empty()) say(handle(c, line));
                }
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "minisentinel: %s\n", e.what());
        return 1;
    }
    return 0;
}
