#include "redis/mini_redis_core.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>

#include "redis/registry.hpp"
#include "server/state_signal.hpp"

namespace sentinelpool::testing::detail {

namespace {

std::size_t respLength(const std::vector<std::string>& argv) {
    auto digits = [](std::size_t n) {
        std::size_t d = 1;
        while (n >= 10) {
            n /= 10;
            ++d;
        }
        return d;
    };
    std::size_t n = 1 + digits(argv.size()) + 2;
    for (auto& a : argv) n += 1 + digits(a.size()) + 2 + a.size() + 2;
    return n;
}

constexpr std::uint64_t kActiveExpireMs = 100;

}  // namespace

const CommandTable& miniRedisCommands() {
    static const CommandTable table = [] {
        CommandTable t;
        registerConnectionCommands(t, false);
        registerPubSubCommands(t, false);
        registerKeyCommands(t);
        registerStringCommands(t);
        registerHashCommands(t);
        registerServerCommands(t);
        registerConfigCommands(t);
        registerTransactionCommands(t);
        return t;
    }();
    return table;
}

MiniRedisCore::MiniRedisCore(MiniRedisOptions options)
    : options_(std::move(options)),
      replId_(randomHexId()),
      replId2_(40, '0'),
      masterPeer_(std::make_unique<Peer>()),
      server_(miniRedisCommands(), *this) {
    masterPeer_->authenticated = true;
    masterPeer_->name = "master-link";
    if (!options_.requirePass.empty()) server_.setDefaultPassword(options_.requirePass);
}

MiniRedisCore::~MiniRedisCore() { stop(); }

std::string MiniRedisCore::runId() const {
    std::lock_guard<std::mutex> lk(runIdMu_);
    return runId_;
}

void MiniRedisCore::start() {
    {
        std::lock_guard<std::mutex> lk(runIdMu_);
        runId_ = randomHexId();  // a restarted server is a new process
    }
    server_.start(options_.host, options_.port);
    // Later restarts reuse the port the kernel picked.
    options_.port = server_.port();
    startedMs_.store(wallMs());
    bool replica;
    std::uint64_t gen;
    {
        std::lock_guard<std::mutex> lk(mu_);
        running_ = true;
        acceptingReplicas_ = true;
        replica = isReplica_;
        gen = isReplica_ ? ++linkGen_ : 0;
    }
    auto self = shared_from_this();
    Registry::instance().add(options_.host, options_.port, self);
    if (replica) connectToMaster(gen);
    server_.post([this] { scheduleActiveExpire(); });
    StateSignal::instance().notify();
}

void MiniRedisCore::stop() {
    if (!server_.running()) return;
    Registry::instance().remove(options_.host, options_.port, this);
    Registry::instance().cancelWaits(this);
    std::vector<std::shared_ptr<ReplicaLink>> downstream;
    std::shared_ptr<ReplicaLink> up;
    {
        std::lock_guard<std::mutex> lk(mu_);
        running_ = false;
        acceptingReplicas_ = false;
        downstream.swap(replicas_);
        up = std::move(upstream_);
        linkUp_ = false;
        syncCv_.notify_all();
    }
    // Our replicas lose their link once they applied what we sent them.
    for (auto& link : downstream) {
        if (auto r = link->replica.lock()) {
            MiniRedisCore* raw = r.get();
            std::uint64_t gen = link->generation;
            r->server_.post([raw, gen] { raw->linkDown(gen); });
        }
    }
    if (up)
        if (auto m = up->master.lock()) m->detach(up.get());
    server_.stop();
    StateSignal::instance().notify();
}

void MiniRedisCore::onStop() {
    // Loop thread, server stopping: WAIT callers' timers close with the
    // server; forget them.
    waiters_.clear();
}

// ---------------------------------------------------------------------------
// Commands

std::string MiniRedisCore::precheck(Peer& p, const Command& cmd) {
    if ((cmd.flags & kCmdWrite) && replicaFlag_.load() && &p != masterPeer_.get()) return err::kReadOnly;
    return {};
}

void MiniRedisCore::execute(Call& call) {
    if (call.cmd.flags & kCmdNoLock) {
        call.cmd.handler(call);
        return;
    }
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<Propagation> props;
    runLocked(call, props);
    if (props.empty()) return;
    propagateAllLocked(props, false);
    call.peer.lastWriteOffset = static_cast<std::uint64_t>(replOffset_);
}

void MiniRedisCore::runLocked(Call& call, std::vector<Propagation>& out) {
    dirty_ = false;
    emits_.clear();
    // Restored however the handler leaves (Server::dispatch catches what
    // it throws).
    struct Mode {
        unsigned& mode;
        ~Mode() { mode = kLookupNoNotify; }
    } restore{lookupMode_};
    lookupMode_ = (call.cmd.flags & kCmdWrite) ? unsigned(kLookupWrite) : 0u;
    call.cmd.handler(call);
    if (!readyKeys_.empty()) serveReadyKeys();
    if (!dirty_) return;
    if (emits_.empty()) {
        out.push_back(Propagation{call.peer.db, std::vector<std::string>(call.argv.begin(), call.argv.end())});
    } else {
        for (auto& e : emits_) out.push_back(Propagation{call.peer.db, std::move(e)});
    }
    emits_.clear();
}

void MiniRedisCore::propagateAllLocked(std::vector<Propagation>& props, bool transaction) {
    if (replicas_.empty()) return;
    // As Redis 7.0: writes of one EXEC (or of one command that replicates as
    // several) reach replicas wrapped in MULTI/EXEC when there are several.
    bool wrap = transaction ? props.size() > 1 : false;
    if (wrap) propagateLocked(props.front().db, {"MULTI"});
    for (auto& p : props) propagateLocked(p.db, std::move(p.argv));
    if (wrap) propagateLocked(props.back().db, {"EXEC"});
}

std::string_view MiniRedisCore::role() const { return replicaFlag_.load() ? "replica" : "master"; }

void MiniRedisCore::onPeerClosed(Peer& p) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        discardLocked(p.id);
    }
    for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
        if (it->peerId == p.id) {
            if (it->timer) server_.cancelTimeout(it->timer);
            waiters_.erase(it);
            break;
        }
    }
}

Value* MiniRedisCore::lookup(int dbIndex, std::string_view key, unsigned flags) {
    flags |= lookupMode_;
    Db& d = data_.dbs[dbIndex];
    Value* v = d.find(key);
    if (v && v->expireAtMs >= 0 && v->expireAtMs <= nowMs() && !applying_) {
        if (!isReplica_) {
            d.erase(key);
            ++expiredKeys_;
            notify(kNotifyExpired, "expired", key, dbIndex);
            keyModified(dbIndex, key);
            propagateLocked(dbIndex, {"DEL", std::string(key)});
        }
        v = nullptr;
    }
    if (v) {
        if (!(flags & kLookupNoTouch)) v->accessMs = nowMs();
    } else if (!(flags & (kLookupNoNotify | kLookupWrite))) {
        notify(kNotifyKeyMiss, "keymiss", key, dbIndex);
    }
    return v;
}

Value& MiniRedisCore::addKey(int dbIndex, std::string_view key, ValueType t) {
    Value& v = data_.dbs[dbIndex].slot(key);
    v.reset(t);
    v.accessMs = nowMs();
    notify(kNotifyNew, "new", key, dbIndex);
    return v;
}

bool MiniRedisCore::dropIfEmpty(int dbIndex, std::string_view key) {
    Db& d = data_.dbs[dbIndex];
    Value* v = d.find(key);
    if (!v || !v->emptyCollection()) return false;
    d.erase(key);
    notify(kNotifyGeneric, "del", key, dbIndex);
    return true;
}

void MiniRedisCore::keyModified(int dbIndex, std::string_view key) {
    if (watchers_.empty()) return;
    auto it = watchers_.find(std::make_pair(dbIndex, std::string(key)));
    if (it == watchers_.end()) return;
    bool gone = data_.dbs[dbIndex].find(key) == nullptr;
    for (std::uint64_t id : it->second) {
        auto t = txs_.find(id);
        if (t == txs_.end()) continue;
        for (auto& w : t->second.watched) {
            if (w.db != dbIndex || w.key != key) continue;
            // Redis 7.0: a key already expired when watched, now deleted,
            // is logically unchanged.
            if (w.expired && gone) {
                w.expired = false;
                break;
            }
            t->second.dirtyCas = true;
            break;
        }
    }
}

void MiniRedisCore::dbModified(int dbIndex) {
    // Called before the database is emptied or replaced: a watched key that
    // exists there now is touched (touchAllWatchedKeysInDb).
    if (watchers_.empty()) return;
    for (auto& kv : watchers_) {
        int d = kv.first.first;
        if (dbIndex >= 0 && d != dbIndex) continue;
        if (!data_.dbs[d].find(kv.first.second)) continue;
        for (std::uint64_t id : kv.second) {
            auto t = txs_.find(id);
            if (t != txs_.end()) t->second.dirtyCas = true;
        }
    }
}

void MiniRedisCore::keyReady(int dbIndex, std::string_view key) {
    for (auto& r : readyKeys_)
        if (r.db == dbIndex && r.key == key) return;
    readyKeys_.push_back(ReadyKey{dbIndex, std::string(key)});
}

void MiniRedisCore::serveReadyKeys() {
    // Blocking commands hang off this: clients blocked on these keys are
    // served in order (first come, first served).
    readyKeys_.clear();
}

void MiniRedisCore::notify(unsigned cls, std::string_view event, std::string_view key, int dbIndex) {
    unsigned flags = notifyFlags_;
    if (!(flags & cls) || !(flags & (kNotifyKeyspace | kNotifyKeyevent))) return;
    std::string dbs = std::to_string(dbIndex);
    if (flags & kNotifyKeyspace) {
        std::string ch = "__keyspace@" + dbs + "__:";
        ch.append(key.data(), key.size());
        publishNotification(std::move(ch), std::string(event));
    }
    if (flags & kNotifyKeyevent) {
        std::string ch = "__keyevent@" + dbs + "__:";
        ch.append(event.data(), event.size());
        publishNotification(std::move(ch), std::string(key));
    }
}

void MiniRedisCore::publishNotification(std::string channel, std::string message) {
    if (server_.onLoopThread()) {
        server_.publish(channel, message);
        return;
    }
    server_.post([this, channel = std::move(channel), message = std::move(message)] {
        server_.publish(channel, message);
    });
}

void MiniRedisCore::expireNowLocked() {
    if (isReplica_) return;
    std::int64_t now = nowMs();
    for (int i = 0; i < Keyspace::kDatabases; ++i) {
        Db& d = data_.dbs[i];
        if (d.volatileKeys.empty()) continue;
        std::vector<std::string> expired;
        for (auto& k : d.volatileKeys) {
            Value* v = d.find(k);
            if (v && v->expireAtMs <= now) expired.push_back(k);
        }
        for (auto& k : expired) {
            d.erase(k);
            ++expiredKeys_;
            notify(kNotifyExpired, "expired", k, i);
            keyModified(i, k);
            propagateLocked(i, {"DEL", k});
        }
    }
}

void MiniRedisCore::scheduleActiveExpire() {
    // Like Redis's active expire cycle: keys that nobody reads still go away,
    // and replicas get their DEL.
    server_.setTimeout(kActiveExpireMs, [this] {
        {
            std::lock_guard<std::mutex> lk(mu_);
            expireNowLocked();
        }
        scheduleActiveExpire();
    });
}

// ---------------------------------------------------------------------------
// Replication: master side

void MiniRedisCore::propagateLocked(int db, std::vector<std::string> argv) {
    if (replicas_.empty()) return;  // like Redis: no backlog, offset stays
    if (db != lastPropagatedDb_) {
        replOffset_ += static_cast<std::int64_t>(respLength({"SELECT", std::to_string(db)}));
        lastPropagatedDb_ = db;
    }
    replOffset_ += static_cast<std::int64_t>(respLength(argv));
    auto shared = std::make_shared<const std::vector<std::string>>(std::move(argv));
    for (auto& link : replicas_) {
        auto r = link->replica.lock();
        if (!r) continue;
        MiniRedisCore* raw = r.get();
        std::int64_t offset = replOffset_;
        std::uint64_t gen = link->generation;
        r->server_.post([raw, shared, db, offset, gen] { raw->applyCommand(gen, db, *shared, offset); });
    }
}

bool MiniRedisCore::attach(const std::shared_ptr<MiniRedisCore>& replica, std::uint64_t generation) {
    auto link = std::make_shared<ReplicaLink>();
    link->replica = replica;
    link->master = weak_from_this();
    link->generation = generation;
    link->ip = replica->host();
    link->port = replica->port();
    std::lock_guard<std::mutex> lk(mu_);
    if (!acceptingReplicas_) return false;
    replicas_.push_back(link);
    lastPropagatedDb_ = -1;
    link->ackOffset.store(replOffset_);
    // Posted under our lock, so it reaches the replica before any write we
    // propagate after it.
    auto snapshot = std::make_shared<Keyspace>(data_);
    MiniRedisCore* raw = replica.get();
    std::int64_t offset = replOffset_;
    std::string id = replId_;
    replica->server_.post([raw, generation, link, snapshot, offset, id] {
        raw->applySnapshot(generation, link, std::move(*snapshot), offset, id);
    });
    return true;
}

void MiniRedisCore::detach(const ReplicaLink* link) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        replicas_.erase(std::remove_if(replicas_.begin(), replicas_.end(),
                                       [link](const std::shared_ptr<ReplicaLink>& l) { return l.get() == link; }),
                        replicas_.end());
    }
    server_.post([this] { checkWaiters(); });
}

std::size_t MiniRedisCore::countAckedLocked(std::int64_t offset) const {
    std::size_t n = 0;
    for (auto& link : replicas_)
        if (link->ackOffset.load() >= offset) ++n;
    return n;
}

void MiniRedisCore::waitCommand(Call& call, long long numReplicas, long long timeoutMs) {
    if (isReplica_) {
        call.reply.error(
            "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica "
            "is configured to be writable (which is not the default) writes to replicas are just local and are "
            "not propagated.");
        return;
    }
    auto offset = static_cast<std::int64_t>(call.peer.lastWriteOffset);
    std::size_t acked = countAckedLocked(offset);
    // Inside EXEC it answers at once, as Redis does for clients that may
    // not block.
    if (static_cast<long long>(acked) >= numReplicas || !blockingAllowed()) {
        call.reply.integer(static_cast<long long>(acked));
        return;
    }
    call.peer.blocked = true;
    std::uint64_t peerId = call.peer.id;
    std::uint64_t timer = 0;
    if (timeoutMs > 0)
        timer = server_.setTimeout(static_cast<std::uint64_t>(timeoutMs), [this, peerId] { finishWait(peerId, true); });
    waiters_.push_back(Waiter{peerId, offset, numReplicas, timer});
    for (auto& link : replicas_) link->wantAck.store(true);
}

void MiniRedisCore::checkWaiters() {
    std::vector<std::uint64_t> done;
    {
        std::lock_guard<std::mutex> lk(mu_);
        for (auto& w : waiters_)
            if (static_cast<long long>(countAckedLocked(w.offset)) >= w.numReplicas) done.push_back(w.peerId);
    }
    for (auto id : done) finishWait(id, false);
}

void MiniRedisCore::finishWait(std::uint64_t peerId, bool timedOut) {
    auto it = std::find_if(waiters_.begin(), waiters_.end(), [peerId](const Waiter& w) { return w.peerId == peerId; });
    if (it == waiters_.end()) return;
    Waiter w = *it;
    waiters_.erase(it);
    if (!timedOut && w.timer) server_.cancelTimeout(w.timer);
    std::size_t acked;
    {
        std::lock_guard<std::mutex> lk(mu_);
        acked = countAckedLocked(w.offset);
        if (waiters_.empty())
            for (auto& link : replicas_) link->wantAck.store(false);
    }
    Peer* p = server_.findPeer(peerId);
    if (!p) return;
    p->reply.integer(static_cast<long long>(acked));
    server_.unblock(*p);  // runs the peer's next commands; takes mu_ itself
}

// ---------------------------------------------------------------------------
// Replication: replica side

bool MiniRedisCore::replicaOf(const std::string& host, int port) {
    // Like the command, it runs on this instance's loop: after the writes its
    // master already sent it, as a real replica handles its input in order.
    if (server_.running() && !server_.onLoopThread()) {
        bool changed = false;
        server_.runSync([&] { changed = replicaOf(host, port); });
        return changed;
    }
    std::shared_ptr<ReplicaLink> old;
    std::uint64_t gen;
    bool running;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (isReplica_ && masterHost_ == host && masterPort_ == port) return false;
        old = std::move(upstream_);
        isReplica_ = true;
        replicaFlag_.store(true);
        masterHost_ = host;
        masterPort_ = port;
        linkUp_ = false;
        linkDownSinceMs_ = -1;
        gen = ++linkGen_;
        running = running_;
        syncCv_.notify_all();
    }
    Registry::instance().cancelWaits(this);
    if (old)
        if (auto m = old->master.lock()) m->detach(old.get());
    if (running) connectToMaster(gen);
    StateSignal::instance().notify();
    return true;
}

void MiniRedisCore::promote() {
    if (server_.running() && !server_.onLoopThread()) {  // see replicaOf()
        server_.runSync([this] { promote(); });
        return;
    }
    std::shared_ptr<ReplicaLink> old;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!isReplica_) return;
        isReplica_ = false;
        replicaFlag_.store(false);
        replicaInMulti_ = false;
        replicaTxBuffer_.clear();
        old = std::move(upstream_);
        linkUp_ = false;
        ++linkGen_;
        masterHost_.clear();
        masterPort_ = 0;
        // A promoted replica keeps its history under a new id, as Redis does.
        replId2_ = replId_;
        secondReplOffset_ = replOffset_ + 1;
        replId_ = randomHexId();
        syncCv_.notify_all();
    }
    Registry::instance().cancelWaits(this);
    if (old)
        if (auto m = old->master.lock()) m->detach(old.get());
    StateSignal::instance().notify();
}

void MiniRedisCore::masterAvailable(std::uint64_t generation) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!running_ || !isReplica_ || generation != linkGen_ || linkUp_) return;
    }
    connectToMaster(generation);
}

void MiniRedisCore::connectToMaster(std::uint64_t generation) {
    auto self = shared_from_this();
    std::string host;
    int port;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!running_ || !isReplica_ || generation != linkGen_) return;
        host = masterHost_;
        port = masterPort_;
    }
    for (;;) {
        auto master = Registry::instance().findOrWait(host, port, self, generation);
        if (!master) return;  // called back when an instance starts there
        if (master.get() == this) {
            Registry::instance().cancelWaits(this);
            return;  // a replica of itself never links, as in Redis
        }
        if (master->attach(self, generation)) return;
        // That master is stopping and has left the registry: wait for the next.
    }
}

void MiniRedisCore::applySnapshot(std::uint64_t generation, const std::shared_ptr<ReplicaLink>& link,
                                  Keyspace&& snapshot, std::int64_t offset, const std::string& replId) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!isReplica_ || generation != linkGen_) return;
    dbModified(-1);
    data_ = std::move(snapshot);
    replicaInMulti_ = false;
    replicaTxBuffer_.clear();
    replOffset_ = offset;
    replId_ = replId;
    linkUp_ = true;
    linkDownSinceMs_ = -1;
    lastIoMs_ = wallMs();
    upstream_ = link;
    link->ackOffset.store(offset);
    // Our own replicas (a chain) resynchronise from the new data.
    auto downstream = replicas_;
    replicas_.clear();
    lastPropagatedDb_ = -1;
    for (auto& l : downstream) {
        auto r = l->replica.lock();
        if (!r) continue;
        auto copy = std::make_shared<Keyspace>(data_);
        replicas_.push_back(l);
        MiniRedisCore* raw = r.get();
        std::uint64_t gen = l->generation;
        std::string id = replId_;
        r->server_.post([raw, gen, l, copy, offset, id] { raw->applySnapshot(gen, l, std::move(*copy), offset, id); });
    }
    ackToMasterLocked();
    syncCv_.notify_all();
    StateSignal::instance().notify();
}

void MiniRedisCore::applyCommand(std::uint64_t generation, int db, const std::vector<std::string>& argv,
                                 std::int64_t offset) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!isReplica_ || generation != linkGen_ || !linkUp_) return;
    // A transaction from the master is applied as one, at its EXEC, so
    // nobody sees half of it (a link lost before EXEC drops it, as Redis).
    if (iequals(argv[0], "multi")) {
        replicaInMulti_ = true;
        replicaTxBuffer_.clear();
        replOffset_ = offset;
        return;
    }
    if (replicaInMulti_ && !iequals(argv[0], "exec")) {
        replicaTxBuffer_.emplace_back(db, argv);
        replOffset_ = offset;
        return;
    }
    if (replicaInMulti_) {
        replicaInMulti_ = false;
        auto batch = std::move(replicaTxBuffer_);
        replicaTxBuffer_.clear();
        std::vector<Propagation> props;
        for (auto& [bdb, bargv] : batch) {
            applyOneLocked(bdb, bargv);
            props.push_back(Propagation{bdb, bargv});
        }
        propagateAllLocked(props, true);
        replOffset_ = offset;
        lastIoMs_ = wallMs();
        ackToMasterLocked();
        syncCv_.notify_all();
        return;
    }
    applyOneLocked(db, argv);
    if (!replicas_.empty()) propagateLocked(db, argv);
    replOffset_ = offset;
    lastIoMs_ = wallMs();
    ackToMasterLocked();
    syncCv_.notify_all();
}

void MiniRedisCore::applyOneLocked(int db, const std::vector<std::string>& argv) {
    const Command* cmd = miniRedisCommands().find(argv[0]);
    if (cmd && cmd->isContainer() && argv.size() > 1) cmd = CommandTable::findSub(*cmd, argv[1]);
    if (cmd && cmd->handler) {
        std::vector<std::string_view> views(argv.begin(), argv.end());
        masterPeer_->db = db;
        applying_ = true;
        dirty_ = false;
        emits_.clear();
        lookupMode_ = kLookupWrite;
        Call call{server_, *masterPeer_, views, masterPeer_->reply, *cmd};
        try {
            cmd->handler(call);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "MiniRedis: replicated %s threw: %s\n", cmd->name.c_str(), e.what());
        }
        if (!readyKeys_.empty()) serveReadyKeys();
        lookupMode_ = kLookupNoNotify;
        applying_ = false;
        masterPeer_->out.clear();
    }
}

void MiniRedisCore::ackToMasterLocked() {
    if (!upstream_) return;
    upstream_->ackOffset.store(replOffset_);
    if (!upstream_->wantAck.load()) return;
    if (auto m = upstream_->master.lock()) {
        MiniRedisCore* raw = m.get();
        m->server_.post([raw] { raw->checkWaiters(); });
    }
}

void MiniRedisCore::linkDown(std::uint64_t generation) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!isReplica_ || generation != linkGen_) return;
        linkUp_ = false;
        linkDownSinceMs_ = wallMs();
        upstream_.reset();
        replicaInMulti_ = false;  // a transaction cut short never applies
        replicaTxBuffer_.clear();
        syncCv_.notify_all();
    }
    StateSignal::instance().notify();
    // Wait for an instance at the master's address (it may come back).
    connectToMaster(generation);
}

ReplicationState MiniRedisCore::replicationState() const {
    std::lock_guard<std::mutex> lk(mu_);
    ReplicationState st;
    st.isReplica = isReplica_;
    st.masterHost = masterHost_;
    st.masterPort = masterPort_;
    st.linkUp = linkUp_;
    st.offset = replOffset_;
    st.replId = replId_;
    for (auto& l : replicas_) st.replicas.push_back(l->ip + ":" + std::to_string(l->port));
    return st;
}

bool MiniRedisCore::waitForSync(std::int64_t timeoutMs) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::unique_lock<std::mutex> lk(mu_);
    if (!isReplica_) return false;
    if (!syncCv_.wait_until(lk, deadline, [this] { return !isReplica_ || linkUp_; }) || !isReplica_) return false;
    auto master = upstream_ ? upstream_->master.lock() : nullptr;
    if (!master) return false;
    lk.unlock();
    std::int64_t target;
    {
        std::lock_guard<std::mutex> mlk(master->mu_);
        target = master->replOffset_;
    }
    lk.lock();
    return syncCv_.wait_until(lk, deadline, [&] { return !isReplica_ || !linkUp_ || replOffset_ >= target; }) &&
           isReplica_ && linkUp_;
}

void MiniRedisCore::infoReplicationLocked(std::string& out) const {
    auto line = [&out](const std::string& k, const std::string& v) {
        out += k;
        out += ':';
        out += v;
        out += "\r\n";
    };
    out += "# Replication\r\n";
    if (isReplica_) {
        line("role", "slave");
        line("master_host", masterHost_);
        line("master_port", std::to_string(masterPort_));
        line("master_link_status", linkUp_ ? "up" : "down");
        line("master_last_io_seconds_ago", linkUp_ ? std::to_string((wallMs() - lastIoMs_) / 1000) : "-1");
        line("master_sync_in_progress", "0");
        line("slave_read_repl_offset", std::to_string(replOffset_));
        line("slave_repl_offset", std::to_string(replOffset_));
        if (!linkUp_)
            line("master_link_down_since_seconds",
                 linkDownSinceMs_ < 0 ? "-1" : std::to_string((wallMs() - linkDownSinceMs_) / 1000));
        line("slave_priority", std::to_string(replicaPriority_));
        line("slave_read_only", "1");
        line("replica_announced", "1");
    } else {
        line("role", "master");
    }
    line("connected_slaves", std::to_string(replicas_.size()));
    for (std::size_t i = 0; i < replicas_.size(); ++i) {
        auto& l = replicas_[i];
        line("slave" + std::to_string(i), "ip=" + l->ip + ",port=" + std::to_string(l->port) +
                                              ",state=online,offset=" + std::to_string(l->ackOffset.load()) + ",lag=0");
    }
    bool backlog = !replicas_.empty() || isReplica_ || replOffset_ > 0;
    line("master_failover_state", "no-failover");
    line("master_replid", replId_);
    line("master_replid2", replId2_);
    line("master_repl_offset", std::to_string(replOffset_));
    line("second_repl_offset", std::to_string(secondReplOffset_));
    line("repl_backlog_active", backlog ? "1" : "0");
    line("repl_backlog_size", "1048576");
    line("repl_backlog_first_byte_offset", backlog ? "1" : "0");
    line("repl_backlog_histlen", std::to_string(replOffset_));
}

void MiniRedisCore::roleReplyLocked(Reply& r) const {
    if (isReplica_) {
        r.array(5);
        r.bulk("slave");
        r.bulk(masterHost_);
        r.integer(masterPort_);
        r.bulk(linkUp_ ? "connected" : "connect");
        r.integer(linkUp_ ? replOffset_ : -1);
        return;
    }
    r.array(3);
    r.bulk("master");
    r.integer(replOffset_);
    r.array(replicas_.size());
    for (auto& l : replicas_) {
        r.array(3);
        r.bulk(l->ip);
        r.bulk(std::to_string(l->port));
        r.bulk(std::to_string(l->ackOffset.load()));
    }
}

}  // namespace sentinelpool::testing::detail
