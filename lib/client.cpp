// The public Client: getMaster/putMaster, leases, admin commands, stats.

#include "sentinelpool/client.hpp"

#include <hiredis.h>

#include <future>
#include <thread>

#include "client_core.hpp"
#include "detail/sentinel_parse.hpp"
#include "watcher.hpp"

namespace sentinelpool {

using detail::ClientCore;
using detail::ReplyPtr;

// ---- Lease ----

Lease::Lease(std::shared_ptr<ClientCore> core, std::string name, Connection conn)
    : core_(std::move(core)), name_(std::move(name)), conn_(std::move(conn)) {}

Lease::~Lease() { release(); }

Lease& Lease::operator=(Lease&& o) noexcept {
    if (this != &o) {
        release();
        core_ = std::move(o.core_);
        name_ = std::move(o.name_);
        conn_ = std::move(o.conn_);
    }
    return *this;
}

void Lease::release() {
    if (conn_) conn_.giveBack();
}

// ---- Client ----

Client::Client(Options options) : core_(std::make_shared<ClientCore>(std::move(options))) {
    core_->start();
    const Options& o = core_->options();
    switch (o.startup) {
    case StartupMode::Lazy:
        for (auto& name : o.masterNames) core_->requestResolve(name);
        break;
    case StartupMode::FailFast:
        try {
            if (o.masterNames.empty()) {
                // No name to resolve: at least one Sentinel must answer.
                std::promise<std::pair<bool, std::vector<SentinelFailure>>> p;
                auto f = p.get_future();
                core_->watcher().adminFirst({"PING"}, [&p](ReplyPtr r, Address, std::vector<SentinelFailure> fails) {
                    p.set_value({r != nullptr, std::move(fails)});
                });
                auto res = f.get();
                if (!res.first)
                    throw Error(Errc::NoSentinelReachable, Stage::Startup, "no Sentinel answered", res.second);
            }
            for (auto& name : o.masterNames) core_->entry(name).master->ensureResolved();
        } catch (...) {
            core_->close();
            throw;
        }
        break;
    case StartupMode::WaitUntil: {
        for (auto& name : o.masterNames) core_->requestResolve(name);
        auto deadline = std::chrono::steady_clock::now() + o.startupTimeout;
        for (auto& name : o.masterNames) {
            // Each resolution ends within resolveTimeout; stop waiting at the deadline.
            while (std::chrono::steady_clock::now() < deadline && !core_->entry(name).master->resolved()) {
                try {
                    core_->entry(name).master->ensureResolved();
                } catch (const Error& e) {
                    if (e.code() == Errc::ClientClosed) throw;
                    if (std::chrono::steady_clock::now() >= deadline) break;
                    // A failure is remembered for 100 ms: wait it out, do not spin.
                    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                        std::chrono::milliseconds(50), deadline - std::chrono::steady_clock::now()));
                }
            }
        }
        break;
    }
    }
}

Client::~Client() { core_->close(); }

void Client::close() { core_->close(); }

namespace {
void checkOpen(const ClientCore& core) {
    if (core.closed()) throw Error(Errc::ClientClosed, Stage::Pool, "the client is closed");
}
}  // namespace

Connection Client::getMaster(std::string_view name) {
    checkOpen(*core_);
    return core_->entry(name).master->acquire();
}

namespace {
void checkBelongs(std::string_view name, Role role, const Connection& conn) {
    if (!conn) throw Error(Errc::InvalidArgument, Stage::Pool, "putting back an empty Connection");
    // putReplica also takes the master connections getReplica hands out
    // with ReplicaFallback::FallbackToMaster.
    bool roleOk = conn.role() == role || role == Role::Replica;
    if (conn.masterName() != name || !roleOk)
        throw Error(Errc::InvalidArgument, Stage::Pool,
                    "this connection belongs to the " + std::string(conn.role() == Role::Master ? "master" : "replica") +
                        " pool of '" + conn.masterName() + "', not to the " + (role == Role::Master ? "master" : "replica") +
                        " pool of '" + std::string(name) + "'");
}
}  // namespace

void Client::putMaster(std::string_view name, Connection&& conn) {
    checkBelongs(name, Role::Master, conn);
    conn.giveBack();
}

Connection Client::getReplica(std::string_view name) {
    checkOpen(*core_);
    return core_->getReplica(name);
}

void Client::putReplica(std::string_view name, Connection&& conn) {
    checkBelongs(name, Role::Replica, conn);
    conn.giveBack();
}

Lease Client::master(const std::string& name) { return Lease(core_, name, getMaster(name)); }
Lease Client::replica(const std::string& name) { return Lease(core_, name, getReplica(name)); }

Address Client::masterAddress(const std::string& name) {
    checkOpen(*core_);
    auto* pool = core_->entry(name).master;
    pool->ensureResolved();
    return pool->target().address;
}

std::vector<Address> Client::replicaAddresses(const std::string& name) {
    checkOpen(*core_);
    // getReplica resolves the list; take it without keeping a connection.
    auto& rs = core_->entry(name).replicas;
    {
        std::unique_lock<std::mutex> lk(rs.mu);
        if (!rs.resolved) {
            lk.unlock();
            try {
                Connection c = core_->getReplica(name);
                c.giveBack();
            } catch (const Error& e) {
                if (e.code() != Errc::NoReplicaAvailable) throw;
            }
            lk.lock();
        }
        std::vector<Address> out;
        for (auto& p : rs.pools) out.push_back(p.first.address);
        return out;
    }
}

std::vector<Address> Client::sentinels() const { return core_->watcher().sentinels(); }

Stats Client::stats() const {
    auto& c = core_->counters();
    Stats s;
    s.resolutions = c.resolutions.load();
    s.sentinelQueries = c.sentinelQueries.load();
    s.switches = c.switches.load();
    s.roleMismatches = c.roleMismatches.load();
    s.stalePutsClosed = c.stalePutsClosed.load();
    s.brokenPutsClosed = c.brokenPutsClosed.load();
    s.connectionsOpened = c.connectionsOpened.load();
    s.connectionsClosed = c.connectionsClosed.load();
    s.poolWaits = c.poolWaits.load();
    s.poolWaitMicros = c.poolWaitMicros.load();
    s.poolExhausted = c.poolExhausted.load();
    s.fenceWaits = c.fenceWaits.load();
    s.eventsReceived = c.eventsReceived.load();
    s.sentinels = core_->watcher().sentinelStats();
    return s;
}

// ---- admin ----

namespace {

struct FirstAnswer {
    ReplyPtr reply;
    Address from;
    std::vector<SentinelFailure> failures;
};

FirstAnswer askFirst(ClientCore& core, std::vector<std::string> argv) {
    checkOpen(core);
    std::promise<FirstAnswer> p;
    auto f = p.get_future();
    core.watcher().adminFirst(std::move(argv), [&p](ReplyPtr r, Address from, std::vector<SentinelFailure> fails) {
        p.set_value(FirstAnswer{std::move(r), std::move(from), std::move(fails)});
    });
    FirstAnswer a = f.get();
    if (!a.reply) throw Error(Errc::NoSentinelReachable, Stage::Admin, "no Sentinel answered", a.failures);
    return a;
}

std::string text(const redisReply* r) { return std::string(r->str ? r->str : "", r->len); }

[[noreturn]] void throwReplyError(const FirstAnswer& a) {
    std::string msg = text(a.reply.get());
    if (msg.find("No such master with that name") != std::string::npos)
        throw Error(Errc::MasterNameUnknown, Stage::Admin, msg, a.failures, a.from);
    throw Error(Errc::ServerError, Stage::Admin, msg, a.failures, a.from);
}

template <class T>
T parsedOrThrow(detail::Parsed<T> p, const FirstAnswer& a) {
    if (a.reply->type == REDIS_REPLY_ERROR) throwReplyError(a);
    if (!p) throw Error(Errc::ServerError, Stage::Admin, "unreadable reply: " + p.error, a.failures, a.from);
    return std::move(*p.value);
}

AdminReport askAll(ClientCore& core, std::vector<std::string> argv) {
    checkOpen(core);
    using Replies = std::vector<std::pair<Address, ReplyPtr>>;
    std::promise<std::pair<Replies, std::vector<SentinelFailure>>> p;
    auto f = p.get_future();
    core.watcher().adminAll(std::move(argv), [&p](Replies r, std::vector<SentinelFailure> fails) {
        p.set_value({std::move(r), std::move(fails)});
    });
    auto res = f.get();
    AdminReport report;
    report.unreachable = res.second;
    std::string errors;
    for (auto& kv : res.first) {
        const redisReply* r = kv.second.get();
        if (r->type == REDIS_REPLY_ERROR) {
            errors += (errors.empty() ? "" : "; ") + kv.first.toString() + ": " + text(r);
            report.rejected.push_back(SentinelFailure{kv.first, text(r)});
            continue;
        }
        if (r->type == REDIS_REPLY_INTEGER) report.count += r->integer;
        report.applied.push_back(kv.first);
    }
    if (!errors.empty()) {
        Errc code = errors.find("No such master with that name") != std::string::npos ? Errc::MasterNameUnknown
                                                                                       : Errc::ServerError;
        throw AdminError(code, errors, std::move(report));
    }
    if (report.applied.empty())
        throw Error(Errc::NoSentinelReachable, Stage::Admin, "no Sentinel answered", report.unreachable);
    return report;
}

}  // namespace

std::vector<MasterRecord> Client::sentinelMasters() {
    auto a = askFirst(*core_, {"SENTINEL", "MASTERS"});
    return parsedOrThrow(detail::parseMasterRecords(a.reply.get()), a);
}

MasterRecord Client::sentinelMaster(const std::string& name) {
    auto a = askFirst(*core_, {"SENTINEL", "MASTER", name});
    return parsedOrThrow(detail::parseMasterRecord(a.reply.get()), a);
}

std::vector<ReplicaRecord> Client::sentinelReplicas(const std::string& name) {
    auto a = askFirst(*core_, {"SENTINEL", "REPLICAS", name});
    return parsedOrThrow(detail::parseReplicaRecords(a.reply.get()), a);
}

std::vector<SentinelRecord> Client::sentinelSentinels(const std::string& name) {
    auto a = askFirst(*core_, {"SENTINEL", "SENTINELS", name});
    return parsedOrThrow(detail::parseSentinelRecords(a.reply.get()), a);
}

std::optional<Address> Client::sentinelGetMasterAddrByName(const std::string& name) {
    auto a = askFirst(*core_, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name});
    return parsedOrThrow(detail::parseMasterAddr(a.reply.get()), a);
}

CkquorumResult Client::sentinelCkquorum(const std::string& name) {
    auto a = askFirst(*core_, {"SENTINEL", "CKQUORUM", name});
    const redisReply* r = a.reply.get();
    if (r->type == REDIS_REPLY_STATUS) return CkquorumResult{true, text(r)};
    if (r->type == REDIS_REPLY_ERROR && text(r).rfind("NOQUORUM", 0) == 0) return CkquorumResult{false, text(r)};
    if (r->type == REDIS_REPLY_ERROR) throwReplyError(a);
    throw Error(Errc::ServerError, Stage::Admin, "unexpected CKQUORUM reply: " + describeReply(r), a.failures, a.from);
}

void Client::sentinelFailover(const std::string& name) {
    auto a = askFirst(*core_, {"SENTINEL", "FAILOVER", name});
    if (a.reply->type == REDIS_REPLY_ERROR) throwReplyError(a);
}

AdminReport Client::sentinelFlushconfig() { return askAll(*core_, {"SENTINEL", "FLUSHCONFIG"}); }

AdminReport Client::sentinelMonitor(const std::string& name, const std::string& host, int port, int quorum) {
    return askAll(*core_, {"SENTINEL", "MONITOR", name, host, std::to_string(port), std::to_string(quorum)});
}

AdminReport Client::sentinelRemove(const std::string& name) { return askAll(*core_, {"SENTINEL", "REMOVE", name}); }

AdminReport Client::sentinelReset(const std::string& pattern) { return askAll(*core_, {"SENTINEL", "RESET", pattern}); }

AdminReport Client::sentinelSet(const std::string& name, const std::string& option, const std::string& value) {
    return askAll(*core_, {"SENTINEL", "SET", name, option, value});
}

}  // namespace sentinelpool
