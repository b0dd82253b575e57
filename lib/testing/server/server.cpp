#include "server/server.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <future>
#include <stdexcept>

#include "common/loop_close.hpp"
#include "server/state_signal.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

namespace {

std::string sockaddrToString(const sockaddr_storage& ss) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss.ss_family == AF_INET) {
        auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
        uv_ip4_name(a, ip, sizeof ip);
        port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
        uv_ip6_name(a, ip, sizeof ip);
        port = ntohs(a->sin6_port);
    }
    return std::string(ip) + ":" + std::to_string(port);
}

void closeAndDelete(uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); }


}  // namespace

Server::Server(const CommandTable& table, ServerApp& app)
    : table_(table), app_(app), calls_(new std::atomic<std::uint64_t>[table.count()]()) {}

Server::~Server() { stop(); }

std::string Server::host() const {
    std::lock_guard<std::mutex> lk(hostMu_);
    return host_;
}

void Server::start(const std::string& host, int port) {
    std::lock_guard<std::mutex> lifecycle(lifecycleMu_);
    if (running_.load()) throw std::logic_error("server already running");
    {
        std::lock_guard<std::mutex> lk(hostMu_);
        host_ = host;
    }
    port_.store(port);
    if (uv_loop_init(&loop_) != 0) throw std::runtime_error("uv_loop_init failed");
    timers_.bind(&loop_);
    uv_async_init(&loop_, &async_, &Server::onAsync);
    async_.data = this;
    uv_prepare_init(&loop_, &prepare_);
    prepare_.data = this;
    uv_prepare_start(&prepare_, &Server::onPrepare);

    std::string error;
    if (!bindListener(error)) {
        uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
        uv_run(&loop_, UV_RUN_DEFAULT);
        uv_loop_close(&loop_);
        throw std::runtime_error(error);
    }
    startedMs_ = wallMs();
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        accepting_ = true;
        loopActive_ = true;
    }
    running_.store(true);
    thread_ = std::thread([this] {
        loopThread_.store(std::this_thread::get_id());
        uv_run(&loop_, UV_RUN_DEFAULT);
        loopThread_.store(std::thread::id{});
        std::lock_guard<std::mutex> lk(tasksMu_);
        loopActive_ = false;
        stoppedCv_.notify_all();
    });
}

void Server::stop() {
    std::lock_guard<std::mutex> lifecycle(lifecycleMu_);
    if (!running_.load()) return;
    if (onLoopThread()) throw std::logic_error("Server::stop() called from its own loop thread");
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        tasks_.push_back([this] { shutdownOnLoop(); });
    }
    uv_async_send(&async_);
    thread_.join();
    sentinelpool::detail::closeLoopOrAbort(&loop_, "sentinelpool testing server");  // a handle left open is a bug: say which
    running_.store(false);
    // A stopped server is a dead process: its faults die with it.
    hang_.store(false);
    refuse_.store(false);
    setErrorReply("");
}

void Server::post(std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        if (!accepting_) return;
        tasks_.push_back(std::move(fn));
    }
    uv_async_send(&async_);
}

void Server::runSync(const std::function<void()>& fn) {
    if (onLoopThread()) {
        fn();
        return;
    }
    std::promise<void> done;
    auto fut = done.get_future();
    {
        std::unique_lock<std::mutex> lk(tasksMu_);
        if (!accepting_) {
            // Stopped or stopping: once the loop thread is gone, nothing else
            // touches loop state and fn may run here.
            stoppedCv_.wait(lk, [this] { return !loopActive_; });
            lk.unlock();
            fn();
            return;
        }
        tasks_.push_back([&fn, &done] {
            try {
                fn();
                done.set_value();
            } catch (...) {
                done.set_exception(std::current_exception());
            }
        });
    }
    uv_async_send(&async_);
    fut.get();
}

void Server::onAsync(uv_async_t* async) { static_cast<Server*>(async->data)->runTasks(); }

void Server::runTasks() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        batch.swap(tasks_);
    }
    for (auto& task : batch) guarded("a posted task", task);
}

void Server::shutdownOnLoop() {
    {
        std::lock_guard<std::mutex> lk(tasksMu_);
        accepting_ = false;
    }
    runTasks();  // whoever waits in runSync gets an answer
    app_.onStop();
    closeListener();
    for (auto& kv : peers_) closePeer(*kv.second);
    timers_.closeAll();
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
}

bool Server::bindListener(std::string& error) {
    std::string h = host();
    sockaddr_storage addr{};
    int rc;
    if (h.find(':') != std::string::npos)
        rc = uv_ip6_addr(h.c_str(), port_.load(), reinterpret_cast<sockaddr_in6*>(&addr));
    else
        rc = uv_ip4_addr(h.c_str(), port_.load(), reinterpret_cast<sockaddr_in*>(&addr));
    if (rc != 0) {
        error = "invalid address " + h + ": " + uv_strerror(rc);
        return false;
    }
    auto* l = new uv_tcp_t;
    uv_tcp_init(&loop_, l);
    l->data = this;
    rc = uv_tcp_bind(l, reinterpret_cast<const sockaddr*>(&addr), 0);
    if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(l), 511, &Server::onConnection);
    if (rc != 0) {
        error = "cannot listen on " + h + ":" + std::to_string(port_.load()) + ": " + uv_strerror(rc);
        uv_close(reinterpret_cast<uv_handle_t*>(l), closeAndDelete);
        return false;
    }
    sockaddr_storage bound{};
    int len = sizeof bound;
    uv_tcp_getsockname(l, reinterpret_cast<sockaddr*>(&bound), &len);
    port_.store(bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                            : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port));
    listener_ = l;
    return true;
}

void Server::closeListener() {
    if (!listener_) return;
    uv_close(reinterpret_cast<uv_handle_t*>(listener_), closeAndDelete);
    listener_ = nullptr;
}

void Server::onConnection(uv_stream_t* listener, int status) {
    auto* s = static_cast<Server*>(listener->data);
    if (status < 0) return;
    auto peer = std::make_unique<Peer>();
    Peer* p = peer.get();
    p->server = s;
    uv_tcp_init(&s->loop_, &p->tcp);
    p->tcp.data = p;
    if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&p->tcp)) != 0) {
        s->rejectedConnections_.fetch_add(1);
        peer.release();
        uv_close(reinterpret_cast<uv_handle_t*>(&p->tcp), [](uv_handle_t* h) { delete static_cast<Peer*>(h->data); });
        return;
    }
    p->id = s->nextClientId();
    uv_tcp_nodelay(&p->tcp, 1);
    sockaddr_storage ss{};
    int len = sizeof ss;
    if (uv_tcp_getpeername(&p->tcp, reinterpret_cast<sockaddr*>(&ss), &len) == 0) p->addr = sockaddrToString(ss);
    len = sizeof ss;
    if (uv_tcp_getsockname(&p->tcp, reinterpret_cast<sockaddr*>(&ss), &len) == 0) p->laddr = sockaddrToString(ss);
    p->createdMs = p->lastMs = wallMs();
    p->authenticated = !s->authRequired_.load();
    uv_read_start(reinterpret_cast<uv_stream_t*>(&p->tcp), &Server::onAlloc, &Server::onRead);
    s->peers_.emplace(p->id, std::move(peer));
    s->connectionsReceived_.fetch_add(1);
    s->clientsChanged(+1);
}

void Server::onAlloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    // One buffer per server: the bytes are copied into the parser at once.
    Server* s = static_cast<Peer*>(h->data)->server;
    *buf = uv_buf_init(s->readBuf_, sizeof s->readBuf_);
}

void Server::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    Peer* p = static_cast<Peer*>(stream->data);
    Server* s = p->server;
    if (nread > 0) {
        p->lastMs = wallMs();
        p->parser.feed(buf->base, static_cast<std::size_t>(nread));
        s->processInput(*p);
    } else if (nread < 0) {
        s->closePeer(*p);
    }
}

void Server::processInput(Peer& p) {
    bool any = false;
    while (!p.closing && !p.closeAfterReply && !p.blocked && !p.overLimit && !hang_.load(std::memory_order_relaxed)) {
        if (p.outputBytes() > kOutputHighWater) {
            // The client does not read its replies: stop reading its requests.
            if (!p.readPaused) {
                uv_read_stop(reinterpret_cast<uv_stream_t*>(&p.tcp));
                p.readPaused = true;
            }
            break;
        }
        p.parser.setUnauthenticated(authRequiredFor(p));
        auto status = p.parser.next();
        if (status == RequestParser::Status::NeedMore) break;
        any = true;
        if (status == RequestParser::Status::Error) {
            p.reply.error(p.parser.error());
            p.closeAfterReply = true;
            break;
        }
        dispatch(p);
        if (checkOutputLimit(p)) break;
    }
    if (any || p.closeAfterReply) markDirty(p);
}

void Server::dispatch(Peer& p) {
    const auto& argv = p.parser.argv();
    commandsProcessed_.fetch_add(1, std::memory_order_relaxed);
    if (hasErrorReply_.load(std::memory_order_relaxed)) {
        std::lock_guard<std::mutex> lk(errorMu_);
        if (!errorReply_.empty()) {
            p.reply.error(errorReply_);
            return;
        }
    }
    // Redis formats these with %s: an argument ends at its first NUL byte.
    auto cstr = [](std::string_view a) { return a.substr(0, a.find('\0')); };
    // Cross-protocol scripting (an HTTP request sent to Redis): the
    // connection is dropped at once, replies not written yet included.
    if (iequals(cstr(argv[0]), "post") || iequals(cstr(argv[0]), "host:")) {
        p.out.clear();
        closePeer(p);
        return;
    }
    const Command* cmd = table_.find(argv[0]);
    if (!cmd) {
        std::string args;
        for (std::size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
            std::size_t room = 128 - args.size();  // "'%.*s' " with 128-sdslen(args)
            args += '\'';
            args.append(cstr(argv[i]).substr(0, room));
            args += "' ";
        }
        std::string msg = "ERR unknown command '";
        msg.append(cstr(argv[0]).substr(0, 128));
        msg += "', with args beginning with: ";
        msg += args;
        reject(p, msg);
        return;
    }
    if (cmd->isContainer() && (argv.size() >= 2 || !cmd->handler)) {
        if (argv.size() < 2) {
            reject(p, wrongArity(cmd->name), cmd);
            return;
        }
        const Command* sub = CommandTable::findSub(*cmd, argv[1]);
        if (!sub) {
            std::string msg = "ERR unknown subcommand '";
            msg.append(cstr(argv[1]).substr(0, 128));
            msg += "'. Try ";
            msg += toUpper(cstr(argv[0]));
            msg += " HELP.";
            reject(p, msg, cmd);
            return;
        }
        cmd = sub;
    }
    auto argc = static_cast<int>(argv.size());
    if ((cmd->arity > 0 && argc != cmd->arity) || argc < -cmd->arity) {
        reject(p, wrongArity(cmd->name), cmd);
        return;
    }
    if (authRequiredFor(p) && !(cmd->flags & kCmdNoAuth)) {
        reject(p, err::kNoAuth, cmd);
        return;
    }
    if (p.proto() == 2 && p.subscriptions() && !(cmd->flags & kCmdPubSub)) {
        reject(p,
               "ERR Can't execute '" + cmd->name +
                   "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
               cmd);
        return;
    }
    std::string refusal = app_.precheck(p, *cmd);
    if (!refusal.empty()) {
        reject(p, refusal, cmd);
        return;
    }
    if (app_.queue(p, *cmd, argv)) return;  // MULTI: queued, not run
    p.lastCmd = cmd->name;
    calls_[cmd->id].fetch_add(1, std::memory_order_relaxed);
    Call call{*this, p, argv, p.reply, *cmd};
    // The exception firewall: whatever a handler throws, the client gets an
    // error instead of what the handler had written, and the server stays up.
    std::size_t mark = p.out.size();
    try {
        app_.execute(call);
    } catch (const std::exception& e) {
        commandFailed(p, mark, cmd->name, e.what());
    } catch (...) {
        commandFailed(p, mark, cmd->name, "unknown exception");
    }
}

void Server::reject(Peer& p, std::string_view msg, const Command* cmd) {
    if (!app_.rejected(p, cmd, msg)) p.reply.error(msg);
}

void Server::commandFailed(Peer& p, std::size_t mark, const std::string& what, const char* why) {
    handlerExceptions_.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "sentinelpool testing server: '%s' threw: %s\n", what.c_str(), why);
    if (p.closing) return;
    if (p.out.size() > mark) p.out.resize(mark);
    p.reply.error("ERR internal error in '" + what + "': " + why);
    markDirty(p);
}

void Server::guarded(const char* what, const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        handlerExceptions_.fetch_add(1, std::memory_order_relaxed);
        std::fprintf(stderr, "sentinelpool testing server: %s threw: %s\n", what, e.what());
    } catch (...) {
        handlerExceptions_.fetch_add(1, std::memory_order_relaxed);
        std::fprintf(stderr, "sentinelpool testing server: %s threw an unknown exception\n", what);
    }
}

void Server::markDirty(Peer& p) {
    if (p.closing) return;
    checkOutputLimit(p);
    if (p.dirty) return;
    p.dirty = true;
    dirty_.push_back(&p);
}

void Server::onPrepare(uv_prepare_t* prepare) {
    auto* s = static_cast<Server*>(prepare->data);
    if (s->dirty_.empty()) return;
    std::vector<Peer*> batch;
    batch.swap(s->dirty_);
    for (Peer* p : batch) {
        p->dirty = false;
        s->flush(*p);
    }
}

bool Server::checkOutputLimit(Peer& p) {
    if (p.overLimit) return true;
    // Redis's checkClientOutputBufferLimits. The normal class has no limit
    // by default; such a client is only paused (its input is not read)
    // while its output is large.
    OutputClass cls = p.subscriptions() ? OutputClass::PubSub : OutputClass::Normal;
    const OutputLimit& l = outputLimits_[static_cast<int>(cls)];
    // What Redis counts: the reply list past the 16 KB static buffer (with
    // its blocks' overhead), not the buffer itself.
    constexpr std::size_t kStaticBuffer = 16 * 1024;
    std::size_t total = p.outputBytes();
    std::size_t used = total > kStaticBuffer ? total - kStaticBuffer : 0;
    bool hard = l.hard && used >= l.hard;
    bool soft = l.soft && used >= l.soft;
    if (soft) {
        std::int64_t now = wallMs();
        if (p.softLimitSinceMs == 0) {
            p.softLimitSinceMs = now;
            soft = false;
        } else if (now - p.softLimitSinceMs <= l.softSeconds * 1000) {
            soft = false;
        }
    } else {
        p.softLimitSinceMs = 0;
    }
    if (!hard && !soft) return false;
    p.overLimit = true;
    p.out.clear();
    p.out.shrink_to_fit();
    outputLimitDisconnections_.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "sentinelpool testing server: client id=%llu addr=%s closed for overcoming of output buffer limits\n",
                 static_cast<unsigned long long>(p.id), p.addr.c_str());
    if (!p.dirty) {
        p.dirty = true;
        dirty_.push_back(&p);
    }
    return true;
}

void Server::flush(Peer& p) {
    if (p.closing) return;
    if (p.overLimit) {
        closePeer(p);
        return;
    }
    if (p.writing) return;
    if (p.out.empty()) {
        if (p.closeAfterReply) closePeer(p);
        return;
    }
    uv_buf_t buf = uv_buf_init(p.out.data(), static_cast<unsigned>(p.out.size()));
    int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&p.tcp), &buf, 1);
    if (n == static_cast<int>(p.out.size())) {
        p.out.clear();
        if (p.closeAfterReply)
            closePeer(p);
        else
            resumeReading(p);
        return;
    }
    if (n < 0 && n != UV_EAGAIN) {
        closePeer(p);
        return;
    }
    std::size_t written = n > 0 ? static_cast<std::size_t>(n) : 0;
    p.inflight.assign(p.out, written, std::string::npos);
    p.out.clear();
    buf = uv_buf_init(p.inflight.data(), static_cast<unsigned>(p.inflight.size()));
    p.writeReq.data = &p;
    if (uv_write(&p.writeReq, reinterpret_cast<uv_stream_t*>(&p.tcp), &buf, 1, &Server::onWrite) != 0) {
        closePeer(p);
        return;
    }
    p.writing = true;
}

void Server::onWrite(uv_write_t* req, int status) {
    Peer* p = static_cast<Peer*>(req->data);
    p->writing = false;
    p->inflight.clear();
    if (p->closing) return;
    Server* s = p->server;
    if (status < 0) {
        s->closePeer(*p);
        return;
    }
    s->resumeReading(*p);
    s->flush(*p);
}

// A client paused for not reading its replies goes on once they drained,
// whether they left through uv_try_write or a completed uv_write.
void Server::resumeReading(Peer& p) {
    if (!p.readPaused || p.out.size() + p.inflight.size() >= kOutputHighWater / 2) return;
    p.readPaused = false;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&p.tcp), &Server::onAlloc, &Server::onRead);
    processInput(p);
}

void Server::closePeer(Peer& p) {
    if (p.closing) return;
    p.closing = true;
    dropSubscriptions(p);
    app_.onPeerClosed(p);
    if (p.dirty) {
        dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), &p), dirty_.end());
        p.dirty = false;
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&p.tcp), [](uv_handle_t* h) {
        Peer* peer = static_cast<Peer*>(h->data);
        Server* s = peer->server;
        s->peers_.erase(peer->id);
        s->clientsChanged(-1);  // once the socket is really closed
    });
}

void Server::unblock(Peer& p) {
    if (!p.blocked) return;
    p.blocked = false;
    processInput(p);
    markDirty(p);
}

Peer* Server::findPeer(std::uint64_t id) {
    auto it = peers_.find(id);
    return it == peers_.end() || it->second->closing ? nullptr : it->second.get();
}

std::size_t Server::closeClients(ClientType type) {
    std::size_t n = 0;
    runSync([&] {
        if (!running_.load() || !accepting_) return;
        for (auto& kv : peers_) {
            Peer& p = *kv.second;
            if (p.closing) continue;
            bool pubsub = p.subscriptions() > 0;
            if (type == ClientType::Any || (type == ClientType::PubSub) == pubsub) {
                closePeer(p);
                ++n;
            }
        }
    });
    return n;
}

// ---- faults ----

void Server::setHang(bool on) {
    bool was = hang_.exchange(on);
    if (was && !on) {
        post([this] {
            for (auto& kv : peers_) processInput(*kv.second);
        });
    }
}

void Server::setRefuse(bool on) {
    bool was = refuse_.exchange(on);
    if (was == on) return;
    std::string error;
    runSync([&] {
        if (!running_.load()) return;
        if (on)
            closeListener();
        else if (!listener_ && !bindListener(error))
            refuse_.store(true);
    });
    if (!error.empty()) throw std::runtime_error(error);
}

std::string Server::errorReply() const {
    std::lock_guard<std::mutex> lk(errorMu_);
    return errorReply_;
}

void Server::killFromLoop() {
    closeListener();
    for (auto& kv : peers_) closePeer(*kv.second);
}

void Server::setErrorReply(std::string msg) {
    std::lock_guard<std::mutex> lk(errorMu_);
    errorReply_ = std::move(msg);
    hasErrorReply_.store(!errorReply_.empty());
}

// ---- auth ----

void Server::setDefaultPassword(const std::string& pass) {
    std::lock_guard<std::mutex> lk(authMu_);
    defaultPass_ = pass;
    defaultHasPass_ = !pass.empty();
    authRequired_.store(defaultHasPass_ || !users_.empty());
}

void Server::addUser(const std::string& user, const std::string& pass) {
    std::lock_guard<std::mutex> lk(authMu_);
    if (user == "default") {
        defaultPass_ = pass;
        defaultHasPass_ = true;
    } else {
        users_[user] = pass;
    }
    authRequired_.store(true);
}

std::string Server::defaultPassword() const {
    std::lock_guard<std::mutex> lk(authMu_);
    return defaultHasPass_ ? defaultPass_ : std::string();
}

bool Server::checkPassword(const std::string& user, const std::string& pass) const {
    std::lock_guard<std::mutex> lk(authMu_);
    if (user == "default") {
        if (!defaultHasPass_) return users_.empty();  // "nopass": any password works
        return pass == defaultPass_;
    }
    auto it = users_.find(user);
    return it != users_.end() && it->second == pass;
}

bool Server::userExists(const std::string& user) const {
    std::lock_guard<std::mutex> lk(authMu_);
    return user == "default" || users_.count(user) > 0;
}

bool Server::defaultUserHasPassword() const {
    std::lock_guard<std::mutex> lk(authMu_);
    return defaultHasPass_ || !users_.empty();
}

void Server::clientsChanged(long delta) {
    std::lock_guard<std::mutex> lk(clientsMu_);
    if (delta > 0)
        connectedClients_.fetch_add(static_cast<std::uint64_t>(delta));
    else
        connectedClients_.fetch_sub(static_cast<std::uint64_t>(-delta));
    clientsCv_.notify_all();
    StateSignal::instance().notify();
}

bool Server::waitForClients(std::size_t n, std::int64_t timeoutMs) const {
    std::unique_lock<std::mutex> lk(clientsMu_);
    return clientsCv_.wait_for(lk, std::chrono::milliseconds(timeoutMs),
                               [&] { return connectedClients_.load() == n; });
}

ServerStats Server::stats() const {
    ServerStats st;
    st.connectionsReceived = connectionsReceived_.load();
    st.connectedClients = connectedClients_.load();
    st.commandsProcessed = commandsProcessed_.load();
    st.rejectedConnections = rejectedConnections_.load();
    st.handlerExceptions = handlerExceptions_.load();
    st.outputLimitDisconnections = outputLimitDisconnections_.load();
    return st;
}

// ---- pub/sub ----

void Server::subscribe(Peer& p, const std::string& channel) {
    if (p.channels.insert(channel).second) channels_[channel].push_back(&p);
}

void Server::unsubscribe(Peer& p, const std::string& channel) {
    if (!p.channels.erase(channel)) return;
    auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &p), v.end());
    if (v.empty()) channels_.erase(it);
}

void Server::psubscribe(Peer& p, const std::string& pattern) {
    if (p.patterns.insert(pattern).second) patterns_[pattern].push_back(&p);
}

void Server::punsubscribe(Peer& p, const std::string& pattern) {
    if (!p.patterns.erase(pattern)) return;
    auto it = patterns_.find(pattern);
    if (it == patterns_.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &p), v.end());
    if (v.empty()) patterns_.erase(it);
}

void Server::ssubscribe(Peer& p, const std::string& channel) {
    if (p.shardChannels.insert(channel).second) shardChannels_[channel].push_back(&p);
}

void Server::sunsubscribe(Peer& p, const std::string& channel) {
    if (!p.shardChannels.erase(channel)) return;
    auto it = shardChannels_.find(channel);
    if (it == shardChannels_.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), &p), v.end());
    if (v.empty()) shardChannels_.erase(it);
}

std::size_t Server::spublish(std::string_view channel, std::string_view message) {
    auto it = shardChannels_.find(std::string(channel));
    if (it == shardChannels_.end()) return 0;
    std::size_t receivers = 0;
    for (Peer* p : it->second) {
        if (p->overLimit) continue;
        p->reply.push(3);
        p->reply.bulk("smessage");
        p->reply.bulk(channel);
        p->reply.bulk(message);
        markDirty(*p);
        ++receivers;
    }
    return receivers;
}

std::vector<std::string> Server::activeShardChannels(std::string_view pattern) const {
    std::vector<std::string> out;
    for (auto& kv : shardChannels_)
        if (pattern.empty() || globMatch(pattern, kv.first)) out.push_back(kv.first);
    return out;
}

std::size_t Server::numShardSubscribers(const std::string& channel) const {
    auto it = shardChannels_.find(channel);
    return it == shardChannels_.end() ? 0 : it->second.size();
}

void Server::dropSubscriptions(Peer& p) {
    auto shard = p.shardChannels;
    for (auto& c : shard) sunsubscribe(p, c);
    auto channels = p.channels;
    for (auto& c : channels) unsubscribe(p, c);
    auto patterns = p.patterns;
    for (auto& pat : patterns) punsubscribe(p, pat);
}

std::size_t Server::publish(std::string_view channel, std::string_view message) {
    std::size_t receivers = 0;
    auto it = channels_.find(std::string(channel));
    if (it != channels_.end()) {
        for (Peer* p : it->second) {
            if (p->overLimit) continue;
            p->reply.push(3);
            p->reply.bulk("message");
            p->reply.bulk(channel);
            p->reply.bulk(message);
            markDirty(*p);
            ++receivers;
        }
    }
    for (auto& kv : patterns_) {
        if (!globMatch(kv.first, channel)) continue;
        for (Peer* p : kv.second) {
            if (p->overLimit) continue;
            p->reply.push(4);
            p->reply.bulk("pmessage");
            p->reply.bulk(kv.first);
            p->reply.bulk(channel);
            p->reply.bulk(message);
            markDirty(*p);
            ++receivers;
        }
    }
    return receivers;
}

std::vector<std::string> Server::activeChannels(std::string_view pattern) const {
    std::vector<std::string> out;
    for (auto& kv : channels_)
        if (pattern.empty() || globMatch(pattern, kv.first)) out.push_back(kv.first);
    return out;
}

std::size_t Server::numSubscribers(const std::string& channel) const {
    auto it = channels_.find(channel);
    return it == channels_.end() ? 0 : it->second.size();
}

std::size_t Server::numPatterns() const { return patterns_.size(); }

// ---- timers ----

std::uint64_t Server::setTimeout(std::uint64_t ms, std::function<void()> fn) {
    return timers_.add(ms, [this, fn = std::move(fn)] { guarded("a timer", fn); });
}

void Server::cancelTimeout(std::uint64_t id) { timers_.cancel(id); }

}  // namespace sentinelpool::testing::detail
