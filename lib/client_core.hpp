#pragma once
// The shared inside of a Client: options, the watcher, and one entry per
// master name (its master pool and its replica pools). User threads reach
// entries through an immutable snapshot of the name table (no lock on the
// hot path); the watcher applies resolutions through it.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pool.hpp"
#include "sentinelpool/client.hpp"

namespace sentinelpool::detail {

class Watcher;

// Counters behind Client::stats(); relaxed atomics, slow paths only.
struct Counters {
    std::atomic<std::uint64_t> resolutions{0}, switches{0}, roleMismatches{0}, stalePutsClosed{0},
        brokenPutsClosed{0}, connectionsOpened{0}, connectionsClosed{0}, poolWaits{0}, poolWaitMicros{0},
        poolExhausted{0}, fenceWaits{0}, eventsReceived{0}, sentinelQueries{0};
};

// A replica pool is shared by the set and by getReplica calls that picked it:
// the last reference retires it (it deletes itself once no connection of it
// is checked out), so a replica dropped from the set while a caller is about
// to use its pool stays valid.
using PoolRef = std::shared_ptr<PoolCore>;
PoolRef makeReplicaPool(std::weak_ptr<ClientCore> owner, const std::string& name, const Options& opts);

struct ReplicaSet {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::pair<NodeTarget, PoolRef>> pools;  // the healthy replicas
    bool resolved = false;
    bool resolving = false;
    std::uint64_t outcomes = 0;
    std::optional<Error> lastError;
    std::int64_t lastFailMs = 0;
    std::atomic<std::uint64_t> next{0};  // round-robin
    std::size_t sticky = 0;
};

struct MasterEntry {
    std::string name;
    PoolCore* master = nullptr;
    ReplicaSet replicas;
    ~MasterEntry();
};

class ClientCore : public std::enable_shared_from_this<ClientCore> {
public:
    explicit ClientCore(Options options);
    ~ClientCore();
    void start();
    void close();
    bool closed() const { return closed_.load(); }
    const Options& options() const { return opts_; }
    Counters& counters() { return counters_; }
    Watcher& watcher() { return *watcher_; }

    // The entry of a name, created on first use. Any thread.
    MasterEntry& entry(std::string_view name);
    MasterEntry* find(std::string_view name);
    std::vector<std::string> names() const;

    Connection getReplica(std::string_view name);

    // ---- from pools (user threads) ----
    void requestResolve(const std::string& name);
    void nodeFailed(const std::string& name, Role role, const Address& node, std::uint64_t generation, Detector d,
                    const std::string& reason);

    // ---- from the watcher (watcher thread) ----
    void applyMaster(const std::string& name, const NodeTarget& target, std::uint64_t epoch, Detector d);
    void resolveFailed(const std::string& name, const Error& e);
    void applyReplicas(const std::string& name, const std::vector<NodeTarget>& replicas);
    void replicasFailed(const std::string& name, const Error& e);

private:
    // An immutable snapshot of the names in use. Most clients serve one to a
    // few names: a scan comparing sizes first is cheaper than hashing the
    // name on every getMaster; past kIndexFrom names a hash index serves.
    struct Table {
        static constexpr std::size_t kIndexFrom = 8;
        std::vector<std::pair<std::string, std::shared_ptr<MasterEntry>>> entries;
        std::unordered_map<std::string_view, MasterEntry*> index;  // keys view entries' names
        MasterEntry* find(std::string_view name) const;
        // A new snapshot: this one plus `name`.
        std::unique_ptr<const Table> with(const std::string& name, std::shared_ptr<MasterEntry> e) const;
    };
    Options opts_;
    std::unique_ptr<Watcher> watcher_;
    Counters counters_;
    std::atomic<bool> closed_{false};
    std::atomic<const Table*> table_{nullptr};
    std::mutex tableMu_;  // writers of table_
    std::vector<std::unique_ptr<const Table>> tables_;  // every snapshot, freed at destruction
};

}  // namespace sentinelpool::detail
