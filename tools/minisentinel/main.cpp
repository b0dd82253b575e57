// minisentinel: a whole Sentinel deployment (MiniRedis master and replicas,
// MiniSentinels) as one process, for test suites in any language.
//
//   minisentinel [--name mymaster] [--replicas 1] [--sentinels 3] [--quorum Q]
//                [--down-after-ms 250] [--failover-timeout-ms MS] [--parallel-syncs N]
//                [--requirepass P] [--sentinel-pass P] [--timing compressed|real]
//                [--check-period-ms MS] [--promotion-ms MS] ... [--control]
//
// (`minisentinel --help` lists every option.) Once ready it prints one JSON
// line:
//   {"name":"mymaster","master":"127.0.0.1:41001","replicas":["127.0.0.1:41002"],
//    "sentinels":["127.0.0.1:41003",...],"pid":1234}
// and runs until SIGINT or SIGTERM (exit 0), whatever its standard input is:
// `minisentinel --replicas 2 > ready.json &` works in a script.
//
// With --control it also reads commands on stdin, one per line, answering
// one JSON line each, and ends at the end of stdin:
//   failover        SENTINEL FAILOVER through the first Sentinel, wait, {"master":"ip:port"}
//   kill-master     the master dies (automatic failover follows), {"killed":"ip:port"}
//   wait-failover [FROM]  wait until the Sentinels agree on a master other than FROM
//                   (default: the one of the last failover/kill-master), {"master":"ip:port"}
//   wait-agreement  ...and every other node is its replica (old master converted)
//   restart ADDR    restart the node or Sentinel at ADDR (close, start), {"restarted":"ADDR"}
//   master          {"master":"ip:port"} as the Sentinels name it
// Errors answer {"error":"..."}. Exits 1 if the deployment cannot start, 2
// on bad options.

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "json.hpp"
#include "sentinelpool/testing/cluster.hpp"

using namespace sentinelpool::testing;
using sentinelpool::tools::Json;

namespace {

Json error(const std::string& what) { return Json{{"error", what}}; }

Json handle(Cluster& c, const std::string& line) {
    std::istringstream in(line);
    std::string cmd, arg;
    in >> cmd >> arg;
    try {
        if (cmd == "failover") return Json{{"master", c.failover().addr()}};
        if (cmd == "kill-master") {
            std::string addr = c.master().addr();
            c.killMaster();
            return Json{{"killed", addr}};
        }
        if (cmd == "wait-failover") {
            if (arg.empty()) return Json{{"master", c.waitForFailover().addr()}};
            for (std::size_t i = 0; i < c.nodeCount(); ++i)
                if (c.node(i).addr() == arg) return Json{{"master", c.waitForFailover(c.node(i)).addr()}};
            return error("no node at " + arg);
        }
        if (cmd == "wait-agreement") {
            MiniRedis& m = c.master();
            if (!c.waitForAgreement(m)) return error("no agreement in time");
            return Json{{"master", m.addr()}};
        }
        if (cmd == "master") return Json{{"master", c.master().addr()}};
        if (cmd == "restart") {
            for (std::size_t i = 0; i < c.nodeCount(); ++i)
                if (c.node(i).addr() == arg) {
                    c.restart(c.node(i));
                    return Json{{"restarted", arg}};
                }
            for (std::size_t i = 0; i < c.sentinelCount(); ++i)
                if (c.sentinel(i).addr() == arg) {
                    c.restart(c.sentinel(i));
                    return Json{{"restarted", arg}};
                }
            return error("no node or Sentinel at " + arg);
        }
        return error("unknown command '" + cmd + "'");
    } catch (const std::exception& e) {
        return error(e.what());
    }
}

// The control protocol: commands on stdin until its end, or a signal.
void controlLoop(Cluster& c, int signalFd) {
    std::string pending;
    for (;;) {
        pollfd fds[2] = {{signalFd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;     // EINTR
        if (fds[0].revents & POLLIN) return;       // SIGINT / SIGTERM
        if (fds[1].revents & POLLNVAL) return;     // stdin closed: no commands will come
        if (!(fds[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[4096];
        ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
        if (got <= 0) return;  // end of input: done
        pending.append(buf, static_cast<std::size_t>(got));
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) sentinelpool::tools::printJsonLine(handle(c, line));
        }
    }
}

// A millisecond knob: set on the command line, or left as the timing has it.
struct MsKnob {
    const char* flag;
    std::chrono::milliseconds SentinelTiming::*field;
    const char* help;
    long min;  // a check period of 0 would spin
    std::optional<long> value;
};

}  // namespace

int main(int argc, char** argv) {
    using namespace sentinelpool::tools;
    openStandardDescriptors();
    ClusterOptions opts;
    std::string timing = "compressed";
    long downAfterMs = opts.downAfter.count();
    std::optional<long> failoverTimeoutMs, parallelSyncs, rebootDownAfterMs;
    bool control = false;

    CLI::App app{"A whole Sentinel deployment (MiniRedis master and replicas, MiniSentinels) as one process. "
                 "Prints one JSON line with every address once ready, then runs until SIGINT or SIGTERM.",
                 "minisentinel"};
    addVersionFlag(app, "minisentinel");
    app.add_option("--name", opts.name, "master name the Sentinels monitor")
        ->check([](const std::string& s) { return s.empty() ? std::string("must not be empty") : std::string(); })
        ->capture_default_str();
    app.add_option("--replicas", opts.replicas, "replicas of the master")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    app.add_option("--sentinels", opts.sentinels, "Sentinels")->check(CLI::Range(1, 64))->capture_default_str();
    app.add_option("--quorum", opts.quorum, "Sentinels needed to agree the master is down; 0: a majority")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    app.add_option("--requirepass", opts.password, "password of the data nodes (the Sentinels get it as auth-pass)");
    app.add_option("--sentinel-pass", opts.sentinelPassword, "password of the Sentinels themselves");

    auto* knobs = app.add_option_group("Sentinel configuration", "as SENTINEL SET <name> <option> on every Sentinel");
    knobs->add_option("--down-after-ms,--down-after-milliseconds", downAfterMs, "down-after-milliseconds")
        ->check(CLI::Range(1L, 3600000L))
        ->capture_default_str();
    knobs->add_option("--failover-timeout-ms,--failover-timeout", failoverTimeoutMs,
                      "failover-timeout, in ms (Sentinel's default: 180000)")
        ->check(CLI::Range(1L, 86400000L));
    knobs->add_option("--parallel-syncs", parallelSyncs, "parallel-syncs (default: 1)")->check(CLI::Range(1L, 64L));
    knobs->add_option("--master-reboot-down-after-period-ms,--master-reboot-down-after-period", rebootDownAfterMs,
                      "master-reboot-down-after-period, in ms (default: 0)")
        ->check(CLI::Range(0L, 86400000L));

    MsKnob phases[] = {
        {"--check-period-ms", &SentinelTiming::checkPeriod, "each Sentinel's PING/INFO period", 1, {}},
        {"--promotion-ms", &SentinelTiming::promotion, "+selected-slave -> the replica accepts writes", 0, {}},
        {"--promotion-reported-ms", &SentinelTiming::promotionReported,
         "promotion effective -> +promoted-slave on the leader", 0, {}},
        {"--others-switch-ms", &SentinelTiming::othersSwitch, "+promoted-slave -> +switch-master on the others", 0, {}},
        {"--leader-switch-ms", &SentinelTiming::leaderSwitch, "+promoted-slave -> +switch-master on the leader", 0, {}},
        {"--convert-old-master-ms", &SentinelTiming::convertOldMaster,
         "a returning old master -> +convert-to-slave", 0, {}},
        {"--election-stagger-ms", &SentinelTiming::electionStagger, "election start gap between Sentinels", 0, {}},
    };
    auto* timings = app.add_option_group("Timing", "how long each phase of a failover takes");
    timings->add_option("--timing", timing, "compressed (milliseconds) or real (a Redis 7.0 Sentinel's pace)")
        ->check(CLI::IsMember({"compressed", "real"}))
        ->capture_default_str();
    for (auto& k : phases)
        timings->add_option(k.flag, k.value, std::string(k.help) + ", overrides --timing")
            ->check(CLI::Range(k.min, 3600000L));

    app.add_flag("--control", control,
                 "read commands on stdin (failover, kill-master, wait-failover [FROM], wait-agreement, "
                 "restart ADDR, master), answer one JSON line each, and exit at the end of stdin");
    if (int rc = parseArgs(app, argc, argv); rc >= 0) return rc;

    opts.downAfter = std::chrono::milliseconds(downAfterMs);
    if (timing == "real") opts.timing = SentinelTiming::real();
    for (auto& k : phases)
        if (k.value) opts.timing.*k.field = std::chrono::milliseconds(*k.value);
    std::map<std::string, std::string> settings;
    if (failoverTimeoutMs) settings["failover-timeout"] = std::to_string(*failoverTimeoutMs);
    if (parallelSyncs) settings["parallel-syncs"] = std::to_string(*parallelSyncs);
    if (rebootDownAfterMs) settings["master-reboot-down-after-period"] = std::to_string(*rebootDownAfterMs);

    // Signals arrive on a descriptor (polled with stdin under --control).
    sigset_t stop = blockStopSignals();
    int signalFd = ::signalfd(-1, &stop, SFD_CLOEXEC);
    if (signalFd < 0) {
        std::perror("minisentinel: signalfd");
        return 1;
    }

    try {
        Cluster c(opts);
        for (auto& [option, value] : settings)
            for (std::size_t i = 0; i < c.sentinelCount(); ++i) c.sentinel(i).set(c.name(), option, value);
        std::vector<std::string> replicas;
        for (auto* r : c.replicas()) replicas.push_back(r->addr());
        printJsonLine(Json{{"name", c.name()},
                           {"master", c.master().addr()},
                           {"replicas", replicas},
                           {"sentinels", c.sentinelAddrs()},
                           {"pid", static_cast<int>(::getpid())}});
        if (control) {
            controlLoop(c, signalFd);
        } else {
            int sig = 0;
            sigwait(&stop, &sig);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "minisentinel: %s\n", e.what());
        return 1;
    }
    return 0;
}
