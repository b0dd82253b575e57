#include "pool.hpp"

#include <hiredis.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>

#include "client_core.hpp"
#include "detail/sentinel_parse.hpp"

namespace sentinelpool::detail {

std::int64_t steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {

// How soon a failed resolution may be retried by a new caller: during an
// outage callers fail fast instead of queueing resolutions.
constexpr std::int64_t kRetryAfterFailureMs = 100;

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Replies that mean "this node is not the master you think it is".
bool roleErrorReply(std::string_view msg) {
    return startsWith(msg, "READONLY") || startsWith(msg, "MASTERDOWN") || startsWith(msg, "LOADING");
}

}  // namespace

PoolCore::PoolCore(std::weak_ptr<ClientCore> owner, std::string name, Role role, const Options& opts)
    : owner_(std::move(owner)), name_(std::move(name)), role_(role), opts_(opts) {
    limits_.maxSize = opts.poolSize ? opts.poolSize : 1;
    limits_.maxIdleMs = opts.maxIdle.count();
    limits_.maxLifetimeMs = opts.maxLifetime.count();
    limitsSet_ = limits_.maxIdleMs > 0 || limits_.maxLifetimeMs > 0;
}

PoolCore::~PoolCore() = default;

bool PoolCore::resolved() const {
    std::lock_guard<FastMutex> lk(mu_);
    return resolved_;
}
NodeTarget PoolCore::target() const {
    std::lock_guard<FastMutex> lk(mu_);
    return target_;
}
std::uint64_t PoolCore::generation() const {
    std::lock_guard<FastMutex> lk(mu_);
    return generation_;
}
std::uint64_t PoolCore::configEpoch() const {
    std::lock_guard<FastMutex> lk(mu_);
    return configEpoch_;
}
std::size_t PoolCore::openCount() const {
    std::lock_guard<FastMutex> lk(mu_);
    return open_;
}
std::size_t PoolCore::idleCount() const {
    std::lock_guard<FastMutex> lk(mu_);
    return idle_.size();
}

bool PoolCore::waitResolution(std::unique_lock<FastMutex>& lk, std::uint64_t seq) {
    auto deadline = std::chrono::steady_clock::now() + opts_.resolveTimeout + std::chrono::milliseconds(200);
    ++waiters_;
    bool ok = cv_.wait_until(lk, deadline, [&] { return outcomes_ != seq || closed_; });
    --waiters_;
    return ok;
}

void PoolCore::ensureResolvedLocked(std::unique_lock<FastMutex>& lk) {
    while (!resolved_) {
        if (closed_) throw Error(Errc::ClientClosed, Stage::Pool, "the client is closed");
        if (!resolving_) {
            if (lastError_ && steadyMs() - lastFailMs_ < kRetryAfterFailureMs) throw *lastError_;
            resolving_ = true;
            std::uint64_t seq = outcomes_;
            lk.unlock();
            if (auto core = owner_.lock()) core->requestResolve(name_);
            lk.lock();
            if (!waitResolution(lk, seq))
                throw Error(Errc::Timeout, Stage::Resolve, "no resolution of '" + name_ + "' in time");
        } else {
            std::uint64_t seq = outcomes_;
            if (!waitResolution(lk, seq))
                throw Error(Errc::Timeout, Stage::Resolve, "no resolution of '" + name_ + "' in time");
        }
        if (!resolved_ && !resolving_ && lastError_) throw *lastError_;
    }
}

void PoolCore::ensureResolved() {
    std::unique_lock<FastMutex> lk(mu_);
    ensureResolvedLocked(lk);
}

Connection PoolCore::acquire() {
    std::vector<PooledConn*> toClose;
    auto closeLater = [&] {
        for (PooledConn* c : toClose) closeConn(c);
        toClose.clear();
    };
    bool retriedAfterFailure = false;
    std::unique_lock<FastMutex> lk(mu_);
    std::chrono::steady_clock::time_point waitDeadline{};
    for (;;) {
        if (closed_) {
            auto pending = std::move(toClose);
            maybeDelete(lk);  // unlocks; a retired pool may go away here
            for (PooledConn* c : pending) freeConn(c);
            throw Error(Errc::ClientClosed, Stage::Pool, "the client is closed");
        }
        if (!resolved_) {
            ensureResolvedLocked(lk);
            continue;
        }
        if (fenced_) {
            // A failover is in progress: hold the caller rather than hand out
            // a master about to be demoted (bounded by the wait timeout).
            if (auto core = owner_.lock()) core->counters().fenceWaits.fetch_add(1, std::memory_order_relaxed);
            auto deadline = std::chrono::steady_clock::now() + opts_.waitTimeout;
            ++waiters_;
            bool ok = cv_.wait_until(lk, deadline, [&] { return !fenced_ || closed_; });
            --waiters_;
            if (!ok) {
                lk.unlock();
                throw Error(Errc::Timeout, Stage::Pool,
                            "a failover of '" + name_ + "' is in progress and was not confirmed in time");
            }
            continue;
        }
        if (!idle_.empty()) {
            PooledConn* c = idle_.back();
            idle_.pop_back();
            if (limitsSet_ || c->meta.generation != generation_) {
                Verdict v = onTakeIdle(c->meta, generation_, limits_, limitsSet_ ? steadyMs() : 0);
                if (v != Verdict::Keep) {
                    --open_;
                    toClose.push_back(c);
                    continue;
                }
            }
            out_.push_back(c);
            lk.unlock();
            closeLater();
            return Connection(c);
        }
        if (open_ < limits_.maxSize) {
            ++open_;
            NodeTarget target = target_;
            std::uint64_t gen = generation_;
            std::uint64_t seq = outcomes_;
            lk.unlock();
            closeLater();
            PooledConn* c = nullptr;
            std::optional<Error> failure;
            try {
                c = connect(target, gen);
            } catch (const Error& e) {
                failure = e;
            }
            lk.lock();
            if (failure) {
                --open_;
                if (waiters_) cv_.notify_all();
                // The master may have moved: re-check with the Sentinels, and
                // if they name another node, try once more there.
                bool roleIssue = failure->code() == Errc::RoleMismatch;
                bool nodeIssue = roleIssue || failure->code() == Errc::ConnectionError;
                if (nodeIssue && role_ == Role::Master && !retriedAfterFailure) {
                    retriedAfterFailure = true;
                    lk.unlock();
                    reportFailure(roleIssue ? Detector::RoleCheck : Detector::PoolError, target.address, gen,
                                  failure->what());
                    lk.lock();
                    if (outcomes_ == seq) waitResolution(lk, seq);
                    if (generation_ != gen && resolved_) continue;
                } else if (nodeIssue) {
                    lk.unlock();
                    reportFailure(roleIssue ? Detector::RoleCheck : Detector::PoolError, target.address, gen,
                                  failure->what());
                    lk.lock();
                }
                lk.unlock();
                throw *failure;
            }
            if (c->meta.generation != generation_ || closed_) {
                // The master changed while we connected: this one is stale.
                --open_;
                lk.unlock();
                closeConn(c);
                lk.lock();
                continue;
            }
            out_.push_back(c);
            lk.unlock();
            return Connection(c);
        }
        // Exhausted: wait for a connection to come back.
        if (opts_.waitTimeout.count() == 0) {
            if (auto core = owner_.lock()) core->counters().poolExhausted.fetch_add(1, std::memory_order_relaxed);
            lk.unlock();
            throw Error(Errc::PoolExhausted, Stage::Pool,
                        "all " + std::to_string(limits_.maxSize) + " connections to '" + name_ + "' are in use");
        }
        auto start = std::chrono::steady_clock::now();
        if (waitDeadline == std::chrono::steady_clock::time_point{}) waitDeadline = start + opts_.waitTimeout;
        ++waiters_;
        std::uint64_t gen = generation_;
        bool ok = cv_.wait_until(lk, waitDeadline, [&] {
            return closed_ || !idle_.empty() || open_ < limits_.maxSize || generation_ != gen || fenced_;
        });
        --waiters_;
        if (auto core = owner_.lock()) {
            core->counters().poolWaits.fetch_add(1, std::memory_order_relaxed);
            core->counters().poolWaitMicros.fetch_add(
                static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::steady_clock::now() - start)
                                               .count()),
                std::memory_order_relaxed);
        }
        if (!ok) {
            if (auto core = owner_.lock()) core->counters().poolExhausted.fetch_add(1, std::memory_order_relaxed);
            lk.unlock();
            throw Error(Errc::PoolExhausted, Stage::Pool,
                        "all " + std::to_string(limits_.maxSize) + " connections to '" + name_ + "' stayed in use for " +
                            std::to_string(opts_.waitTimeout.count()) + " ms");
        }
    }
}

void PoolCore::watchGeneration(PooledConn* c, std::function<void()> fn) {
    {
        std::lock_guard<FastMutex> lk(mu_);
        if (c->meta.generation == generation_ && !closed_) {
            c->onGenerationEnd = std::move(fn);
            return;
        }
    }
    if (fn) fn();  // already over
}

void PoolCore::release(PooledConn* c) {
    if (c->ctx && c->ctx->err) c->meta.broken = true;
    std::unique_lock<FastMutex> lk(mu_);
    if (c->onGenerationEnd) c->onGenerationEnd = nullptr;
    auto it = std::find(out_.begin(), out_.end(), c);
    if (it != out_.end()) {
        *it = out_.back();
        out_.pop_back();
    }
    std::int64_t now = limitsSet_ ? steadyMs() : 0;
    Verdict v = onRelease(c->meta, generation_, closed_, limits_, now);
    if (v == Verdict::Keep) {
        c->meta.lastUsedMs = now;
        idle_.push_back(c);
        if (waiters_) cv_.notify_one();
        return;
    }
    --open_;
    if (waiters_) cv_.notify_one();
    bool broken = v == Verdict::CloseBroken;
    auto core = owner_.lock();
    if (core) {
        if (v == Verdict::CloseStale) core->counters().stalePutsClosed.fetch_add(1, std::memory_order_relaxed);
        if (broken) core->counters().brokenPutsClosed.fetch_add(1, std::memory_order_relaxed);
    }
    if (broken && core && !core->closed()) {
        // READONLY, MASTERDOWN, LOADING or an I/O error: the master may have
        // moved. Report it before closing (members are still ours here).
        std::string name = name_;
        Role role = role_;
        std::uint64_t gen = c->meta.generation;
        Address node = c->address;
        lk.unlock();
        core->nodeFailed(name, role, node, gen, Detector::PoolError, "a pooled connection failed");
        lk.lock();
    }
    if (core) core->counters().connectionsClosed.fetch_add(1, std::memory_order_relaxed);
    maybeDelete(lk);  // may unlock and delete this: nothing below touches members
    freeConn(c);
}

void PoolCore::discard(PooledConn* c) {
    std::unique_lock<FastMutex> lk(mu_);
    c->onGenerationEnd = nullptr;
    auto it = std::find(out_.begin(), out_.end(), c);
    if (it != out_.end()) {
        *it = out_.back();
        out_.pop_back();
    }
    --open_;
    if (waiters_) cv_.notify_one();
    if (auto core = owner_.lock()) core->counters().connectionsClosed.fetch_add(1, std::memory_order_relaxed);
    maybeDelete(lk);
    freeConn(c);
}

void PoolCore::maybeDelete(std::unique_lock<FastMutex>& lk) {
    // Retired pools are closed, so nothing is idle: the last connection out
    // (or connecting) deletes the pool.
    bool last = retired_ && out_.empty() && open_ == 0;
    lk.unlock();
    if (last) delete this;
}

void freeConn(PooledConn* c) {
    if (!c) return;
    if (c->ctx) redisFree(c->ctx);
    delete c;
}

void PoolCore::closeConn(PooledConn* c) {
    if (auto core = owner_.lock()) core->counters().connectionsClosed.fetch_add(1, std::memory_order_relaxed);
    freeConn(c);
}

bool PoolCore::setTarget(const NodeTarget& t, std::uint64_t epoch) {
    std::vector<PooledConn*> stale;
    std::vector<std::function<void()>> ended;
    bool changed;
    {
        std::lock_guard<FastMutex> lk(mu_);
        changed = !resolved_ || target_.address != t.address || target_.ip != t.ip;
        bool generationEnds = resolved_ && changed;
        target_ = t;
        configEpoch_ = std::max(configEpoch_, epoch);
        resolved_ = true;
        resolving_ = false;
        lastError_.reset();
        if (changed) fenced_ = false;  // the same master again leaves a failover fence in place
        ++outcomes_;
        if (generationEnds) {
            ++generation_;
            stale.swap(idle_);
            open_ -= stale.size();
            for (PooledConn* c : out_)
                if (c->onGenerationEnd) ended.push_back(std::move(c->onGenerationEnd)), c->onGenerationEnd = nullptr;
        }
        cv_.notify_all();
    }
    for (PooledConn* c : stale) closeConn(c);
    for (auto& fn : ended) fn();
    return changed;
}

void PoolCore::setFailed(const Error& e) {
    std::lock_guard<FastMutex> lk(mu_);
    resolving_ = false;
    ++outcomes_;
    lastFailMs_ = steadyMs();
    if (!resolved_) lastError_ = e;
    cv_.notify_all();
}

void PoolCore::setResolving() {
    std::lock_guard<FastMutex> lk(mu_);
    resolving_ = true;
}

void PoolCore::fence() {
    std::lock_guard<FastMutex> lk(mu_);
    fenced_ = true;
}

void PoolCore::unfence() {
    std::lock_guard<FastMutex> lk(mu_);
    fenced_ = false;
    cv_.notify_all();
}

void PoolCore::abortCheckedOut() {
    std::lock_guard<FastMutex> lk(mu_);
    for (PooledConn* c : out_)
        if (c->fd >= 0 && c->meta.generation != generation_) ::shutdown(c->fd, SHUT_RDWR);
}

void PoolCore::close() {
    std::vector<PooledConn*> idle;
    {
        std::lock_guard<FastMutex> lk(mu_);
        closed_ = true;
        idle.swap(idle_);
        open_ -= idle.size();
        cv_.notify_all();
    }
    for (PooledConn* c : idle) closeConn(c);
}

void PoolCore::retire() {
    close();
    std::unique_lock<FastMutex> lk(mu_);
    retired_ = true;
    maybeDelete(lk);
}

void PoolCore::reportFailure(Detector d, const Address& node, std::uint64_t generation, const std::string& reason) {
    if (auto core = owner_.lock())
        if (!core->closed()) core->nodeFailed(name_, role_, node, generation, d, reason);
}

// ---- connecting ----

namespace {

struct ReplyGuard {
    redisReply* r = nullptr;
    ~ReplyGuard() {
        if (r) freeReplyObject(r);
    }
};

void appendArgv(redisContext* ctx, const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), ptrs.data(), lens.data());
}

timeval toTimeval(std::chrono::milliseconds ms) {
    timeval tv;
    tv.tv_sec = static_cast<long>(ms.count() / 1000);
    tv.tv_usec = static_cast<long>((ms.count() % 1000) * 1000);
    return tv;
}

}  // namespace

PooledConn* PoolCore::connect(const NodeTarget& target, std::uint64_t generation) {
    const Address& addr = target.address;
    const std::string& ip = target.ip.empty() ? addr.host : target.ip;
    redisContext* ctx = opts_.connectTimeout.count() > 0
                            ? redisConnectWithTimeout(ip.c_str(), addr.port, toTimeval(opts_.connectTimeout))
                            : redisConnect(ip.c_str(), addr.port);
    if (!ctx) throw Error(Errc::ConnectionError, Stage::Connect, "out of memory", {}, addr);
    if (ctx->err) {
        std::string why = ctx->errstr;
        redisFree(ctx);
        throw Error(Errc::ConnectionError, Stage::Connect, "cannot connect: " + why, {}, addr);
    }
    auto fail = [&](Errc code, const std::string& why) {
        redisFree(ctx);
        throw Error(code, code == Errc::RoleMismatch ? Stage::RoleCheck : Stage::Connect, why, {}, addr);
    };
    if (opts_.commandTimeout.count() > 0) redisSetTimeout(ctx, toTimeval(opts_.commandTimeout));
    // The handshake, pipelined: one round trip.
    enum Step { Auth, Select, SetName, RoleCmd };
    std::vector<Step> steps;
    if (!opts_.nodeAuth.password.empty()) {
        if (opts_.nodeAuth.username.empty())
            appendArgv(ctx, {"AUTH", opts_.nodeAuth.password});
        else
            appendArgv(ctx, {"AUTH", opts_.nodeAuth.username, opts_.nodeAuth.password});
        steps.push_back(Auth);
    }
    if (opts_.database != 0) {
        appendArgv(ctx, {"SELECT", std::to_string(opts_.database)});
        steps.push_back(Select);
    }
    if (!opts_.clientName.empty()) {
        appendArgv(ctx, {"CLIENT", "SETNAME", opts_.clientName});
        steps.push_back(SetName);
    }
    if (opts_.roleCheck) {
        appendArgv(ctx, {"ROLE"});
        steps.push_back(RoleCmd);
    }
    std::optional<RoleInfo> role;
    bool rolePermitted = true;
    for (Step s : steps) {
        ReplyGuard g;
        void* r = nullptr;
        if (redisGetReply(ctx, &r) != REDIS_OK) fail(Errc::ConnectionError, std::string("handshake failed: ") + ctx->errstr);
        g.r = static_cast<redisReply*>(r);
        if (g.r->type == REDIS_REPLY_ERROR) {
            std::string msg(g.r->str, g.r->len);
            if (startsWith(msg, "WRONGPASS") || startsWith(msg, "NOAUTH") || startsWith(msg, "ERR invalid password") ||
                (s == Auth && startsWith(msg, "ERR AUTH")))
                fail(Errc::AuthenticationFailed, "the node refused the credentials: " + msg);
            if (s == RoleCmd && startsWith(msg, "NOPERM")) {
                rolePermitted = false;
                continue;
            }
            fail(Errc::ServerError, "handshake failed: " + msg);
        }
        if (s == RoleCmd) {
            auto parsed = parseRole(g.r);
            if (!parsed) fail(Errc::ServerError, "unreadable ROLE reply: " + parsed.error);
            role = *parsed.value;
        }
    }
    if (opts_.roleCheck && !rolePermitted) {
        // The documented fallback when ROLE is not allowed.
        ReplyGuard g;
        g.r = static_cast<redisReply*>(redisCommand(ctx, "INFO replication"));
        if (!g.r) fail(Errc::ConnectionError, std::string("role check failed: ") + ctx->errstr);
        if (g.r->type != REDIS_REPLY_STRING) fail(Errc::ServerError, "cannot check the role: " + describeReply(g.r));
        auto parsed = parseInfoReplication(std::string_view(g.r->str, g.r->len));
        if (!parsed) fail(Errc::ServerError, "unreadable INFO replication: " + parsed.error);
        role = *parsed.value;
    }
    if (role) {
        bool ok = role_ == Role::Master ? role->kind == RoleInfo::Kind::Master : role->kind == RoleInfo::Kind::Replica;
        if (!ok) {
            if (auto core = owner_.lock()) core->counters().roleMismatches.fetch_add(1, std::memory_order_relaxed);
            std::string is = role->kind == RoleInfo::Kind::Master    ? "a master"
                             : role->kind == RoleInfo::Kind::Replica ? "a replica of " + role->master.toString()
                                                                     : "a Sentinel";
            fail(Errc::RoleMismatch, std::string("expected a ") + (role_ == Role::Master ? "master" : "replica") +
                                         " for '" + name_ + "', found " + is);
        }
    }
    auto* c = new PooledConn;
    c->ctx = ctx;
    c->pool = this;
    c->address = addr;
    c->fd = ctx->fd;
    c->meta.generation = generation;
    c->meta.createdMs = c->meta.lastUsedMs = limitsSet_ ? steadyMs() : 0;
    if (auto core = owner_.lock()) core->counters().connectionsOpened.fetch_add(1, std::memory_order_relaxed);
    return c;
}

}  // namespace sentinelpool::detail

// ---- Connection ----

namespace sentinelpool {

using detail::PooledConn;

Connection::~Connection() {
    if (conn_) conn_->pool->discard(conn_);
}

Connection::Connection(Connection&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }

Connection& Connection::operator=(Connection&& o) noexcept {
    if (this != &o) {
        if (conn_) conn_->pool->discard(conn_);
        conn_ = o.conn_;
        o.conn_ = nullptr;
    }
    return *this;
}

void Connection::giveBack() {
    if (!conn_) throw Error(Errc::InvalidArgument, Stage::Pool, "putting back an empty Connection");
    detail::PooledConn* c = conn_;
    conn_ = nullptr;
    c->pool->release(c);
}

redisContext* Connection::get() const { return conn_ ? conn_->ctx : nullptr; }

const std::string& Connection::masterName() const {
    static const std::string none;
    return conn_ ? conn_->pool->name() : none;
}

namespace {
Reply run(Connection& self, detail::PooledConn* c, const std::vector<const char*>& ptrs,
          const std::vector<size_t>& lens) {
    if (!c) throw Error(Errc::InvalidArgument, Stage::Command, "an empty Connection");
    void* r = redisCommandArgv(c->ctx, static_cast<int>(ptrs.size()), const_cast<const char**>(ptrs.data()),
                               lens.data());
    if (!r) {
        self.markBroken();
        throw Error(Errc::ConnectionError, Stage::Command, std::string("command failed: ") + c->ctx->errstr, {},
                    c->address);
    }
    Reply reply(static_cast<redisReply*>(r));
    self.noteReply(reply.get());
    return reply;
}
}  // namespace

Reply Connection::command(std::initializer_list<std::string_view> argv) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (auto a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    return run(*this, conn_, ptrs, lens);
}

Reply Connection::command(const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    return run(*this, conn_, ptrs, lens);
}

void Connection::noteReply(const redisReply* r) {
    if (!conn_ || !r || r->type != REDIS_REPLY_ERROR) return;
    std::string_view msg(r->str, r->len);
    if (detail::roleErrorReply(msg)) conn_->meta.broken = true;
}

void Connection::markBroken() {
    if (conn_) conn_->meta.broken = true;
}

bool Connection::broken() const { return conn_ && (conn_->meta.broken || (conn_->ctx && conn_->ctx->err)); }

const Address& Connection::address() const {
    static const Address none;
    return conn_ ? conn_->address : none;
}

void Connection::onGenerationEnd(std::function<void()> fn) {
    if (!conn_) throw Error(Errc::InvalidArgument, Stage::Pool, "an empty Connection");
    conn_->pool->watchGeneration(conn_, std::move(fn));
}

Role Connection::role() const { return conn_ ? conn_->pool->role() : Role::Master; }
std::uint64_t Connection::generation() const { return conn_ ? conn_->meta.generation : 0; }

}  // namespace sentinelpool
