// Following a failover, against a real deployment started here
// (redis-server 7.0.15: a master and 2 replicas; 3 redis-sentinel, quorum 2,
// down-after-milliseconds 1000; free 127.0.0.1 ports). Exits 77 when the
// binaries are missing.
//
// Two scenarios, RUNS runs each, a fresh deployment per run:
//   kill    SIGKILL of the master
//   manual  SENTINEL FAILOVER mymaster (sent to Sentinel 0 by the benchmark)
// In each run three clients write side by side, one writer thread each,
// SET <prefix><i> 1 in a loop, remembering every acknowledged key, when and
// from which node:
//   sentinelpool   sentinelpool::Client, default options (fence on), one
//                  client.master() lease per write
//   switch-waiter  hiredis; resolves once (GET-MASTER-ADDR-BY-NAME), subscribes
//                  to +switch-master on every Sentinel (its own thread) and
//                  moves only on +switch-master; a failed write retries the
//                  same address (as Jedis, go-redis)
//   errors-only    hiredis; re-resolves (GET-MASTER-ADDR-BY-NAME, Sentinels in
//                  order) only after a failed write or connection, no ROLE
//                  check (as redis-py, redis-plus-plus)
// After a failed write each writer sleeps 1 ms (all three alike), so a dead
// master does not turn its loop into a spin on the shared core.
//
// T0: a probe thread SETs a probe key on each replica every ~1 ms (they
// answer -READONLY until promoted); the first OK is T0, when the new master
// started accepting writes. Per client: its first acknowledged write on the
// new master minus T0 (ms, signed); acknowledged writes missing from the
// final master once the Sentinels agree on it (and, after a manual
// failover, once the old master reports role slave with its link up, i.e.
// resynced); for sentinelpool, Client::stats().sentinelQueries from the
// failover start to its first write on the new master, and in the whole run
// (the errors-only client's own query count is shown too).
//
//   taskset -c 0 build-rel/tests/bench-failover [runs]
// (children inherit the affinity: the servers run on the same core.)

#include <hiredis.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "poll.hpp"
#include "real_deployment.hpp"
#include "resp_client.hpp"
#include "sentinelpool/sentinelpool.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using sentinelpool::test::Ack;
using sentinelpool::test::Hiredis;
using sentinelpool::test::missingOn;
using sentinelpool::test::pollUntil;
using sentinelpool::test::RealDeployment;
using sentinelpool::test::RealDeploymentOptions;
using sentinelpool::test::ReplyPtr;
using sentinelpool::test::Writers;

namespace {

const char* const kName = "mymaster";
constexpr auto kRunDeadline = 20s;  // from the failover start to the end of a run
constexpr auto kPauseAfterError = 1ms;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A synchronous hiredis connection that reconnects on demand.
class SyncConn {
public:
    ~SyncConn() { close(); }
    bool connected() const { return c_ != nullptr; }
    int port() const { return port_; }
    bool connect(int port, std::chrono::milliseconds timeout = 1000ms) {
        close();
        timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
        c_ = redisConnectWithTimeout("127.0.0.1", port, tv);
        if (!c_ || c_->err) {
            close();
            return false;
        }
        timeval cmd{1, 0};  // command timeout 1 s, as the Client's default
        redisSetTimeout(c_, cmd);
        port_ = port;
        return true;
    }
    // nullptr (and closed) on an I/O error.
    ReplyPtr cmd(const std::vector<std::string>& argv) {
        if (!c_) return nullptr;
        std::vector<const char*> a;
        std::vector<std::size_t> l;
        for (auto& s : argv) {
            a.push_back(s.c_str());
            l.push_back(s.size());
        }
        void* r = redisCommandArgv(c_, static_cast<int>(a.size()), a.data(), l.data());
        if (!r) {
            close();
            return nullptr;
        }
        return ReplyPtr(static_cast<redisReply*>(r));
    }
    redisContext* ctx() { return c_; }
    void close() {
        if (c_) redisFree(c_);
        c_ = nullptr;
        port_ = 0;
    }

private:
    redisContext* c_ = nullptr;
    int port_ = 0;
};

bool isOk(const ReplyPtr& r) { return r && r->type == REDIS_REPLY_STATUS && std::string(r->str, r->len) == "OK"; }

// GET-MASTER-ADDR-BY-NAME on one Sentinel: the master's port, 0 on failure.
int askMaster(SyncConn& s, int sentinelPort, std::atomic<std::uint64_t>& queries) {
    if (!s.connected() && !s.connect(sentinelPort, 250ms)) return 0;
    ++queries;
    auto r = s.cmd({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kName});
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return 0;
    return std::atoi(r->element[1]->str);
}

// Jedis / go-redis style: resolve once, move on +switch-master only.
class SwitchWaiter {
public:
    explicit SwitchWaiter(const std::vector<int>& sentinels) {
        for (std::size_t i = 0; i < sentinels.size(); ++i) {
            SyncConn s;
            int p = askMaster(s, sentinels[i], queries_);
            if (p) {
                target_ = p;
                break;
            }
        }
        if (!target_) throw std::runtime_error("switch-waiter: no Sentinel answered");
        for (int port : sentinels) {
            auto c = std::make_unique<SyncConn>();
            if (!c->connect(port)) throw std::runtime_error("switch-waiter: cannot connect to a Sentinel");
            auto r = c->cmd({"SUBSCRIBE", "+switch-master"});
            if (!r || r->type != REDIS_REPLY_ARRAY) throw std::runtime_error("switch-waiter: SUBSCRIBE failed");
            subs_.push_back(std::move(c));
        }
        thread_ = std::thread([this] { listen(); });
    }
    ~SwitchWaiter() {
        stop_ = true;
        thread_.join();
    }
    // One writer thread: the connection is its own.
    int write(const std::string& key) {
        int want = target_.load();
        if (conn_.port() != want && !conn_.connect(want)) return 0;
        auto r = conn_.cmd({"SET", key, "1"});
        if (isOk(r)) return want;
        conn_.close();  // retried on the same address
        return 0;
    }
    std::uint64_t queries() const { return queries_.load(); }

private:
    void listen() {
        std::vector<pollfd> fds;
        for (auto& s : subs_) fds.push_back(pollfd{s->ctx()->fd, POLLIN, 0});
        while (!stop_) {
            if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                redisContext* c = subs_[i]->ctx();
                if (redisBufferRead(c) != REDIS_OK) {
                    fds[i].fd = -1;  // a Sentinel gone: the others still tell
                    continue;
                }
                void* raw = nullptr;
                while (redisGetReplyFromReader(c, &raw) == REDIS_OK && raw) {
                    ReplyPtr r(static_cast<redisReply*>(raw));
                    raw = nullptr;
                    // ["message", "+switch-master", "mymaster oldip oldport newip newport"]
                    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
                        r->element[0]->type != REDIS_REPLY_STRING || r->element[2]->type != REDIS_REPLY_STRING ||
                        std::string(r->element[0]->str, r->element[0]->len) != "message")
                        continue;
                    std::string payload(r->element[2]->str, r->element[2]->len);
                    char name[64], oldIp[64], newIp[64];
                    int oldPort = 0, newPort = 0;
                    if (std::sscanf(payload.c_str(), "%63s %63s %d %63s %d", name, oldIp, &oldPort, newIp, &newPort) == 5 &&
                        std::string(name) == kName)
                        target_ = newPort;
                }
            }
        }
    }
    std::atomic<int> target_{0};
    std::atomic<std::uint64_t> queries_{0};
    std::vector<std::unique_ptr<SyncConn>> subs_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    SyncConn conn_;
};

// redis-py / redis-plus-plus style: re-resolve after an error only.
class ErrorsOnly {
public:
    explicit ErrorsOnly(std::vector<int> sentinels) : sentinels_(std::move(sentinels)), links_(sentinels_.size()) {}
    int write(const std::string& key) {
        if (!conn_.connected()) {
            int port = resolve();
            if (!port || !conn_.connect(port)) return 0;
        }
        auto r = conn_.cmd({"SET", key, "1"});
        if (isOk(r)) return conn_.port();
        conn_.close();  // re-resolved before the next write
        return 0;
    }
    std::uint64_t queries() const { return queries_.load(); }

private:
    int resolve() {
        for (std::size_t i = 0; i < sentinels_.size(); ++i) {
            int p = askMaster(links_[i], sentinels_[i], queries_);
            if (p) return p;
        }
        return 0;
    }
    std::vector<int> sentinels_;
    std::vector<SyncConn> links_;
    std::atomic<std::uint64_t> queries_{0};
    SyncConn conn_;
};

// The first replica to accept a write, and when.
class Probe {
public:
    explicit Probe(std::vector<int> replicas) : replicas_(std::move(replicas)) {
        thread_ = std::thread([this] { run(); });
    }
    ~Probe() {
        stop_ = true;
        thread_.join();
    }
    bool found() const { return port_.load() != 0; }
    int port() const { return port_.load(); }
    Clock::time_point at() const {
        std::lock_guard<std::mutex> lk(mu_);
        return at_;
    }

private:
    void run() {
        std::vector<SyncConn> conns(replicas_.size());
        while (!stop_ && !port_) {
            for (std::size_t i = 0; i < replicas_.size(); ++i) {
                if (!conns[i].connected() && !conns[i].connect(replicas_[i], 100ms)) continue;
                auto r = conns[i].cmd({"SET", "__probe__", "1"});
                if (isOk(r)) {
                    std::lock_guard<std::mutex> lk(mu_);
                    at_ = Clock::now();
                    port_ = replicas_[i];
                    break;
                }
            }
            if (!port_) std::this_thread::sleep_for(1ms);
        }
    }
    std::vector<int> replicas_;
    std::atomic<bool> stop_{false};
    std::atomic<int> port_{0};
    mutable std::mutex mu_;
    Clock::time_point at_;
    std::thread thread_;
};

// One client's result in one run.
struct ClientResult {
    std::optional<double> firstWriteMs;  // first ack on the new master - T0
    std::size_t acked = 0;
    std::size_t lost = 0;
    std::uint64_t errors = 0;
    std::optional<double> queriesToFirst;  // sentinelpool only
    double queriesRun = 0;                 // sentinelpool; errors-only: its own
};

struct RunResult {
    bool ok = false;
    double t0Ms = 0;  // T0 after the failover start
    bool converged = false;
    std::map<std::string, ClientResult> clients;
};

const std::vector<std::string> kClients = {"sentinelpool", "switch-waiter", "errors-only"};

std::optional<Clock::time_point> firstOn(const std::vector<Ack>& acks, int port, Clock::time_point after) {
    for (auto& a : acks)
        if (a.port == port && a.at >= after) return a.at;
    return std::nullopt;
}

RunResult runOnce(bool manual, int run) {
    RunResult res;
    RealDeploymentOptions dopts;  // 1 master, 2 replicas, 3 Sentinels, quorum 2, down-after 1000
    RealDeployment d(dopts);
    const int oldMaster = d.master().port();
    std::vector<int> sentinels = d.sentinelPorts();

    sentinelpool::Options o;
    for (int p : sentinels) o.sentinels.push_back(sentinelpool::Address{"127.0.0.1", p});
    // Every switch the Client makes, to print when there is more than one.
    std::mutex switchMu;
    std::vector<std::string> switchLog;
    o.callbacks.onMasterSwitch = [&](const sentinelpool::MasterSwitch& s) {
        std::lock_guard<std::mutex> lk(switchMu);
        switchLog.push_back(s.from.toString() + " -> " + s.to.toString() + " (" +
                            sentinelpool::detectorName(s.detector) + ", epoch " + std::to_string(s.configEpoch) + ")");
    };
    sentinelpool::Client client(o);
    client.masterAddress(kName);
    if (!pollUntil([&] {
            for (auto& s : client.stats().sentinels)
                if (!s.subscribed) return false;
            return true;
        }))
        throw std::runtime_error("sentinelpool: subscriptions not up");
    SwitchWaiter waiter(sentinels);
    ErrorsOnly naive(sentinels);

    // sentinelpool's Sentinel queries at its first write off the old master.
    std::atomic<bool> spMoved{false};
    std::atomic<std::uint64_t> spQueriesAtMove{0};
    std::atomic<std::uint64_t> spResolutionsAtMove{0};
    std::vector<Writers::WriteFn> sp{[&](const std::string& key) {
        auto lease = client.master(kName);
        int port = lease->command({"SET", key, "1"}).str() == "OK" ? lease->address().port : 0;
        if (port && port != oldMaster && !spMoved.exchange(true)) {
            auto st = client.stats();
            spQueriesAtMove = st.sentinelQueries;
            spResolutionsAtMove = st.resolutions;
        }
        return port;
    }};
    std::vector<Writers::WriteFn> sw{[&](const std::string& key) { return waiter.write(key); }};
    std::atomic<bool> eoMoved{false};
    std::atomic<std::uint64_t> eoQueriesAtMove{0};
    std::vector<Writers::WriteFn> eo{[&](const std::string& key) {
        int port = naive.write(key);
        if (port && port != oldMaster && !eoMoved.exchange(true)) eoQueriesAtMove = naive.queries();
        return port;
    }};
    std::map<std::string, std::unique_ptr<Writers>> writers;
    writers["sentinelpool"] = std::make_unique<Writers>("sp:", sp, kPauseAfterError);
    writers["switch-waiter"] = std::make_unique<Writers>("sw:", sw, kPauseAfterError);
    writers["errors-only"] = std::make_unique<Writers>("eo:", eo, kPauseAfterError);
    if (!pollUntil([&] {
            for (auto& w : writers)
                if (w.second->count() < 200) return false;
            return true;
        }))
        throw std::runtime_error("writers did not start");

    Probe probe({d.node(1).port(), d.node(2).port()});
    std::uint64_t eoQueries0 = naive.queries();
    std::uint64_t spQueries0 = client.stats().sentinelQueries;
    std::uint64_t spResolutions0 = client.stats().resolutions;
    const auto start = Clock::now();
    const auto deadline = start + kRunDeadline;
    if (manual) {
        Hiredis h(d.sentinel(0).port());
        auto r = h.cmd({"SENTINEL", "FAILOVER", kName});
        if (!isOk(r)) throw std::runtime_error("SENTINEL FAILOVER refused: " + sentinelpool::test::str(r.get()));
    } else {
        d.master().kill9();
    }
    auto left = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()); };
    if (!pollUntil([&] { return probe.found(); }, left())) {
        std::printf("run %d %s: no replica accepted writes within %lld s\n", run, manual ? "manual" : "kill",
                    static_cast<long long>(kRunDeadline.count()));
        return res;
    }
    const int newMaster = probe.port();
    const auto t0 = probe.at();
    res.t0Ms = ms(t0 - start);
    // Every client on the new master (or the deadline).
    pollUntil(
        [&] {
            for (auto& w : writers) {
                auto acks = w.second->acked();
                if (!firstOn(acks, newMaster, start)) return false;
            }
            return true;
        },
        std::max(left(), 0ms));
    // The final state: the Sentinels agree on the new master; after a
    // manual failover, the old master is its replica, resynced.
    auto agreed = d.waitForAgreement(std::max(left(), 0ms));
    res.converged = agreed && *agreed == newMaster;
    if (res.converged && manual)
        res.converged = sentinelpool::test::waitForReplicaLinked(oldMaster, newMaster, std::max(left(), 0ms));
    // The errors-only client moves only once the old master refuses writes
    // (manual): give every client its chance until the deadline.
    pollUntil(
        [&] {
            for (auto& w : writers)
                if (!firstOn(w.second->acked(), newMaster, start)) return false;
            return true;
        },
        std::max(left(), 0ms));
    for (auto& w : writers) w.second->join();
    sentinelpool::Stats spEnd = client.stats();
    std::uint64_t spQueriesEnd = spEnd.sentinelQueries;
    // Not converged by the deadline: wait longer (outside the figures) for
    // the node the Sentinels end up agreeing on, and check the writes there:
    // a second failover would otherwise count every write made after it as
    // lost from the first promoted node.
    int checkOn = newMaster;
    std::string late;
    if (!res.converged) {
        auto later = d.waitForAgreement(30s);
        if (later) checkOn = *later;
        late = later ? "; the Sentinels agreed on :" + std::to_string(*later) + " later, writes checked there"
                     : "; no agreement 30 s later either, writes checked on the first promoted node";
    }

    for (auto& name : kClients) {
        Writers& w = *writers[name];
        ClientResult c;
        auto acks = w.acked();
        c.acked = acks.size();
        c.errors = w.errors();
        if (auto f = firstOn(acks, newMaster, start)) c.firstWriteMs = ms(*f - t0);
        c.lost = missingOn(checkOn, w.ackedKeys());
        if (name == "sentinelpool") {
            if (spMoved) c.queriesToFirst = static_cast<double>(spQueriesAtMove.load() - spQueries0);
            c.queriesRun = static_cast<double>(spQueriesEnd);
        } else if (name == "errors-only") {
            if (eoMoved) c.queriesToFirst = static_cast<double>(eoQueriesAtMove.load() - eoQueries0);
            c.queriesRun = static_cast<double>(naive.queries());
        }
        res.clients[name] = c;
    }
    res.ok = true;

    std::printf("run %d %s: T0 = %.1f ms after the %s (new master :%d), final state %s\n", run,
                manual ? "manual" : "kill", res.t0Ms, manual ? "SENTINEL FAILOVER" : "SIGKILL", newMaster,
                res.converged ? "reached" : ("NOT reached by the deadline" + late).c_str());
    {
        std::lock_guard<std::mutex> lk(switchMu);
        if (switchLog.size() != 2)  // the first resolution, then one switch
            for (auto& s : switchLog) std::printf("  sentinelpool switch: %s\n", s.c_str());
    }
    for (auto& name : kClients) {
        auto& c = res.clients[name];
        std::printf("  %-14s first write on the new master: ", name.c_str());
        if (c.firstWriteMs)
            std::printf("T0 %+9.1f ms", *c.firstWriteMs);
        else
            std::printf("%-16s", "none");
        std::printf(" | acked %7zu, lost %6zu, errors %6llu", c.acked, c.lost, static_cast<unsigned long long>(c.errors));
        if (name == "sentinelpool")
            std::printf(" | Sentinel queries: failover start -> first write %s, whole run %.0f",
                        c.queriesToFirst ? std::to_string(static_cast<long long>(*c.queriesToFirst)).c_str() : "-",
                        c.queriesRun);
        if (name == "sentinelpool")
            std::printf(" (resolutions: to first write %lld, whole run %llu; switches %llu, fence waits %llu)",
                        spMoved ? static_cast<long long>(spResolutionsAtMove.load() - spResolutions0) : -1LL,
                        static_cast<unsigned long long>(spEnd.resolutions),
                        static_cast<unsigned long long>(spEnd.switches),
                        static_cast<unsigned long long>(spEnd.fenceWaits));
        if (name == "errors-only")
            std::printf(" | GET-MASTER-ADDR-BY-NAME: failover start -> first write %s, whole run %.0f",
                        c.queriesToFirst ? std::to_string(static_cast<long long>(*c.queriesToFirst)).c_str() : "-",
                        c.queriesRun);
        std::printf("\n");
    }
    std::fflush(stdout);
    return res;
}

struct Summary {
    std::vector<double> v;
    std::size_t missing = 0;
    void add(std::optional<double> x) {
        if (x)
            v.push_back(*x);
        else
            ++missing;
    }
    std::string str(const char* fmt) const {
        if (v.empty()) return "n/a";
        auto s = v;
        std::sort(s.begin(), s.end());
        char buf[128];
        std::string f = std::string(fmt) + " / " + fmt + " / " + fmt;
        std::snprintf(buf, sizeof buf, f.c_str(), s.front(), s[s.size() / 2], s.back());
        std::string out = buf;
        if (missing) out += " (" + std::to_string(missing) + " run(s) without)";
        return out;
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::string missing;
    if (!sentinelpool::test::realBinariesPresent(&missing)) {
        std::fprintf(stderr, "SKIP: %s not found\n", missing.c_str());
        return 77;
    }
    int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    if (runs < 1) runs = 5;
    // A second argument, "kill" or "manual", runs that scenario only.
    std::string only = argc > 2 ? argv[2] : "";
    if (!only.empty() && only != "kill" && only != "manual") {
        std::fprintf(stderr, "usage: %s [runs] [kill|manual]\n", argv[0]);
        return 2;
    }
    std::map<std::string, std::vector<RunResult>> all;
    auto began = Clock::now();
    // Interleaved: kill, manual, kill, manual...
    for (int i = 1; i <= runs; ++i)
        for (bool manual : {false, true}) {
            if (!only.empty() && manual != (only == "manual")) continue;
            try {
                all[manual ? "manual" : "kill"].push_back(runOnce(manual, i));
            } catch (const std::exception& e) {
                std::printf("run %d %s failed: %s\n", i, manual ? "manual" : "kill", e.what());
                all[manual ? "manual" : "kill"].push_back(RunResult{});
            }
        }

    std::printf("\nmin / median / max over the runs (%.0f s in all)\n", ms(Clock::now() - began) / 1000);
    for (const char* scenario : {"kill", "manual"}) {
        if (!all.count(scenario)) continue;
        auto& rs = all[scenario];
        Summary t0;
        int ok = 0;
        for (auto& r : rs)
            if (r.ok) {
                t0.add(r.t0Ms);
                ++ok;
            }
        std::printf("\n%s (%d of %zu runs complete): T0 (new master accepts writes) %s ms after the %s\n", scenario, ok,
                    rs.size(), t0.str("%.0f").c_str(), std::string(scenario) == "kill" ? "SIGKILL" : "SENTINEL FAILOVER");
        std::printf("| client | first write on the new master - T0 (ms) | acknowledged writes lost | Sentinel queries, failover start -> first write | Sentinel queries, whole run |\n");
        std::printf("|---|---|---|---|---|\n");
        for (auto& name : kClients) {
            Summary first, lost, q1, qr;
            for (auto& r : rs) {
                if (!r.ok) continue;
                auto& c = r.clients.at(name);
                first.add(c.firstWriteMs);
                lost.add(static_cast<double>(c.lost));
                if (name == "sentinelpool") {
                    q1.add(c.queriesToFirst);
                    qr.add(c.queriesRun);
                } else if (name == "errors-only") {
                    q1.add(c.queriesToFirst);
                    qr.add(c.queriesRun);
                }
            }
            bool hasQ = name != "switch-waiter";
            std::printf("| %s | %s | %s | %s | %s |\n", name.c_str(), first.str("%+.1f").c_str(), lost.str("%.0f").c_str(),
                        hasQ ? q1.str("%.0f").c_str() : "1 (startup only)", hasQ ? qr.str("%.0f").c_str() : "-");
        }
    }
    std::printf("\n(sentinelpool: Client::stats().sentinelQueries, every command sent to a Sentinel; errors-only: its\n"
                "GET-MASTER-ADDR-BY-NAME queries; switch-waiter: one at startup, then SUBSCRIBE only.)\n");
    return 0;
}
