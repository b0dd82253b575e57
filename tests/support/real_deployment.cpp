#include "real_deployment.hpp"

#include <hiredis.h>

#include <cstdlib>
#include <stdexcept>

#include "resp_client.hpp"

namespace sentinelpool::test {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string envOr(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}
std::string redisServerBinary() { return envOr("SENTINELPOOL_REDIS_SERVER", "/usr/bin/redis-server"); }
std::string redisSentinelBinary() { return envOr("SENTINELPOOL_REDIS_SENTINEL", "/usr/bin/redis-sentinel"); }

bool realBinariesPresent(std::string* missing) {
    for (const std::string& b : {redisServerBinary(), redisSentinelBinary()})
        if (!binaryExists(b)) {
            if (missing) *missing = b;
            return false;
        }
    return true;
}

RealServerOptions dataNode(int replicaOf) {
    RealServerOptions o;
    o.binary = redisServerBinary();
    o.args = {"--repl-diskless-sync-delay", "0"};
    if (replicaOf) o.args.insert(o.args.end(), {"--replicaof", "127.0.0.1", std::to_string(replicaOf)});
    return o;
}

RealServerOptions sentinelProcess(const std::string& config) {
    RealServerOptions o;
    o.binary = redisSentinelBinary();
    o.configName = "sentinel.conf";
    o.configFile = config;
    o.readyLine = "Sentinel ID is";
    return o;
}

std::string monitorConfig(const std::string& name, int port, int quorum, int downAfterMs, int failoverTimeoutMs,
                          int parallelSyncs) {
    return "sentinel monitor " + name + " 127.0.0.1 " + std::to_string(port) + " " + std::to_string(quorum) + "\n" +
           "sentinel down-after-milliseconds " + name + " " + std::to_string(downAfterMs) + "\n" +
           "sentinel failover-timeout " + name + " " + std::to_string(failoverTimeoutMs) + "\n" +
           "sentinel parallel-syncs " + name + " " + std::to_string(parallelSyncs) + "\n";
}

std::string sentinelId(int port) {
    Hiredis h(port);
    auto r = h.cmd({"SENTINEL", "MYID"});
    if (!r || r->type != REDIS_REPLY_STRING) throw std::runtime_error("SENTINEL MYID failed on port " + std::to_string(port));
    return std::string(r->str, r->len);
}

namespace {

// One field of a Sentinel record (a flat field/value array).
std::string recordField(const redisReply* rec, const std::string& name) {
    if (!rec || rec->type != REDIS_REPLY_ARRAY) return {};
    for (std::size_t i = 0; i + 1 < rec->elements; i += 2) {
        const redisReply* k = rec->element[i];
        const redisReply* v = rec->element[i + 1];
        if (k->type == REDIS_REPLY_STRING && std::string(k->str, k->len) == name && v->type == REDIS_REPLY_STRING)
            return std::string(v->str, v->len);
    }
    return {};
}

}  // namespace

RealDeployment::RealDeployment(RealDeploymentOptions options) : options_(std::move(options)) {
    const auto t = options_.timeout;
    nodes_.push_back(std::make_unique<RealServer>(dataNode()));
    int mp = nodes_[0]->port();
    for (int i = 0; i < options_.replicas; ++i) nodes_.push_back(std::make_unique<RealServer>(dataNode(mp)));
    // Linked before the Sentinels start, so their first INFO of the master
    // lists every replica (the next one is 10 s later).
    for (std::size_t i = 1; i < nodes_.size(); ++i)
        if (!nodes_[i]->waitForLog("MASTER <-> REPLICA sync: Finished with success", t))
            throw std::runtime_error("replica did not sync:\n" + nodes_[i]->log());
    std::string config = monitorConfig(options_.name, mp, options_.quorum, options_.downAfterMs,
                                       options_.failoverTimeoutMs, options_.parallelSyncs);
    for (int i = 0; i < options_.sentinels; ++i) {
        sentinels_.push_back(std::make_unique<RealServer>(sentinelProcess(config)));
        ids_.push_back(test::sentinelId(sentinels_.back()->port()));
    }
    // Healthy: each Sentinel logged +slave for every replica (from the
    // master's INFO) and +sentinel for every other one (hello, every 2 s).
    for (std::size_t i = 0; i < sentinels_.size(); ++i) {
        auto& s = *sentinels_[i];
        for (std::size_t r = 1; r < nodes_.size(); ++r)
            if (!s.waitForLog("+slave slave 127.0.0.1:" + std::to_string(nodes_[r]->port()), t))
                throw std::runtime_error("Sentinel " + std::to_string(i) + " did not find a replica:\n" + s.log());
        for (std::size_t j = 0; j < sentinels_.size(); ++j)
            if (j != i && !s.waitForLog("+sentinel sentinel " + ids_[j], t))
                throw std::runtime_error("Sentinel " + std::to_string(i) + " did not find Sentinel " +
                                         std::to_string(j) + ":\n" + s.log());
    }
    if (options_.waitForLinks) waitForLinks();
}

RealDeployment::~RealDeployment() {
    // Sentinels first: they would otherwise see the data nodes go and start
    // failovers while we stop them.
    for (auto& s : sentinels_) s->stop();
    for (auto& n : nodes_) n->stop();
}

std::vector<int> RealDeployment::sentinelPorts() const {
    std::vector<int> out;
    for (auto& s : sentinels_) out.push_back(s->port());
    return out;
}

RealServer* RealDeployment::byPort(int port) {
    for (auto& n : nodes_)
        if (n->port() == port) return n.get();
    return nullptr;
}

void RealDeployment::waitForLinks() {
    auto deadline = Clock::now() + options_.timeout;
    const std::string& name = options_.name;
    for (auto& s : sentinels_) {
        Hiredis c(s->port());
        for (;;) {
            auto m = c.cmd({"SENTINEL", "MASTER", name});
            bool ok = recordField(m.get(), "flags") == "master";
            auto replicas = c.cmd({"SENTINEL", "REPLICAS", name});
            ok = ok && replicas && replicas->type == REDIS_REPLY_ARRAY &&
                 replicas->elements == static_cast<std::size_t>(options_.replicas);
            for (std::size_t i = 0; ok && i < replicas->elements; ++i) {
                const redisReply* rec = replicas->element[i];
                ok = recordField(rec, "flags") == "slave" && recordField(rec, "master-link-status") == "ok" &&
                     recordField(rec, "role-reported") == "slave";
            }
            auto peers = c.cmd({"SENTINEL", "SENTINELS", name});
            ok = ok && peers && peers->type == REDIS_REPLY_ARRAY &&
                 peers->elements == static_cast<std::size_t>(options_.sentinels - 1);
            for (std::size_t i = 0; ok && i < peers->elements; ++i)
                ok = recordField(peers->element[i], "flags") == "sentinel";
            if (ok) break;
            if (Clock::now() > deadline) throw std::runtime_error("a real Sentinel does not see every link up:\n" + s->log());
            std::this_thread::sleep_for(20ms);  // no event to wait on: see the header
        }
    }
}

std::optional<int> RealDeployment::waitForAgreement(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        int agreed = 0;
        bool same = true;
        for (auto& s : sentinels_) {
            if (!s->running()) continue;
            int port = 0;
            try {
                Hiredis c(s->port());
                auto r = c.cmd({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", options_.name});
                if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
                    port = std::atoi(r->element[1]->str);
            } catch (const std::exception&) {
            }
            if (port == 0 || (agreed && port != agreed)) same = false;
            agreed = port;
        }
        if (same && agreed) return agreed;
        if (Clock::now() > deadline) return std::nullopt;
        std::this_thread::sleep_for(10ms);
    }
}

std::string infoField(int port, const std::string& section, const std::string& field) {
    try {
        Hiredis h(port);
        auto r = h.cmd({"INFO", section});
        if (!r || r->type != REDIS_REPLY_STRING) return {};
        std::string text(r->str, r->len);
        std::string key = "\n" + field + ":";
        std::size_t at = ("\n" + text).find(key);
        if (at == std::string::npos) return {};
        std::size_t from = at + key.size() - 1;
        std::size_t eol = text.find("\r\n", from);
        return text.substr(from, eol == std::string::npos ? std::string::npos : eol - from);
    } catch (const std::exception&) {
        return {};
    }
}

bool waitForReplicaLinked(int port, int masterPort, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (infoField(port, "replication", "role") == "slave" &&
            infoField(port, "replication", "master_port") == std::to_string(masterPort) &&
            infoField(port, "replication", "master_link_status") == "up")
            return true;
        if (Clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

// ---------------------------------------------------------------------------

Writers::Writers(int threads, std::string prefix, WriteFn write, std::chrono::microseconds pauseAfterError)
    : Writers(std::move(prefix), std::vector<WriteFn>(static_cast<std::size_t>(threads), write), pauseAfterError) {}

Writers::Writers(std::string prefix, std::vector<WriteFn> perThread, std::chrono::microseconds pauseAfterError)
    : prefix_(std::move(prefix)), fns_(std::move(perThread)), pause_(pauseAfterError) {
    for (std::size_t t = 0; t < fns_.size(); ++t) threads_.emplace_back([this, t] { run(t, fns_[t]); });
}

Writers::~Writers() { join(); }

void Writers::run(std::size_t t, const WriteFn& write) {
    for (long i = 0; !stop_.load(); ++i) {
        std::string key = prefix_ + std::to_string(t) + ":" + std::to_string(i);
        int port = 0;
        try {
            port = write(key);
        } catch (const std::exception&) {
            port = 0;
        }
        if (port > 0) {
            auto now = Clock::now();
            std::lock_guard<std::mutex> lk(mu_);
            acked_.push_back(Ack{std::move(key), now, port});
        } else {
            ++errors_;
            if (pause_.count() > 0) std::this_thread::sleep_for(pause_);
        }
    }
}

std::size_t Writers::count() const {
    std::lock_guard<std::mutex> lk(mu_);
    return acked_.size();
}

void Writers::join() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
}

std::vector<Ack> Writers::acked() const {
    std::lock_guard<std::mutex> lk(mu_);
    return acked_;
}

std::vector<std::string> Writers::ackedKeys() const {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<std::string> out;
    out.reserve(acked_.size());
    for (auto& a : acked_) out.push_back(a.key);
    return out;
}

std::size_t missingOn(int port, const std::vector<std::string>& keys) {
    Hiredis h(port);
    redisContext* c = h.get();
    std::size_t missing = 0;
    const std::size_t batch = 1000;
    for (std::size_t from = 0; from < keys.size(); from += batch) {
        std::size_t to = std::min(keys.size(), from + batch);
        for (std::size_t i = from; i < to; ++i) {
            const char* argv[2] = {"EXISTS", keys[i].c_str()};
            std::size_t lens[2] = {6, keys[i].size()};
            redisAppendCommandArgv(c, 2, argv, lens);
        }
        for (std::size_t i = from; i < to; ++i) {
            void* raw = nullptr;
            if (redisGetReply(c, &raw) != REDIS_OK || !raw)
                throw std::runtime_error("EXISTS failed on port " + std::to_string(port) + ": " + c->errstr);
            ReplyPtr r(static_cast<redisReply*>(raw));
            if (r->type != REDIS_REPLY_INTEGER || r->integer != 1) ++missing;
        }
    }
    return missing;
}

}  // namespace sentinelpool::test
