// MiniRedis's public API: a handle on MiniRedisCore. Direct data access
// takes the core's data lock, so it is safe from any thread and atomic with
// respect to commands; writes on a master are replicated like commands.

#include "sentinelpool/testing/mini_redis.hpp"

#include <algorithm>
#include <stdexcept>

#include "redis/mini_redis_core.hpp"

namespace sentinelpool::testing {

using detail::Db;
using detail::MiniRedisCore;
using detail::Value;
using detail::ValueType;

namespace {

std::string quoted(const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : std::string("(nil)"); }

// Runs f(core, db) under the data lock.
template <class F>
auto withData(MiniRedisCore& core, F&& f) {
    std::lock_guard<std::mutex> lk(core.mu());
    return f(core, core.directDb.load());
}

}  // namespace

MiniRedis::MiniRedis() : MiniRedis(MiniRedisOptions{}) {}

MiniRedis::MiniRedis(MiniRedisOptions options) {
    bool startNow = options.start;
    core_ = std::make_shared<MiniRedisCore>(std::move(options));
    if (startNow) core_->start();
}

MiniRedis::~MiniRedis() { core_->stop(); }

void MiniRedis::start() { core_->start(); }
void MiniRedis::close() { core_->stop(); }
bool MiniRedis::running() const { return core_->server().running(); }
std::string MiniRedis::host() const { return core_->host(); }
int MiniRedis::port() const { return core_->port(); }
std::string MiniRedis::addr() const { return core_->host() + ":" + std::to_string(core_->port()); }
std::string MiniRedis::runId() const { return core_->runId(); }

void MiniRedis::select(int db) {
    if (db < 0 || db >= detail::Keyspace::kDatabases) throw std::out_of_range("MiniRedis::select: DB index is out of range");
    core_->directDb.store(db);
}

void MiniRedis::set(const std::string& key, const std::string& value) {
    withData(*core_, [&](MiniRedisCore& c, int db) {
        Db& d = c.db(db);
        Value* v = c.lookup(db, key);
        if (!v) v = &c.addKey(db, key, ValueType::String);
        d.setExpire(key, *v, -1);
        v->setString(value);
        c.propagateLocked(db, {"SET", key, value});
    });
}

std::optional<std::string> MiniRedis::get(const std::string& key) const {
    return withData(*core_, [&](MiniRedisCore& c, int db) -> std::optional<std::string> {
        Value* v = c.lookup(db, key);
        if (!v || v->type() != ValueType::String) return std::nullopt;
        return v->str();
    });
}

bool MiniRedis::del(const std::string& key) {
    return withData(*core_, [&](MiniRedisCore& c, int db) {
        if (!c.lookup(db, key)) return false;
        c.db(db).erase(key);
        c.propagateLocked(db, {"DEL", key});
        return true;
    });
}

bool MiniRedis::exists(const std::string& key) const {
    return withData(*core_, [&](MiniRedisCore& c, int db) { return c.lookup(db, key) != nullptr; });
}

std::vector<std::string> MiniRedis::keys(const std::string& pattern) const {
    return withData(*core_, [&](MiniRedisCore& c, int db) {
        std::vector<std::string> out;
        std::int64_t now = c.nowMs();
        for (auto& kv : c.db(db).keys) {
            if (kv.second.expireAtMs >= 0 && kv.second.expireAtMs <= now) continue;
            if (detail::globMatch(pattern, kv.first)) out.push_back(kv.first);
        }
        std::sort(out.begin(), out.end());
        return out;
    });
}

std::size_t MiniRedis::dbSize() const {
    return withData(*core_, [&](MiniRedisCore& c, int db) { return c.db(db).keys.size(); });
}

void MiniRedis::hset(const std::string& key, const std::string& field, const std::string& value) {
    withData(*core_, [&](MiniRedisCore& c, int db) {
        Value* v = c.lookup(db, key);
        if (v && v->type() != ValueType::Hash)
            throw std::logic_error("MiniRedis::hset: WRONGTYPE Operation against a key holding the wrong kind of value");
        if (!v) v = &c.addKey(db, key, ValueType::Hash);
        v->hash().set(field, value);
        c.propagateLocked(db, {"HSET", key, field, value});
    });
}

std::optional<std::string> MiniRedis::hget(const std::string& key, const std::string& field) const {
    return withData(*core_, [&](MiniRedisCore& c, int db) -> std::optional<std::string> {
        Value* v = c.lookup(db, key);
        if (!v || v->type() != ValueType::Hash) return std::nullopt;
        const std::string* f = v->hash().find(field);
        if (!f) return std::nullopt;
        return *f;
    });
}

std::vector<std::pair<std::string, std::string>> MiniRedis::hgetAll(const std::string& key) const {
    return withData(*core_, [&](MiniRedisCore& c, int db) {
        Value* v = c.lookup(db, key);
        if (!v || v->type() != ValueType::Hash) return std::vector<std::pair<std::string, std::string>>{};
        return v->hash().items();
    });
}

void MiniRedis::setTTL(const std::string& key, std::chrono::milliseconds ttl) {
    withData(*core_, [&](MiniRedisCore& c, int db) {
        Value* v = c.lookup(db, key);
        if (!v) return;
        std::int64_t at = c.nowMs() + ttl.count();
        c.db(db).setExpire(key, *v, at);
        c.propagateLocked(db, {"PEXPIREAT", key, std::to_string(at)});
    });
}

std::optional<std::chrono::milliseconds> MiniRedis::ttl(const std::string& key) const {
    return withData(*core_, [&](MiniRedisCore& c, int db) -> std::optional<std::chrono::milliseconds> {
        Value* v = c.lookup(db, key);
        if (!v || v->expireAtMs < 0) return std::nullopt;
        return std::chrono::milliseconds(std::max<std::int64_t>(0, v->expireAtMs - c.nowMs()));
    });
}

void MiniRedis::fastForward(std::chrono::milliseconds by) {
    withData(*core_, [&](MiniRedisCore& c, int) {
        c.fastForwardClock(by.count());
        c.expireNowLocked();
    });
}

void MiniRedis::flushAll() {
    withData(*core_, [&](MiniRedisCore& c, int db) {
        c.dbModified(-1);
        c.keyspace().flushAll();
        c.propagateLocked(db, {"FLUSHALL"});
    });
}

std::size_t MiniRedis::publish(const std::string& channel, const std::string& message) {
    std::size_t n = 0;
    core_->server().runSync([&] { n = core_->server().publish(channel, message); });
    return n;
}

Check MiniRedis::checkGet(const std::string& key, const std::string& expected) const {
    auto got = get(key);
    bool ok = got && *got == expected;
    return Check(ok, "GET " + key + ": expected \"" + expected + "\", got " + quoted(got));
}

Check MiniRedis::checkHGet(const std::string& key, const std::string& field, const std::string& expected) const {
    auto got = hget(key, field);
    bool ok = got && *got == expected;
    return Check(ok, "HGET " + key + " " + field + ": expected \"" + expected + "\", got " + quoted(got));
}

Check MiniRedis::checkExists(const std::string& key) const {
    bool ok = exists(key);
    return Check(ok, "EXISTS " + key + ": expected the key to exist, " + (ok ? "it does" : "it does not"));
}

Check MiniRedis::checkNotExists(const std::string& key) const {
    bool gone = !exists(key);
    return Check(gone, "EXISTS " + key + ": expected no such key, " + (gone ? "there is none" : "it exists"));
}

void MiniRedis::requireAuth(const std::string& pass) { core_->server().setDefaultPassword(pass); }
void MiniRedis::requireAuth(const std::string& user, const std::string& pass) { core_->server().addUser(user, pass); }

void MiniRedis::replicaOf(const MiniRedis& master) { core_->replicaOf(master.host(), master.port()); }
void MiniRedis::replicaOf(const std::string& host, int port) { core_->replicaOf(host, port); }
void MiniRedis::promote() { core_->promote(); }
ReplicationState MiniRedis::replication() const {
    core_->server().runSync([] {});  // a barrier: queued replication work runs first
    return core_->replicationState();
}
bool MiniRedis::waitForSync(std::chrono::milliseconds timeout) const { return core_->waitForSync(timeout.count()); }

void MiniRedis::setReplicaPriority(int priority) {
    std::lock_guard<std::mutex> lk(core_->mu());
    core_->setReplicaPriorityLocked(priority);
}

void MiniRedis::setError(const std::string& msg) { core_->server().setErrorReply(msg); }
void MiniRedis::hang() { core_->server().setHang(true); }
void MiniRedis::refuseConnections() { core_->server().setRefuse(true); }
std::size_t MiniRedis::closeClients() { return core_->server().closeClients(detail::ClientType::Any); }

void MiniRedis::resume() {
    core_->server().setErrorReply("");
    core_->server().setHang(false);
    core_->server().setRefuse(false);
}

bool MiniRedis::waitForClients(std::size_t n, std::chrono::milliseconds timeout) const {
    return core_->server().waitForClients(n, timeout.count());
}

MiniRedisStats MiniRedis::stats() const {
    auto st = core_->server().stats();
    MiniRedisStats out;
    out.connectionsReceived = st.connectionsReceived;
    out.connectedClients = st.connectedClients;
    out.commandsProcessed = st.commandsProcessed;
    out.rejectedConnections = st.rejectedConnections;
    return out;
}

std::uint64_t MiniRedis::commandCalls(const std::string& name) const {
    const detail::Command* cmd = detail::miniRedisCommands().findFullName(name);
    return cmd ? core_->server().commandCalls(*cmd) : 0;
}

}  // namespace sentinelpool::testing
