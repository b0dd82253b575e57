#pragma once
// The inside of a MiniRedis: its server, its data under one mutex, and its
// replication links. The public MiniRedis is a handle on this; command
// groups (cmd_*.cpp) and the embedded Sentinel use it directly.
//
// Locking: mu() guards the data, the replication state and the config.
// Commands run with it held (execute()); direct-access calls take it from
// test threads. Never wait for a loop (Server::runSync) while holding it.
// Lock order between instances: a replica's mu, then its master's mu, never
// the reverse; cross-instance work is posted to the other loop instead.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "redis/encoding_limits.hpp"
#include "redis/keyspace.hpp"
#include "redis/notify.hpp"
#include "redis/transaction.hpp"
#include "server/server.hpp"
#include "sentinelpool/testing/mini_redis.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

class MiniRedisCore;

// One master -> replica link. Shared by both ends; the generation tells a
// replica's current link from one it has abandoned.
struct ReplicaLink {
    std::weak_ptr<MiniRedisCore> replica;
    std::weak_ptr<MiniRedisCore> master;
    std::uint64_t generation = 0;
    std::string ip;
    int port = 0;
    std::atomic<std::int64_t> ackOffset{0};  // what the replica applied
    std::atomic<bool> wantAck{false};        // the master has WAIT callers
};

// The command table of MiniRedis, built once per process.
const CommandTable& miniRedisCommands();

// Command groups, one file each.
void registerConnectionCommands(CommandTable& t, bool sentinel);
void registerPubSubCommands(CommandTable& t, bool sentinel);
void registerKeyCommands(CommandTable& t);
void registerStringCommands(CommandTable& t);
void registerHashCommands(CommandTable& t);
void registerServerCommands(CommandTable& t);
void registerConfigCommands(CommandTable& t);  // CONFIG and the parameter table
void registerTransactionCommands(CommandTable& t);  // MULTI EXEC DISCARD WATCH UNWATCH
void registerCommandCommand(CommandTable& t);  // COMMAND and its sub-commands

// INFO building blocks shared with MiniSentinel (loop thread).
void appendInfoServer(std::string& out, const std::string& runId, int port, std::int64_t startedMs,
                      std::string_view mode);
void appendInfoClients(std::string& out, Server& server);
// MiniRedis's INFO text; the caller holds core.mu(), on core's loop thread.
std::string infoText(MiniRedisCore& core, Server& server, const std::vector<std::string_view>& sections);

class MiniRedisCore final : public ServerApp, public std::enable_shared_from_this<MiniRedisCore> {
public:
    explicit MiniRedisCore(MiniRedisOptions options);
    ~MiniRedisCore() override;

    static MiniRedisCore& of(Call& call) { return static_cast<MiniRedisCore&>(call.server.app()); }

    // ---- lifecycle (any thread) ----
    void start();
    void stop();
    Server& server() { return server_; }
    const Server& server() const { return server_; }
    std::string host() const { return options_.host; }
    int port() const { return server_.port(); }
    std::string runId() const;
    std::int64_t startedMs() const { return startedMs_.load(); }

    // ---- ServerApp (loop thread) ----
    std::string precheck(Peer& p, const Command& cmd) override;
    bool queue(Peer& p, const Command& cmd, const std::vector<std::string_view>& argv) override;
    bool rejected(Peer& p, const Command* cmd, std::string_view msg) override;
    void execute(Call& call) override;
    std::string_view role() const override;
    void onPeerClosed(Peer& p) override;
    void onReset(Peer& p) override;
    void onStop() override;

    // ---- data: the caller holds mu() ----
    std::mutex& mu() const { return mu_; }
    Keyspace& keyspace() { return data_; }
    Db& db(int index) { return data_.dbs[index]; }
    std::int64_t nowMs() const { return wallMs() + clockOffsetMs_.load(); }
    void fastForwardClock(std::int64_t ms) { clockOffsetMs_.fetch_add(ms); }
    // The live value at key, or nullptr. An expired key is deleted (with its
    // "expired" event) and the deletion replicated on a master; a replica
    // only hides it (its master sends the DEL), and commands from the master
    // link still see it. Like Redis's lookupKey: inside a read command a
    // miss fires "keymiss" and a hit updates the access time; inside a write
    // command neither (kLookupWrite is implied); `flags` adds to that.
    enum LookupFlags : unsigned { kLookupWrite = 1, kLookupNoTouch = 2, kLookupNoNotify = 4 };
    Value* lookup(int db, std::string_view key, unsigned flags = 0);
    // Deletes every expired key of every database (masters only).
    void expireNowLocked();
    std::uint64_t expiredKeys() const { return expiredKeys_; }

    // ---- key events: every write goes through these, the direct API too
    // (caller holds mu()). Blocking commands, WATCH and keyspace
    // notifications hang off them. ----
    // Creates key holding an empty value of type t ("new" event).
    Value& addKey(int db, std::string_view key, ValueType t);
    // A write changed or deleted key (Redis's signalModifiedKey): WATCH.
    void keyModified(int db, std::string_view key);
    // Every key of a database changed (FLUSHDB, FLUSHALL, SWAPDB); -1: all.
    void dbModified(int db);
    // Redis's notifyKeyspaceEvent: published if notify-keyspace-events has
    // `cls` and K or E. On the loop thread it is delivered at once; from
    // other threads (direct API, fastForward) it is posted, in order.
    void notify(unsigned cls, std::string_view event, std::string_view key, int db);
    // A list, sorted set or stream at key got elements (signalKeyAsReady):
    // clients blocked on it are served once the current command ends.
    void keyReady(int db, std::string_view key);
    // What most writes do: keyModified + notify.
    void written(int db, std::string_view key, unsigned cls, std::string_view event) {
        keyModified(db, key);
        notify(cls, event, key, db);
    }
    // Deletes key if it holds an empty collection (Redis deletes those),
    // with the "del" event; true if deleted.
    bool dropIfEmpty(int db, std::string_view key);

    // The encoding thresholds and notify-keyspace-events in force; CONFIG
    // SET refreshes them (caller holds mu()).
    const EncodingLimits& limits() const { return limits_; }
    EncodingLimits& limitsLocked() { return limits_; }
    unsigned notifyFlags() const { return notifyFlags_; }
    void setNotifyFlagsLocked(unsigned flags) { notifyFlags_ = flags; }

    // ---- transactions (cmd_transactions.cpp; loop thread) ----
    void multiCommand(Call& call);
    void execCommand(Call& call);  // takes mu() itself
    void discardCommand(Call& call);
    void watchCommand(Call& call);
    void unwatchCommand(Call& call);
    // False inside EXEC (and, later, scripts): blocking commands answer at
    // once, as with a timeout, instead of blocking.
    bool blockingAllowed() const { return execDepth_ == 0; }
    bool inMulti(const Peer& p) const;  // caller holds mu()

    // Replication of the command being executed (loop thread, in execute()):
    // touch() replicates it as sent, emit() replicates these commands
    // instead (deterministic forms: absolute expiry times, final values).
    void touch() { dirty_ = true; }
    void emit(std::vector<std::string> argv) {
        dirty_ = true;
        emits_.push_back(std::move(argv));
    }
    // Replicates a write made outside a command (direct access).
    void propagateLocked(int db, std::vector<std::string> argv);

    // ---- replication state: the caller holds mu() ----
    bool isReplicaLocked() const { return isReplica_; }
    void infoReplicationLocked(std::string& out) const;
    void roleReplyLocked(Reply& r) const;
    int replicaPriorityLocked() const { return replicaPriority_; }
    void setReplicaPriorityLocked(int p) { replicaPriority_ = p; }
    std::map<std::string, std::string>& configLocked() { return config_; }

    // ---- replication (any thread; take the locks themselves) ----
    // False: already a replica of host:port ("+OK Already connected...").
    bool replicaOf(const std::string& host, int port);
    void promote();
    ReplicationState replicationState() const;
    bool waitForSync(std::int64_t timeoutMs) const;
    int replicaPriority() const {
        std::lock_guard<std::mutex> lk(mu_);
        return replicaPriority_;
    }
    // From the registry: an instance started at the address this replica
    // waits for.
    void masterAvailable(std::uint64_t generation);

    // The database MiniRedis's direct-access calls use (MiniRedis::select).
    std::atomic<int> directDb{0};

    // WAIT numreplicas timeout (loop thread, in execute()).
    void waitCommand(Call& call, long long numReplicas, long long timeoutMs);

private:
    bool attach(const std::shared_ptr<MiniRedisCore>& replica, std::uint64_t generation);
    void detach(const ReplicaLink* link);
    void connectToMaster(std::uint64_t generation);
    void applySnapshot(std::uint64_t generation, const std::shared_ptr<ReplicaLink>& link, Keyspace&& snapshot,
                       std::int64_t offset, const std::string& replId);
    void applyCommand(std::uint64_t generation, int db, const std::vector<std::string>& argv, std::int64_t offset);
    void applyOneLocked(int db, const std::vector<std::string>& argv);
    void linkDown(std::uint64_t generation);
    void ackToMasterLocked();
    std::size_t countAckedLocked(std::int64_t offset) const;
    void checkWaiters();
    void finishWait(std::uint64_t peerId, bool timedOut);
    void scheduleActiveExpire();

    void publishNotification(std::string channel, std::string message);
    struct Propagation {
        int db;
        std::vector<std::string> argv;
    };
    // Runs a handler with the data lock held; what it replicates is added
    // to `out` (loop thread).
    void runLocked(Call& call, std::vector<Propagation>& out);
    void propagateAllLocked(std::vector<Propagation>& props, bool transaction);
    void unwatchAllLocked(std::uint64_t peerId);
    void discardLocked(std::uint64_t peerId);
    void serveReadyKeys();

    MiniRedisOptions options_;
    mutable std::mutex mu_;
    EncodingLimits limits_;
    unsigned notifyFlags_ = 0;
    unsigned lookupMode_ = kLookupNoNotify;  // of the command running (execute()); direct API: no notify
    struct ReadyKey {
        int db;
        std::string key;
    };
    std::vector<ReadyKey> readyKeys_;  // keyReady() since the command started
    // Transactions by client id; watchers by (db, key). Guarded by mu_.
    std::unordered_map<std::uint64_t, Transaction> txs_;
    std::map<std::pair<int, std::string>, std::vector<std::uint64_t>, std::less<>> watchers_;
    int execDepth_ = 0;  // EXEC running (loop thread)
    // A replica applying its master's MULTI ... EXEC applies it as one.
    bool replicaInMulti_ = false;
    std::vector<std::pair<int, std::vector<std::string>>> replicaTxBuffer_;
    mutable std::condition_variable syncCv_;
    Keyspace data_;
    std::atomic<std::int64_t> clockOffsetMs_{0};
    std::atomic<std::int64_t> startedMs_{0};
    std::uint64_t expiredKeys_ = 0;
    std::map<std::string, std::string> config_;

    mutable std::mutex runIdMu_;  // a leaf lock: runId() is read under mu_ too
    std::string runId_;
    // Replication, guarded by mu_.
    bool running_ = false;
    bool acceptingReplicas_ = false;
    std::string replId_, replId2_;
    std::int64_t replOffset_ = 0;
    std::int64_t secondReplOffset_ = -1;
    int lastPropagatedDb_ = -1;
    std::vector<std::shared_ptr<ReplicaLink>> replicas_;  // as a master
    bool isReplica_ = false;                              // as a replica:
    std::atomic<bool> replicaFlag_{false};                // isReplica_, lock-free
    std::string masterHost_;
    int masterPort_ = 0;
    bool linkUp_ = false;
    std::int64_t linkDownSinceMs_ = -1;
    std::int64_t lastIoMs_ = 0;
    std::uint64_t linkGen_ = 0;
    std::shared_ptr<ReplicaLink> upstream_;
    int replicaPriority_ = 100;

    // Loop-thread state of the command being executed.
    bool dirty_ = false;
    bool applying_ = false;  // the command comes from the master link
    std::vector<std::vector<std::string>> emits_;
    std::unique_ptr<Peer> masterPeer_;  // pseudo-client of the master link
    struct Waiter {
        std::uint64_t peerId;
        std::int64_t offset;
        long long numReplicas;
        std::uint64_t timer;
    };
    std::vector<Waiter> waiters_;

    Server server_;  // last: its loop runs code that uses the members above
};

}  // namespace sentinelpool::testing::detail
