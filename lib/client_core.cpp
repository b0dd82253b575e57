#include "client_core.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "watcher.hpp"

namespace sentinelpool::detail {

namespace {
void validate(const Options& o) {
    auto bad = [](const std::string& why) { throw Error(Errc::InvalidArgument, Stage::Startup, why); };
    if (o.sentinels.empty()) bad("Options::sentinels is empty");
    for (auto& a : o.sentinels)
        if (a.host.empty() || a.port <= 0 || a.port > 65535) bad("invalid Sentinel address '" + a.toString() + "'");
    if (o.poolSize == 0) bad("Options::poolSize must be > 0");
    if (o.resolveTimeout.count() <= 0) bad("Options::resolveTimeout must be > 0");
    if (o.database < 0) bad("Options::database must be >= 0");
    for (auto* t : {&o.sentinelTimeout, &o.connectTimeout, &o.commandTimeout, &o.waitTimeout, &o.maxIdle,
                    &o.maxLifetime, &o.startupTimeout, &o.reconcileInterval, &o.reconnectMin, &o.reconnectMax})
        if (t->count() < 0) bad("negative timeouts are invalid");
    if (o.probeInterval.count() <= 0 || o.failoverConfirmTimeout.count() <= 0)
        bad("Options::probeInterval and failoverConfirmTimeout must be > 0");
    if (o.reconnectMin.count() <= 0 || o.reconnectMax < o.reconnectMin)
        bad("Options::reconnectMin must be > 0 and reconnectMax >= reconnectMin");
}
}  // namespace

PoolRef makeReplicaPool(std::weak_ptr<ClientCore> owner, const std::string& name, const Options& opts) {
    return PoolRef(new PoolCore(std::move(owner), name, Role::Replica, opts), [](PoolCore* p) { p->retire(); });
}

MasterEntry::~MasterEntry() { master->retire(); }

ClientCore::ClientCore(Options options) : opts_(std::move(options)) {
    validate(opts_);
    auto empty = std::make_unique<const Table>();
    table_.store(empty.get());
    tables_.push_back(std::move(empty));
    watcher_ = std::make_unique<Watcher>(*this);
}

ClientCore::~ClientCore() { close(); }

void ClientCore::start() { watcher_->start(); }

void ClientCore::close() {
    if (closed_.exchange(true)) return;
    watcher_->stop();
    const Table* t = table_.load(std::memory_order_acquire);
    for (auto& kv : t->entries) {
        kv.second->master->close();
        std::lock_guard<std::mutex> lk(kv.second->replicas.mu);
        for (auto& p : kv.second->replicas.pools) p.second->close();
        kv.second->replicas.cv.notify_all();
    }
}

MasterEntry* ClientCore::Table::find(std::string_view name) const {
    if (!index.empty()) {
        auto it = index.find(name);
        return it == index.end() ? nullptr : it->second;
    }
    for (auto& kv : entries)
        if (kv.first.size() == name.size() && std::string_view(kv.first) == name) return kv.second.get();
    return nullptr;
}

std::unique_ptr<const ClientCore::Table> ClientCore::Table::with(const std::string& name,
                                                                   std::shared_ptr<MasterEntry> e) const {
    auto t = std::make_unique<Table>();
    t->entries.reserve(entries.size() + 1);
    t->entries = entries;
    t->entries.emplace_back(name, std::move(e));
    if (t->entries.size() >= kIndexFrom)
        for (auto& kv : t->entries) t->index.emplace(std::string_view(kv.first), kv.second.get());
    return t;
}

MasterEntry* ClientCore::find(std::string_view name) {
    return table_.load(std::memory_order_acquire)->find(name);
}

MasterEntry& ClientCore::entry(std::string_view name) {
    if (MasterEntry* e = find(name)) return *e;
    std::lock_guard<std::mutex> lk(tableMu_);
    const Table* t = table_.load(std::memory_order_acquire);
    if (MasterEntry* e = t->find(name)) return *e;
    // Copy on write: readers keep using the old snapshot, which stays alive.
    auto e = std::make_shared<MasterEntry>();
    e->name = std::string(name);
    e->master = new PoolCore(weak_from_this(), e->name, Role::Master, opts_);
    if (closed_.load()) e->master->close();
    MasterEntry& ref = *e;
    auto copy = t->with(ref.name, std::move(e));
    table_.store(copy.get(), std::memory_order_release);
    tables_.push_back(std::move(copy));
    return ref;
}

std::vector<std::string> ClientCore::names() const {
    const Table* t = table_.load(std::memory_order_acquire);
    std::vector<std::string> out;
    for (auto& kv : t->entries) out.push_back(kv.first);
    return out;
}

void ClientCore::requestResolve(const std::string& name) { watcher_->resolve(name); }

void ClientCore::nodeFailed(const std::string& name, Role role, const Address& node, std::uint64_t generation,
                            Detector d, const std::string& reason) {
    watcher_->nodeFailed(name, role, node, generation, d, reason);
}

void ClientCore::applyMaster(const std::string& name, const NodeTarget& target, std::uint64_t epoch, Detector d) {
    MasterEntry* e = find(name);
    if (!e) return;
    bool wasResolved = e->master->resolved();
    Address from = wasResolved ? e->master->target().address : Address{};
    bool changed = e->master->setTarget(target, epoch);
    if (!changed) return;
    if (wasResolved) {
        counters_.switches.fetch_add(1, std::memory_order_relaxed);
        if (opts_.failoverPolicy == FailoverPolicy::Abort) e->master->abortCheckedOut();
    }
    if (opts_.callbacks.onMasterSwitch)
        opts_.callbacks.onMasterSwitch(
            MasterSwitch{name, from, target.address, d, epoch, e->master->generation()});
}

void ClientCore::resolveFailed(const std::string& name, const Error& err) {
    if (MasterEntry* e = find(name)) e->master->setFailed(err);
}

void ClientCore::applyReplicas(const std::string& name, const std::vector<NodeTarget>& replicas) {
    MasterEntry* e = find(name);
    if (!e) return;
    ReplicaSet& rs = e->replicas;
    std::vector<PoolRef> retired;
    bool changed;
    {
        std::lock_guard<std::mutex> lk(rs.mu);
        std::vector<std::pair<NodeTarget, PoolRef>> next;
        for (auto& t : replicas) {
            auto it = std::find_if(rs.pools.begin(), rs.pools.end(), [&](const std::pair<NodeTarget, PoolRef>& p) {
                return p.first.address == t.address;
            });
            if (it != rs.pools.end()) {
                next.push_back(*it);
                rs.pools.erase(it);
            } else {
                PoolRef p = makeReplicaPool(weak_from_this(), name, opts_);
                p->setTarget(t, 0);
                if (closed_.load()) p->close();
                next.emplace_back(t, p);
            }
        }
        changed = !rs.pools.empty() || next.size() != replicas.size() || !rs.resolved;
        for (auto& p : rs.pools) retired.push_back(p.second);
        changed = changed || !retired.empty();
        rs.pools = std::move(next);
        rs.resolved = true;
        rs.resolving = false;
        rs.lastError.reset();
        ++rs.outcomes;
        rs.cv.notify_all();
    }
    retired.clear();  // outside the lock: the last reference retires its pool
    if (changed && opts_.callbacks.onReplicasChange) {
        ReplicasChange c;
        c.name = name;
        for (auto& t : replicas) c.replicas.push_back(t.address);
        opts_.callbacks.onReplicasChange(c);
    }
}

void ClientCore::replicasFailed(const std::string& name, const Error& err) {
    MasterEntry* e = find(name);
    if (!e) return;
    std::lock_guard<std::mutex> lk(e->replicas.mu);
    e->replicas.resolving = false;
    e->replicas.lastError = err;
    e->replicas.lastFailMs = steadyMs();
    ++e->replicas.outcomes;
    e->replicas.cv.notify_all();
}

Connection ClientCore::getReplica(std::string_view nameView) {
    MasterEntry& e = entry(nameView);
    const std::string& name = e.name;
    ReplicaSet& rs = e.replicas;
    std::vector<std::pair<NodeTarget, PoolRef>> candidates;
    {
        std::unique_lock<std::mutex> lk(rs.mu);
        while (!rs.resolved) {
            if (closed_.load()) throw Error(Errc::ClientClosed, Stage::Pool, "the client is closed");
            if (!rs.resolving) {
                if (rs.lastError && steadyMs() - rs.lastFailMs < 100) throw *rs.lastError;
                rs.resolving = true;
                watcher_->resolveReplicas(name);
            }
            std::uint64_t seq = rs.outcomes;
            if (!rs.cv.wait_for(lk, opts_.resolveTimeout + std::chrono::milliseconds(200),
                                [&] { return rs.outcomes != seq || closed_.load(); }))
                throw Error(Errc::Timeout, Stage::Resolve, "no replica list for '" + name + "' in time");
            if (!rs.resolved && rs.lastError) throw *rs.lastError;
        }
        candidates = rs.pools;
        if (!candidates.empty()) {
            std::size_t first = 0;
            switch (opts_.replicaPolicy) {
            case ReplicaPolicy::RoundRobin:
                first = pickReplica(Pick::RoundRobin, candidates.size(), rs.next.fetch_add(1), 0, 0);
                break;
            case ReplicaPolicy::Random: {
                static thread_local std::mt19937_64 rng{std::random_device{}()};
                first = pickReplica(Pick::Random, candidates.size(), 0, rng(), 0);
                break;
            }
            case ReplicaPolicy::Sticky: first = pickReplica(Pick::Sticky, candidates.size(), 0, 0, rs.sticky); break;
            }
            std::rotate(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(first), candidates.end());
        }
    }
    std::optional<Error> last;
    for (auto& c : candidates) {
        try {
            Connection conn = c.second->acquire();
            if (opts_.replicaPolicy == ReplicaPolicy::Sticky) {
                std::lock_guard<std::mutex> lk(rs.mu);
                for (std::size_t i = 0; i < rs.pools.size(); ++i)
                    if (rs.pools[i].second == c.second) rs.sticky = i;
            }
            return conn;
        } catch (const Error& err) {
            if (err.code() == Errc::ClientClosed) throw;
            last = err;  // try the next replica; the failure asked for a refresh
        }
    }
    if (opts_.replicaFallback == ReplicaFallback::FallbackToMaster) return e.master->acquire();
    if (last) throw Error(Errc::NoReplicaAvailable, Stage::Connect,
                          "no replica of '" + name + "' could be used: " + last->what());
    throw Error(Errc::NoReplicaAvailable, Stage::Resolve, "the Sentinels list no healthy replica of '" + name + "'");
}

}  // namespace sentinelpool::detail
