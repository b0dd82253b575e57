#include "watcher.hpp"

#include <hiredis.h>

#include <algorithm>
#include <stdexcept>

#include "client_core.hpp"
#include "common/loop_close.hpp"
#include "detail/sentinel_parse.hpp"

namespace sentinelpool::detail {

struct Watcher::Link {
    Address addr;
    AsyncConn* cmd = nullptr;
    bool connecting = false;
    std::vector<std::function<void(const std::string&)>> waiting;
    bool known = false;
    bool up = false;
    std::atomic<bool> upFlag{false};
    std::atomic<std::uint64_t> queries{0}, failures{0}, connects{0};
    // The event subscription.
    AsyncConn* sub = nullptr;
    bool subConnecting = false;
    bool everSubscribed = false;
    std::size_t confirmed = 0;  // channels confirmed by the Sentinel
    std::chrono::milliseconds backoff{0};
    int failuresSinceUp = 0;
    Clock::time_point lastLog{};
    int suppressed = 0;
    std::atomic<bool> subscribed{false};
    std::atomic<std::uint64_t> events{0};
};

struct Watcher::Resolution {
    Detector why = Detector::Resolution;
    std::unique_ptr<ResolveMachine> machine;
    std::vector<Link*> order;
    std::string nodeIp;
    bool again = false;
};

struct Watcher::ReplicaResolution {
    std::vector<Link*> order;
    Clock::time_point deadline;
    std::vector<SentinelFailure> failures;
    int unknown = 0;
    bool answered = false;
    std::size_t pendingChecks = 0;
    std::vector<NodeTarget> healthy;
    std::string authError;  // a replica refused the credentials
    bool again = false;
};

namespace {

std::uint64_t msUntil(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<std::uint64_t>(left) : 1;
}

std::string replyText(const redisReply* r) { return r ? std::string(r->str ? r->str : "", r->len) : std::string(); }

bool startsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

std::vector<std::string> authCommand(const Credentials& c) {
    if (c.username.empty()) return {"AUTH", c.password};
    return {"AUTH", c.username, c.password};
}

}  // namespace

Watcher::Watcher(ClientCore& core) : core_(core) {
    for (auto& a : core_.options().sentinels) {
        auto l = std::make_unique<Link>();
        l->addr = a;
        order_.push_back(l.get());
        orderCopy_.push_back(a);
        links_.push_back(std::move(l));
    }
}

Watcher::~Watcher() { stop(); }

void Watcher::start() {
    std::lock_guard<std::mutex> lk(lifecycleMu_);
    if (running_.load()) return;
    if (uv_loop_init(&loop_) != 0) throw std::runtime_error("uv_loop_init failed");
    timers_.bind(&loop_);
    uv_async_init(&loop_, &async_, &Watcher::onAsync);
    async_.data = this;
    {
        std::lock_guard<std::mutex> t(tasksMu_);
        accepting_ = true;
    }
    running_.store(true);
    jitter_ = Jitter(Jitter::freshSeed(this));
    post([this] {
        if (core_.options().subscribeEvents)
            for (auto& l : links_) connectSub(*l);
        scheduleReconcile();
    });
    thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

void Watcher::stop() {
    std::lock_guard<std::mutex> lk(lifecycleMu_);
    if (!running_.load()) return;
    {
        std::lock_guard<std::mutex> t(tasksMu_);
        tasks_.push_back([this] { shutdownOnLoop(); });
    }
    uv_async_send(&async_);
    thread_.join();
    closeLoopOrAbort(&loop_, "sentinelpool watcher");
    running_.store(false);
}

bool Watcher::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        if (!accepting_) return false;
        tasks_.push_back(std::move(fn));
    }
    uv_async_send(&async_);
    return true;
}

void Watcher::onAsync(uv_async_t* a) { static_cast<Watcher*>(a->data)->runTasks(); }

void Watcher::runTasks() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        batch.swap(tasks_);
    }
    for (auto& t : batch) t();
}

void Watcher::shutdownOnLoop() {
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        accepting_ = false;
    }
    runTasks();
    stopping_ = true;
    for (auto& l : links_) {
        if (l->cmd) {
            AsyncConn* c = l->cmd;
            l->cmd = nullptr;
            c->destroy();
        }
        if (l->sub) {
            AsyncConn* c = l->sub;
            l->sub = nullptr;
            c->destroy();
        }
    }
    auto roles = roleConns_;
    roleConns_.clear();
    for (AsyncConn* c : roles) c->destroy();
    auto attempts = attempts_;
    for (AsyncConn* c : attempts) c->destroy();  // their callbacks see stopping_
    for (uv_getaddrinfo_t* req : dns_) uv_cancel(reinterpret_cast<uv_req_t*>(req));
    timers_.closeAll();
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

// ---------------------------------------------------------------------------
// Sentinel links

Watcher::Link* Watcher::link(const Address& a) {
    for (auto& l : links_)
        if (l->addr == a) return l.get();
    return nullptr;
}

void Watcher::setLinkState(Link& l, bool up, const std::string& reason) {
    if (l.known && l.up == up) return;
    l.known = true;
    l.up = up;
    l.upFlag.store(up);
    if (core_.options().callbacks.onSentinelState) core_.options().callbacks.onSentinelState({l.addr, up, reason});
}

void Watcher::resolveHost(const std::string& host, HostDone cb) {
    if (isNumericHost(host)) {
        cb({host}, "");
        return;
    }
    struct Req {
        uv_getaddrinfo_t req{};
        Watcher* self;
        HostDone cb;
    };
    auto* r = new Req{{}, this, std::move(cb)};
    r->req.data = r;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = uv_getaddrinfo(
        &loop_, &r->req,
        [](uv_getaddrinfo_t* req, int status, addrinfo* res) {
            auto* rr = static_cast<Req*>(req->data);
            rr->self->dns_.erase(req);
            std::vector<std::string> ips;
            std::string err;
            if (status < 0) {
                err = uv_strerror(status);
            } else {
                // Every address, in the resolver's order (a name may have an
                // IPv6 and an IPv4 address, only one of them listening).
                char buf[INET6_ADDRSTRLEN] = "";
                for (addrinfo* a = res; a; a = a->ai_next) {
                    buf[0] = 0;
                    if (a->ai_family == AF_INET)
                        uv_ip4_name(reinterpret_cast<sockaddr_in*>(a->ai_addr), buf, sizeof buf);
                    else if (a->ai_family == AF_INET6)
                        uv_ip6_name(reinterpret_cast<sockaddr_in6*>(a->ai_addr), buf, sizeof buf);
                    if (buf[0] && std::find(ips.begin(), ips.end(), buf) == ips.end()) ips.emplace_back(buf);
                }
                if (ips.empty()) err = "no address";
            }
            uv_freeaddrinfo(res);
            auto cb2 = std::move(rr->cb);
            delete rr;
            cb2(ips, err);
        },
        host.c_str(), nullptr, &hints);
    if (rc != 0) {
        auto cb2 = std::move(r->cb);
        delete r;
        cb2({}, uv_strerror(rc));
        return;
    }
    dns_.insert(&r->req);
}

void Watcher::connectAny(const Address& addr, std::uint64_t timeoutMs, ConnectDone cb) {
    resolveHost(addr.host, [this, addr, timeoutMs, cb](const std::vector<std::string>& ips, const std::string& err) {
        if (!err.empty()) {
            cb(nullptr, "", "cannot resolve " + addr.host + ": " + err);
            return;
        }
        auto list = std::make_shared<std::vector<std::string>>(ips);
        auto attempt = std::make_shared<std::function<void(std::size_t, std::string)>>();
        *attempt = [this, addr, timeoutMs, cb, list, attempt](std::size_t i, std::string lastErr) {
            if (stopping_ || i >= list->size()) {
                *attempt = nullptr;  // break the cycle
                cb(nullptr, "", stopping_ ? "the client is closed" : lastErr);
                return;
            }
            AsyncConn* c = AsyncConn::create(&loop_);
            attempts_.insert(c);
            std::string ip = (*list)[i];
            c->connect(ip, addr.port, timeoutMs, [this, c, ip, i, cb, attempt](const std::string& e) {
                attempts_.erase(c);
                if (e.empty()) {
                    *attempt = nullptr;
                    cb(c, ip, "");
                    return;
                }
                auto next = *attempt;  // keep it alive while it runs
                if (next) next(i + 1, e);
            });
        };
        (*attempt)(0, "");
    });
}

void Watcher::ensureConnected(Link& l, std::uint64_t timeoutMs, std::function<void(const std::string&)> cb) {
    if (stopping_) {
        cb("the client is closed");
        return;
    }
    if (l.cmd && l.cmd->connected() && !l.connecting) {
        cb("");
        return;
    }
    l.waiting.push_back(std::move(cb));
    if (l.connecting) return;
    l.connecting = true;
    Link* lp = &l;
    connectAny(l.addr, timeoutMs, [this, lp, timeoutMs](AsyncConn* c, const std::string&, const std::string& e) {
        if (!c) {
            finishConnect(*lp, e);
            return;
        }
        lp->cmd = c;
        c->setClosedHandler([this, lp, c](const std::string& reason) {
            if (lp->cmd == c) lp->cmd = nullptr;
            if (!lp->connecting) setLinkState(*lp, false, reason);
        });
        const Options& o = core_.options();
        std::vector<std::vector<std::string>> hs;
        if (!o.sentinelAuth.password.empty()) hs.push_back(authCommand(o.sentinelAuth));
        if (!o.clientName.empty()) hs.push_back({"CLIENT", "SETNAME", o.clientName});
        if (hs.empty()) {
            finishConnect(*lp, "");
            return;
        }
        auto left = std::make_shared<std::size_t>(hs.size());
        auto first = std::make_shared<std::string>();
        for (auto& cmd : hs) {
            c->command(cmd, timeoutMs, [this, lp, c, left, first](ReplyPtr r, const std::string& cmdErr) {
                if (first->empty()) {
                    if (!cmdErr.empty())
                        *first = cmdErr;
                    else if (r->type == REDIS_REPLY_ERROR)
                        *first = replyText(r.get());
                }
                if (--*left) return;
                if (!first->empty() && lp->cmd == c) {
                    lp->cmd = nullptr;
                    c->destroy();
                }
                finishConnect(*lp, *first);
            });
        }
    });
}

void Watcher::finishConnect(Link& l, const std::string& error) {
    l.connecting = false;
    if (!error.empty()) {
        l.failures.fetch_add(1, std::memory_order_relaxed);
        setLinkState(l, false, error);
    } else {
        l.connects.fetch_add(1, std::memory_order_relaxed);
        setLinkState(l, true, "");
    }
    auto waiting = std::move(l.waiting);
    l.waiting.clear();
    for (auto& cb : waiting) cb(error);
}

void Watcher::query(Link& l, std::vector<std::vector<std::string>> cmds, Clock::time_point deadline,
                    std::function<void(std::vector<ReplyPtr>, const std::string&)> cb) {
    if (Clock::now() >= deadline) {
        cb({}, "timed out");
        return;
    }
    Link* lp = &l;
    auto shared = std::make_shared<std::vector<std::vector<std::string>>>(std::move(cmds));
    ensureConnected(l, msUntil(deadline), [this, lp, shared, deadline, cb](const std::string& err) {
        if (!err.empty()) {
            cb({}, err);
            return;
        }
        if (!lp->cmd) {
            cb({}, "connection lost");
            return;
        }
        std::size_t n = shared->size();
        auto results = std::make_shared<std::vector<ReplyPtr>>(n);
        auto left = std::make_shared<std::size_t>(n);
        auto first = std::make_shared<std::string>();
        std::uint64_t timeout = msUntil(deadline);
        for (std::size_t i = 0; i < n; ++i) {
            lp->queries.fetch_add(1, std::memory_order_relaxed);
            core_.counters().sentinelQueries.fetch_add(1, std::memory_order_relaxed);
            lp->cmd->command((*shared)[i], timeout, [lp, i, results, left, first, cb](ReplyPtr r, const std::string& e) {
                if (!e.empty() && first->empty()) {
                    *first = e;
                    lp->failures.fetch_add(1, std::memory_order_relaxed);
                }
                (*results)[i] = std::move(r);
                if (--*left == 0) cb(std::move(*results), *first);
            });
            if (!lp->cmd) break;  // failed while writing
        }
    });
}

void Watcher::moveToFront(Link* l) {
    auto it = std::find(order_.begin(), order_.end(), l);
    if (it == order_.end() || it == order_.begin()) return;
    order_.erase(it);
    order_.insert(order_.begin(), l);
    std::lock_guard<std::mutex> lk(orderMu_);
    orderCopy_.clear();
    for (Link* x : order_) orderCopy_.push_back(x->addr);
}

void Watcher::learnSentinels(const std::vector<Address>& addrs) {
    bool changed = false;
    for (auto& a : addrs) {
        if (link(a)) continue;
        auto l = std::make_unique<Link>();
        l->addr = a;
        order_.push_back(l.get());
        Link& added = *l;
        links_.push_back(std::move(l));
        changed = true;
        if (core_.options().subscribeEvents) connectSub(added);
    }
    if (!changed) return;
    std::lock_guard<std::mutex> lk(orderMu_);
    orderCopy_.clear();
    for (Link* x : order_) orderCopy_.push_back(x->addr);
}

std::vector<Address> Watcher::sentinels() const {
    std::lock_guard<std::mutex> lk(orderMu_);
    return orderCopy_;
}

std::vector<SentinelStats> Watcher::sentinelStats() const {
    std::vector<SentinelStats> out;
    std::lock_guard<std::mutex> lk(orderMu_);
    // Links are only appended, and never freed before the watcher.
    for (auto& l : links_) {
        SentinelStats s;
        s.sentinel = l->addr;
        s.up = l->upFlag.load();
        s.queries = l->queries.load();
        s.failures = l->failures.load();
        s.reconnects = l->connects.load();
        s.subscribed = l->subscribed.load();
        s.events = l->events.load();
        out.push_back(s);
    }
    return out;
}

// ---------------------------------------------------------------------------
// Timers and jitter

void Watcher::after(Clock::duration d, std::function<void()> fn) {
    if (stopping_) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    timers_.add(ms > 0 ? static_cast<std::uint64_t>(ms) : 0, std::move(fn));
}

double Watcher::jitter(double lo, double hi) { return jitter_(lo, hi); }

void Watcher::log(LogLevel level, const std::string& msg) {
    if (core_.options().callbacks.onLog) core_.options().callbacks.onLog(level, msg);
}

// ---------------------------------------------------------------------------
// Event subscriptions

void Watcher::connectSub(Link& l) {
    if (stopping_ || l.sub || l.subConnecting) return;
    l.subConnecting = true;
    Link* lp = &l;
    const Options& o = core_.options();
    std::uint64_t timeout = static_cast<std::uint64_t>(
        (o.sentinelTimeout.count() > 0 ? o.sentinelTimeout : o.resolveTimeout).count());
    connectAny(l.addr, timeout, [this, lp, timeout](AsyncConn* c, const std::string&, const std::string& err) {
        lp->subConnecting = false;
        if (!c) {
            subFailed(*lp, err);
            return;
        }
        if (stopping_) {
            c->destroy();
            return;
        }
        lp->sub = c;
        lp->confirmed = 0;
        c->setClosedHandler([this, lp, c](const std::string& reason) {
            if (lp->sub == c) lp->sub = nullptr;
            subFailed(*lp, reason);
        });
        c->setPushHandler([this, lp](ReplyPtr r) { onPush(*lp, std::move(r)); });
        const Options& opts = core_.options();
        auto fail = [this, lp, c](const std::string& why) {
            if (lp->sub != c) return;
            lp->sub = nullptr;
            c->destroy();
            subFailed(*lp, why);
        };
        if (!opts.sentinelAuth.password.empty())
            c->command(authCommand(opts.sentinelAuth), timeout, [fail](ReplyPtr r, const std::string& e) {
                if (!e.empty()) fail(e);
                else if (r->type == REDIS_REPLY_ERROR) fail(replyText(r.get()));
            });
        if (!opts.clientName.empty())
            c->command({"CLIENT", "SETNAME", opts.clientName}, timeout, [](ReplyPtr, const std::string&) {});
        std::vector<std::string> argv{"SUBSCRIBE"};
        for (auto& ch : eventChannels()) argv.push_back(ch);
        c->send(argv);
    });
}

void Watcher::subFailed(Link& l, const std::string& reason) {
    bool wasUp = l.subscribed.exchange(false);
    if (stopping_) return;
    ++l.failuresSinceUp;
    // Rate-limited: the first failure, then at most one line per 10 s.
    auto now = Clock::now();
    if (wasUp || l.lastLog == Clock::time_point{} || now - l.lastLog >= std::chrono::seconds(10)) {
        std::string extra = l.suppressed ? " (" + std::to_string(l.suppressed) + " similar failures not logged)" : "";
        log(LogLevel::Warning, "events from Sentinel " + l.addr.toString() + " lost: " + reason + extra);
        l.lastLog = now;
        l.suppressed = 0;
    } else {
        ++l.suppressed;
    }
    if (wasUp) setLinkState(l, false, reason);
    // Exponential backoff with jitter, per Sentinel.
    const Options& o = core_.options();
    l.backoff = l.backoff.count() == 0 ? o.reconnectMin : std::min(l.backoff * 2, o.reconnectMax);
    auto delay = std::chrono::duration_cast<Clock::duration>(l.backoff * jitter(0.5, 1.0));
    Link* lp = &l;
    after(delay, [this, lp] { connectSub(*lp); });
}

void Watcher::onPush(Link& l, ReplyPtr r) {
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 3) {
        if (r && r->type == REDIS_REPLY_ERROR) {
            // SUBSCRIBE refused (an ACL without +subscribe): say so, retry later.
            std::string why = replyText(r.get());
            if (l.sub) {
                AsyncConn* c = l.sub;
                l.sub = nullptr;
                c->destroy();
            }
            subFailed(l, "SUBSCRIBE refused: " + why);
        }
        return;
    }
    std::string kind = replyText(r->element[0]);
    if (kind == "subscribe") {
        if (++l.confirmed != eventChannels().size()) return;
        bool resubscribed = l.everSubscribed;
        l.everSubscribed = true;
        l.subscribed.store(true);
        l.backoff = std::chrono::milliseconds(0);
        if (l.failuresSinceUp > 0)
            log(LogLevel::Info, "events from Sentinel " + l.addr.toString() + " back after " +
                                    std::to_string(l.failuresSinceUp) + " failed attempt(s)");
        l.failuresSinceUp = 0;
        setLinkState(l, true, "");
        // Events may have been missed while it was away: reconcile now.
        if (resubscribed) reconcileAll();
        return;
    }
    if (kind != "message") return;
    l.events.fetch_add(1, std::memory_order_relaxed);
    core_.counters().eventsReceived.fetch_add(1, std::memory_order_relaxed);
    auto parsed = parseEvent(std::string_view(r->element[1]->str, r->element[1]->len),
                             std::string_view(r->element[2]->str, r->element[2]->len));
    if (!parsed) {
        log(LogLevel::Warning, "unreadable event from Sentinel " + l.addr.toString() + ": " + parsed.error);
        return;
    }
    onEvent(*parsed.value);
}

void Watcher::onEvent(const EventMsg& e) {
    if (e.masterName.empty() || !core_.find(e.masterName)) return;  // not a name this client uses
    act(e.masterName, machine(e.masterName).onEvent(e, Clock::now()));
}

// ---------------------------------------------------------------------------
// Following failovers

SwitchMachine& Watcher::machine(const std::string& name) {
    auto it = machines_.find(name);
    if (it != machines_.end()) return *it->second;
    const Options& o = core_.options();
    SwitchMachine::Config cfg;
    cfg.fence = o.fence;
    cfg.probeInterval = o.probeInterval;
    cfg.confirmTimeout = o.failoverConfirmTimeout;
    auto m = std::make_unique<SwitchMachine>(cfg);
    if (MasterEntry* e = core_.find(name))
        if (e->master->resolved()) m->setCurrent(e->master->target().address);
    SwitchMachine& ref = *m;
    machines_[name] = std::move(m);
    return ref;
}

void Watcher::act(const std::string& name, const SwitchMachine::Actions& a) {
    if (stopping_ || !a.any()) return;
    MasterEntry* e = core_.find(name);
    if (!e) return;
    if (a.fence && e->master->resolved()) e->master->fence();
    if (a.unfence) e->master->unfence();
    if (a.refreshReplicas) {
        bool used;
        {
            std::lock_guard<std::mutex> lk(e->replicas.mu);
            used = e->replicas.resolved || e->replicas.resolving;
        }
        if (used) startReplicas(name);
    }
    if (a.probe) probe(name, *a.probe);
    if (a.resolve) startResolve(name, Detector::Event);
    if (a.tickAfter)
        after(*a.tickAfter, [this, name] { act(name, machine(name).onTick(Clock::now())); });
}

void Watcher::probe(const std::string& name, const Address& node) {
    SwitchMachine& m = machine(name);
    // Each probe is bounded by the machine's deadline (and a Sentinel step).
    auto deadline = std::min(m.deadline(), Clock::now() + std::max<Clock::duration>(core_.options().sentinelTimeout,
                                                                                  std::chrono::milliseconds(50)));
    checkRole(node, Role::Master, deadline, [this, name, node](RoleReport rep, const std::string& ip) {
        SwitchMachine::Probe result = rep.kind == RoleReport::Kind::IsMaster    ? SwitchMachine::Probe::Master
                                      : rep.kind == RoleReport::Kind::WrongRole ? SwitchMachine::Probe::NotMaster
                                                                                : SwitchMachine::Probe::Failed;
        auto a = machine(name).onProbe(node, result, Clock::now());
        if (a.apply) applyEvent(name, *a.apply, ip);
        act(name, a);
    });
}

void Watcher::applyEvent(const std::string& name, const Address& node, const std::string& ip) {
    MasterEntry* e = core_.find(name);
    if (!e || stopping_) return;
    // The event carries no epoch: count this switch as one epoch forward, so
    // Sentinels still answering the old master (with the old epoch) are
    // stale. The real new epoch is at least that, and replaces it on the
    // next resolution.
    std::uint64_t epoch = e->master->configEpoch() + 1;
    core_.applyMaster(name, NodeTarget{node, ip.empty() ? node.host : ip}, epoch, Detector::Event);
    machine(name).setCurrent(node);
}

void Watcher::scheduleReconcile() {
    auto every = core_.options().reconcileInterval;
    if (every.count() <= 0) return;
    // The interval is a bound, not an average: a change on the Sentinels is
    // acted on within it, the resolution included (5% is left for that).
    auto delay = std::chrono::duration_cast<Clock::duration>(every * jitter(0.8, 0.95));
    after(delay, [this] {
        reconcileAll();
        scheduleReconcile();
    });
}

void Watcher::reconcileAll() {
    for (auto& name : core_.names()) {
        MasterEntry* e = core_.find(name);
        if (!e) continue;
        if (e->master->resolved()) startResolve(name, Detector::Reconcile);
        bool replicasUsed;
        {
            std::lock_guard<std::mutex> lk(e->replicas.mu);
            replicasUsed = e->replicas.resolved;
        }
        if (replicasUsed) startReplicas(name);
    }
}

bool Watcher::awaitingFailover(const std::string& name) {
    auto it = unreachable_.find(name);
    if (it == unreachable_.end()) return false;
    MasterEntry* e = core_.find(name);
    if (!e || e->master->generation() != it->second.generation) {  // switched since
        unreachable_.erase(it);
        return false;
    }
    for (auto& l : links_)
        if (l->subscribed.load()) return true;
    return false;
}

// The Sentinels we hear from said this master is still theirs, and it is
// unreachable: asking again before they fail over is a query storm. Callers
// waiting for an outcome get that resolution's error now (nothing moved).
bool Watcher::quietWhileAwaiting(const std::string& name) {
    if (!awaitingFailover(name)) return false;
    core_.resolveFailed(name, unreachable_.at(name).error);
    return true;
}

void Watcher::errorResolve(const std::string& name, Detector d) {
    if (quietWhileAwaiting(name)) return;
    // Errors come in bursts (every caller of a dead master fails): at most
    // one resolution per interval, the last error of a burst included.
    auto now = Clock::now();
    Clock::duration minGap = std::chrono::milliseconds(100);
    for (auto& l : links_)
        if (l->subscribed.load()) minGap = std::chrono::milliseconds(500);  // events will tell us
    auto it = lastErrorResolve_.find(name);
    if (it == lastErrorResolve_.end() || now - it->second >= minGap) {
        lastErrorResolve_[name] = now;
        startResolve(name, d);
        return;
    }
    if (!errorResolvePending_.insert(name).second) return;
    after(it->second + minGap - now, [this, name, d] {
        errorResolvePending_.erase(name);
        if (quietWhileAwaiting(name)) return;
        lastErrorResolve_[name] = Clock::now();
        startResolve(name, d);
    });
}

// ---------------------------------------------------------------------------
// Resolving a master

void Watcher::resolve(const std::string& name, Detector why) {
    post([this, name, why] { startResolve(name, why); });
}

void Watcher::nodeFailed(const std::string& name, Role role, const Address&, std::uint64_t generation, Detector d,
                         const std::string&) {
    post([this, name, role, generation, d] {
        if (role == Role::Replica) {
            startReplicas(name);
            return;
        }
        MasterEntry* e = core_.find(name);
        if (!e || e->master->generation() != generation) return;  // already moved on
        errorResolve(name, d);
    });
}

void Watcher::startResolve(const std::string& name, Detector why) {
    if (stopping_) return;
    auto it = resolutions_.find(name);
    if (it != resolutions_.end()) {
        if (why != Detector::Resolution) it->second->again = true;  // re-check with what comes next
        return;
    }
    MasterEntry& e = core_.entry(name);
    e.master->setResolving();
    core_.counters().resolutions.fetch_add(1, std::memory_order_relaxed);
    const Options& o = core_.options();
    auto r = std::make_unique<Resolution>();
    r->why = why;
    r->order = order_;
    // The master in use was found unreachable and the Sentinels we hear from
    // still name it (awaiting their failover): a reconcile checks its role
    // instead of trusting the answer, and each look starts from the next
    // Sentinel in turn, so a stale first Sentinel plus lost events cannot
    // hide a failover.
    bool awaiting = awaitingFailover(name);
    if (awaiting && !r->order.empty()) {
        std::size_t& next = unreachable_.at(name).nextSentinel;
        std::rotate(r->order.begin(), r->order.begin() + static_cast<std::ptrdiff_t>(next % r->order.size()),
                    r->order.end());
        ++next;
    }
    ResolveMachine::Config cfg;
    for (Link* l : r->order) cfg.sentinels.push_back(l->addr);
    cfg.name = name;
    cfg.minEpoch = e.master->configEpoch();
    cfg.sentinelTimeout = o.sentinelTimeout;
    cfg.roleCheck = o.roleCheck;
    if (e.master->resolved()) cfg.current = e.master->target().address;
    cfg.skipRoleCheckIfCurrent = why == Detector::Reconcile && !awaiting;
    if (awaiting || why == Detector::PoolError || why == Detector::RoleCheck)
        for (Link* l : r->order) cfg.watched.push_back(l->subscribed.load());
    r->machine = std::make_unique<ResolveMachine>(cfg, Clock::now() + o.resolveTimeout);
    Resolution* raw = r.get();
    resolutions_[name] = std::move(r);
    drive(name, raw->machine->start(Clock::now()));
}

void Watcher::drive(const std::string& name, ResolveMachine::Step step) {
    auto it = resolutions_.find(name);
    if (it == resolutions_.end()) return;
    Resolution& r = *it->second;
    switch (step.kind) {
    case ResolveMachine::Step::Kind::AskSentinel: {
        Link* l = r.order[step.sentinel];
        std::uint64_t minEpoch = core_.entry(name).master->configEpoch();
        query(*l, {{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", name}, {"SENTINEL", "MASTER", name}}, step.deadline,
              [this, name, minEpoch](std::vector<ReplyPtr> replies, const std::string& err) {
                  auto found = resolutions_.find(name);
                  if (found == resolutions_.end()) return;
                  SentinelReport rep;
                  if (!err.empty()) {
                      rep.kind = SentinelReport::Kind::Failed;
                      rep.reason = err;
                  } else {
                      auto addr = parseMasterAddr(replies[0].get());
                      if (!addr) {
                          rep.kind = SentinelReport::Kind::Failed;
                          rep.reason = addr.error;
                      } else if (!addr.value->has_value()) {
                          rep.kind = SentinelReport::Kind::UnknownName;
                          rep.reason = "unknown master name";
                      } else {
                          rep.kind = SentinelReport::Kind::Answered;
                          rep.master = **addr.value;
                          // Without SENTINEL MASTER (an ACL may deny it) the
                          // epoch is unknown: accept the answer as current.
                          auto rec = parseMasterRecord(replies[1].get());
                          rep.configEpoch = rec ? rec.value->configEpoch : minEpoch;
                          rep.failoverInProgress = rec && rec.value->hasFlag("failover_in_progress");
                      }
                  }
                  drive(name, found->second->machine->onSentinel(rep, Clock::now()));
              });
        break;
    }
    case ResolveMachine::Step::Kind::CheckRole:
        checkRole(step.node, Role::Master, step.deadline, [this, name](RoleReport rep, const std::string& ip) {
            auto found = resolutions_.find(name);
            if (found == resolutions_.end()) return;
            found->second->nodeIp = ip;
            drive(name, found->second->machine->onRole(rep, Clock::now()));
        });
        break;
    case ResolveMachine::Step::Kind::Wait:
        after(step.delay, [this, name] {
                        auto found = resolutions_.find(name);
                        if (found != resolutions_.end()) drive(name, found->second->machine->onWaitDone(Clock::now()));
                    });
        break;
    case ResolveMachine::Step::Kind::Done:
        finishResolve(name);
        break;
    }
}

void Watcher::finishResolve(const std::string& name) {
    auto it = resolutions_.find(name);
    if (it == resolutions_.end()) return;
    std::unique_ptr<Resolution> r = std::move(it->second);
    resolutions_.erase(it);
    const ResolveOutcome& o = r->machine->outcome();
    core_.counters().roleMismatches.fetch_add(static_cast<std::uint64_t>(r->machine->roleMismatches()),
                                              std::memory_order_relaxed);
    if (o.resolved) {
        // Reachable again (a restart on the same address), or moved: the
        // errors count again, reconciles trust the answer again.
        unreachable_.erase(name);
        Link* answered = r->order[o.sentinelIndex];
        moveToFront(answered);
        std::string ip = r->nodeIp;
        if (ip.empty()) {
            // No role check ran (a reconcile confirming the master in use):
            // keep the numeric address already resolved for it.
            NodeTarget cur = core_.entry(name).master->target();
            ip = cur.address == o.master && !cur.ip.empty() ? cur.ip : o.master.host;
        }
        core_.applyMaster(name, NodeTarget{o.master, ip}, o.configEpoch, r->why);
        machine(name).setCurrent(o.master);
        // Refresh the Sentinel list from the one that answered (the spec's
        // optional step); nothing waits for it. Reconciles do it at most once
        // a minute: they run every second or so and the list rarely changes.
        auto now = Clock::now();
        if (r->why != Detector::Reconcile || now - lastSentinelRefresh_ >= std::chrono::seconds(60)) {
            lastSentinelRefresh_ = now;
            query(*answered, {{"SENTINEL", "SENTINELS", name}}, now + core_.options().resolveTimeout,
                  [this](std::vector<ReplyPtr> replies, const std::string& err) {
                      if (!err.empty() || replies.empty()) return;
                      auto recs = parseSentinelRecords(replies[0].get());
                      if (!recs) return;
                      std::vector<Address> addrs;
                      for (auto& s : *recs.value) addrs.push_back(s.address);
                      learnSentinels(addrs);
                  });
        }
    } else {
        Error err(o.errc, o.stage, o.message, o.failures);
        if (o.currentUnreachable) {
            std::uint64_t gen = core_.entry(name).master->generation();
            auto u = unreachable_.find(name);
            if (u == unreachable_.end() || u->second.generation != gen)
                unreachable_.insert_or_assign(name, Unreachable{gen, 1, err});
            else
                u->second.error = err;  // the rotation goes on
        }
        core_.resolveFailed(name, err);
    }
    if (r->again && !stopping_) startResolve(name, r->why);
}

void Watcher::checkRole(const Address& node, Role want, Clock::time_point deadline,
                        std::function<void(RoleReport, const std::string& ip)> cb) {
    std::uint64_t timeout = msUntil(deadline);
    connectAny(node, timeout, [this, want, timeout, cb](AsyncConn* c, const std::string& ip, const std::string& e) {
        if (!c) {
            cb(RoleReport{RoleReport::Kind::Failed, e}, "");
            return;
        }
        roleConns_.insert(c);
        auto done = std::make_shared<bool>(false);
        auto finish = [this, c, cb, ip, done](RoleReport rep) {
            if (*done) return;
            *done = true;
            if (roleConns_.erase(c)) c->destroy();
            cb(std::move(rep), ip);
        };
        c->setClosedHandler([this, c, finish](const std::string& reason) {
            roleConns_.erase(c);
            finish(RoleReport{RoleReport::Kind::Failed, reason});
        });
        {
            const Credentials& auth = core_.options().nodeAuth;
            auto evaluate = [want, finish](const RoleInfo& info) {
                bool ok = want == Role::Master ? info.kind == RoleInfo::Kind::Master
                                               : info.kind == RoleInfo::Kind::Replica;
                std::string is = info.kind == RoleInfo::Kind::Master    ? "a master"
                                 : info.kind == RoleInfo::Kind::Replica ? "a replica of " + info.master.toString()
                                                                        : "a Sentinel";
                finish(RoleReport{ok ? RoleReport::Kind::IsMaster : RoleReport::Kind::WrongRole, is});
            };
            auto onRole = [c, timeout, finish, evaluate](ReplyPtr r, const std::string& roleErr) {
                if (!roleErr.empty()) {
                    finish(RoleReport{RoleReport::Kind::Failed, roleErr});
                    return;
                }
                std::string text = r->type == REDIS_REPLY_ERROR ? replyText(r.get()) : "";
                if (startsWith(text, "NOAUTH")) {
                    finish(RoleReport{RoleReport::Kind::AuthFailed, text});
                    return;
                }
                if (startsWith(text, "NOPERM")) {  // ROLE not allowed: INFO replication
                    c->command({"INFO", "replication"}, timeout, [finish, evaluate](ReplyPtr ir, const std::string& e2) {
                        if (!e2.empty() || ir->type != REDIS_REPLY_STRING) {
                            finish(RoleReport{RoleReport::Kind::Failed, e2.empty() ? replyText(ir.get()) : e2});
                            return;
                        }
                        auto info = parseInfoReplication(std::string_view(ir->str, ir->len));
                        if (!info)
                            finish(RoleReport{RoleReport::Kind::Failed, info.error});
                        else
                            evaluate(*info.value);
                    });
                    return;
                }
                auto info = parseRole(r.get());
                if (!info)
                    finish(RoleReport{RoleReport::Kind::Failed, info.error});
                else
                    evaluate(*info.value);
            };
            // CLIENT SETNAME (if clientName is set; its reply, even an
            // error, does not matter) pipelined with ROLE.
            auto askRole = [c, timeout, onRole, name = core_.options().clientName] {
                if (!name.empty()) c->command({"CLIENT", "SETNAME", name}, timeout, [](ReplyPtr, const std::string&) {});
                c->command({"ROLE"}, timeout, onRole);
            };
            if (!auth.password.empty()) {
                c->command(authCommand(auth), timeout, [finish, askRole](ReplyPtr r, const std::string& authErr) {
                    if (!authErr.empty()) {
                        finish(RoleReport{RoleReport::Kind::Failed, authErr});
                        return;
                    }
                    if (r->type == REDIS_REPLY_ERROR) {
                        finish(RoleReport{RoleReport::Kind::AuthFailed, replyText(r.get())});
                        return;
                    }
                    askRole();
                });
            } else {
                askRole();
            }
        }
    });
}

// ---------------------------------------------------------------------------
// Resolving replicas

void Watcher::resolveReplicas(const std::string& name) {
    post([this, name] { startReplicas(name); });
}

void Watcher::startReplicas(const std::string& name) {
    if (stopping_) return;
    auto it = replicaResolutions_.find(name);
    if (it != replicaResolutions_.end()) {
        it->second->again = true;
        return;
    }
    auto r = std::make_unique<ReplicaResolution>();
    r->order = order_;
    r->deadline = Clock::now() + core_.options().resolveTimeout;
    replicaResolutions_[name] = std::move(r);
    askReplicas(name, 0);
}

void Watcher::askReplicas(const std::string& name, std::size_t index) {
    auto it = replicaResolutions_.find(name);
    if (it == replicaResolutions_.end()) return;
    ReplicaResolution& r = *it->second;
    if (index >= r.order.size() || Clock::now() >= r.deadline) {
        finishReplicas(name);
        return;
    }
    Link* l = r.order[index];
    const Options& o = core_.options();
    auto stepDeadline = o.sentinelTimeout.count() > 0 ? std::min(r.deadline, Clock::now() + o.sentinelTimeout)
                                                      : r.deadline;
    query(*l, {{"SENTINEL", "REPLICAS", name}}, stepDeadline,
          [this, name, index, l](std::vector<ReplyPtr> replies, const std::string& err) {
              auto found = replicaResolutions_.find(name);
              if (found == replicaResolutions_.end()) return;
              ReplicaResolution& rr = *found->second;
              if (!err.empty()) {
                  rr.failures.push_back({l->addr, err});
                  askReplicas(name, index + 1);
                  return;
              }
              auto recs = parseReplicaRecords(replies[0].get());
              if (!recs) {
                  if (recs.error.find("No such master") != std::string::npos) ++rr.unknown;
                  rr.failures.push_back({l->addr, recs.error});
                  askReplicas(name, index + 1);
                  return;
              }
              std::vector<Address> candidates;
              for (auto& rec : *recs.value)
                  if (rec.healthy() && rec.hasFlag("slave")) candidates.push_back(rec.address);
              rr.answered = true;
              if (candidates.empty()) {
                  finishReplicas(name);
                  return;
              }
              // Replicas already pooled were checked when first added; a
              // demoted or failed one shows up through its pool's errors.
              std::vector<NodeTarget> known;
              if (MasterEntry* e = core_.find(name)) {
                  std::lock_guard<std::mutex> lk(e->replicas.mu);
                  for (auto& p : e->replicas.pools) known.push_back(p.first);
              }
              std::vector<Address> toCheck;
              for (auto& a : candidates) {
                  auto k = std::find_if(known.begin(), known.end(), [&](const NodeTarget& t) { return t.address == a; });
                  if (k != known.end())
                      rr.healthy.push_back(*k);
                  else
                      toCheck.push_back(a);
              }
              if (toCheck.empty()) {
                  finishReplicas(name);
                  return;
              }
              rr.pendingChecks = toCheck.size();
              for (auto& a : toCheck) {
                  checkRole(a, Role::Replica, rr.deadline, [this, name, a](RoleReport rep, const std::string& ip) {
                      auto f = replicaResolutions_.find(name);
                      if (f == replicaResolutions_.end()) return;
                      if (rep.kind == RoleReport::Kind::IsMaster) f->second->healthy.push_back(NodeTarget{a, ip});
                      if (rep.kind == RoleReport::Kind::AuthFailed)
                          f->second->authError = a.toString() + " refused the data-node credentials: " + rep.detail;
                      if (--f->second->pendingChecks == 0) finishReplicas(name);
                  });
              }
          });
}

void Watcher::finishReplicas(const std::string& name) {
    auto it = replicaResolutions_.find(name);
    if (it == replicaResolutions_.end()) return;
    std::unique_ptr<ReplicaResolution> r = std::move(it->second);
    replicaResolutions_.erase(it);
    if (r->answered && r->healthy.empty() && !r->authError.empty()) {
        core_.replicasFailed(name, Error(Errc::AuthenticationFailed, Stage::RoleCheck, r->authError, r->failures));
    } else if (r->answered) {
        std::sort(r->healthy.begin(), r->healthy.end(),
                  [](const NodeTarget& a, const NodeTarget& b) { return a.address < b.address; });
        core_.applyReplicas(name, r->healthy);
    } else {
        Errc code = r->unknown > 0 ? Errc::MasterNameUnknown : Errc::NoSentinelReachable;
        std::string msg = r->unknown > 0 ? "no Sentinel knows a master named '" + name + "'"
                                         : "no Sentinel could be reached for the replicas of '" + name + "'";
        core_.replicasFailed(name, Error(code, Stage::Resolve, msg, r->failures));
    }
    if (r->again && !stopping_) startReplicas(name);
}

// ---------------------------------------------------------------------------
// Admin

namespace {
struct AdminState {
    std::vector<std::string> argv;
    std::vector<Address> order;
    std::size_t index = 0;
    std::vector<SentinelFailure> failures;
    Watcher::AdminDone done;
};
}  // namespace

void Watcher::adminFirst(std::vector<std::string> argv, AdminDone done) {
    auto st = std::make_shared<AdminState>();
    st->argv = std::move(argv);
    st->done = std::move(done);
    bool posted = post([this, st] {
        for (Link* l : order_) st->order.push_back(l->addr);
        auto step = std::make_shared<std::function<void()>>();
        *step = [this, st, step] {
            if (st->index >= st->order.size()) {
                st->done(nullptr, {}, st->failures);
                *step = nullptr;  // break the cycle
                return;
            }
            Link* l = link(st->order[st->index]);
            const Options& o = core_.options();
            auto deadline = Clock::now() + (o.sentinelTimeout.count() > 0 ? o.sentinelTimeout : o.resolveTimeout);
            query(*l, {st->argv}, deadline, [st, step, l](std::vector<ReplyPtr> replies, const std::string& err) {
                if (!err.empty()) {
                    st->failures.push_back({l->addr, err});
                    ++st->index;
                    if (*step) (*step)();
                    return;
                }
                auto fn = std::move(*step);
                st->done(std::move(replies[0]), l->addr, st->failures);
            });
        };
        (*step)();
    });
    if (!posted) st->done(nullptr, {}, {});
}

void Watcher::adminAll(std::vector<std::string> argv, AdminAllDone done) {
    bool posted = post([this, argv, done] {
        struct All {
            std::vector<std::pair<Address, ReplyPtr>> replies;
            std::vector<SentinelFailure> failures;
            std::size_t left = 0;
            AdminAllDone done;
        };
        auto all = std::make_shared<All>();
        all->done = done;
        all->left = order_.size();
        if (all->left == 0) {
            done({}, {});
            return;
        }
        const Options& o = core_.options();
        auto deadline = Clock::now() + (o.sentinelTimeout.count() > 0 ? o.sentinelTimeout : o.resolveTimeout);
        for (Link* l : std::vector<Link*>(order_)) {
            query(*l, {argv}, deadline, [all, l](std::vector<ReplyPtr> replies, const std::string& err) {
                if (!err.empty())
                    all->failures.push_back({l->addr, err});
                else
                    all->replies.emplace_back(l->addr, std::move(replies[0]));
                if (--all->left == 0) all->done(std::move(all->replies), std::move(all->failures));
            });
        }
    });
    if (!posted) done({}, {});
}

}  // namespace sentinelpool::detail
