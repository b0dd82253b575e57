#pragma once
// MiniRedis: a small Redis server that runs inside your test process, on
// real TCP, so that code using any Redis client can be tested without an
// external redis-server. Think of it as httptest for Redis.
//
//     sentinelpool::testing::MiniRedis m;          // 127.0.0.1, a free port
//     redisContext* c = redisConnect("127.0.0.1", m.port());
//     ... your code talks to m.addr() ...
//     CHECK(m.checkGet("greeting", "hello"));     // read the data directly
//
// What it speaks: RESP2 and RESP3 (HELLO 3), pipelining, inline commands,
// and the command groups listed in docs/testing.md, with the reply bytes and
// error texts of Redis 7. Replication works between MiniRedis instances of
// the same process (REPLICAOF names one by address).
//
// Threads: each MiniRedis runs its own libuv loop thread. Every public
// method may be called from any thread, at any time, including while
// clients are connected; the direct data calls take the same lock as the
// commands, so they see and make atomic changes.

#include "sentinelpool/export.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sentinelpool/testing/check.hpp"

namespace sentinelpool::testing {

namespace detail {
class MiniRedisCore;
}

struct MiniRedisOptions {
    // Address to listen on. Tests should keep 127.0.0.1.
    std::string host = "127.0.0.1";
    // TCP port; 0 (the default) lets the kernel pick a free one. port()
    // tells which. A restart after close() reuses the same port.
    int port = 0;
    // Non-empty: like `requirepass`, clients must AUTH with it.
    std::string requirePass;
    // false: construct stopped, call start() yourself.
    bool start = true;
};

struct MiniRedisStats {
    std::uint64_t connectionsReceived = 0;  // since construction, across restarts
    std::uint64_t connectedClients = 0;     // now
    std::uint64_t commandsProcessed = 0;    // since construction
    std::uint64_t rejectedConnections = 0;
};

// What ROLE and INFO replication say, in a form tests can compare.
struct ReplicationState {
    bool isReplica = false;
    std::string masterHost;   // replicas only
    int masterPort = 0;       // replicas only
    bool linkUp = false;      // replicas: the link to the master is up
    std::int64_t offset = 0;  // master_repl_offset / slave_repl_offset
    std::string replId;
    std::vector<std::string> replicas;  // masters: "ip:port" of linked replicas
};

class SENTINELPOOL_TESTING_API MiniRedis {
public:
    MiniRedis();
    explicit MiniRedis(MiniRedisOptions options);
    ~MiniRedis();
    MiniRedis(const MiniRedis&) = delete;
    MiniRedis& operator=(const MiniRedis&) = delete;

    // ---- lifecycle ----
    // Starts listening (again): after close(), on the same port with the
    // data kept, like a master coming back. Throws std::runtime_error if the
    // port cannot be bound.
    void start();
    // Stops: closes the listener and every client, as a process that died.
    // Data, users and configuration are kept; faults are cleared.
    // Idempotent; the destructor calls it.
    void close();
    bool running() const;
    std::string host() const;
    int port() const;
    std::string addr() const;  // "127.0.0.1:port"
    std::string runId() const;

    // ---- direct access to the data ----
    // They act on the database chosen with select() (0 by default), honour
    // expiry, and on a master replicate like the matching command would.
    void select(int db);
    void set(const std::string& key, const std::string& value);
    std::optional<std::string> get(const std::string& key) const;
    bool del(const std::string& key);  // true if it existed
    bool exists(const std::string& key) const;
    std::vector<std::string> keys(const std::string& pattern = "*") const;  // sorted
    std::size_t dbSize() const;
    void hset(const std::string& key, const std::string& field, const std::string& value);
    std::optional<std::string> hget(const std::string& key, const std::string& field) const;
    std::vector<std::pair<std::string, std::string>> hgetAll(const std::string& key) const;
    void setTTL(const std::string& key, std::chrono::milliseconds ttl);
    // Remaining time to live; nullopt when the key has none or is missing.
    std::optional<std::chrono::milliseconds> ttl(const std::string& key) const;
    // Moves this instance's clock forward: keys whose time ran out are
    // deleted now (and the deletion replicated). The clock also drives TTL,
    // EXPIREAT and TIME.
    void fastForward(std::chrono::milliseconds by);
    void flushAll();
    // Delivers a message as PUBLISH would; returns the number of receivers.
    std::size_t publish(const std::string& channel, const std::string& message);

    // Check helpers for test frameworks: CHECK(m.checkGet("k", "v")).
    Check checkGet(const std::string& key, const std::string& expected) const;
    Check checkHGet(const std::string& key, const std::string& field, const std::string& expected) const;
    Check checkExists(const std::string& key) const;
    Check checkNotExists(const std::string& key) const;

    // ---- authentication ----
    // requireAuth(pass): like `requirepass pass`: AUTH pass (or AUTH default
    // pass) is needed. requireAuth(user, pass): adds an ACL user and makes
    // authentication required; AUTH user pass logs in. Existing connections
    // keep their state, as in Redis.
    void requireAuth(const std::string& pass);
    void requireAuth(const std::string& user, const std::string& pass);

    // ---- replication ----
    // Makes this instance a replica of another MiniRedis of this process
    // (by address, so REPLICAOF over the wire does the same). The replica
    // drops its data, loads the master's, then applies its writes in order.
    // An address with no MiniRedis behind it leaves the link down until one
    // starts there.
    void replicaOf(const MiniRedis& master);
    void replicaOf(const std::string& host, int port);
    // REPLICAOF NO ONE: becomes a master, keeping its data.
    void promote();
    // Reflects everything already sent to this instance (it runs after the
    // work queued on its loop), e.g. a link loss from a master's close().
    ReplicationState replication() const;
    // Blocks until this replica's link is up and it applied everything its
    // master had written when the call started. False on timeout or if this
    // is not a replica.
    bool waitForSync(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    // replica-priority, read by Sentinels choosing whom to promote.
    void setReplicaPriority(int priority);

    // ---- faults ----
    // Every command answers "-<msg>" (e.g. "ERR boom") until resume().
    void setError(const std::string& msg);
    // Accepts connections and reads requests but never answers, like a
    // stopped (SIGSTOP) process; resume() answers what was queued.
    void hang();
    // New connections are refused (the listening socket is closed).
    void refuseConnections();
    // Closes every client connection now; returns how many.
    std::size_t closeClients();
    // Ends setError, hang and refuseConnections.
    void resume();

    // ---- counters ----
    MiniRedisStats stats() const;
    // Blocks until exactly n clients are connected: a test can wait for its
    // code to connect, or for a disconnect to be seen. False on timeout.
    bool waitForClients(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    // How many times a command ran ("get", "client|setname").
    std::uint64_t commandCalls(const std::string& name) const;

    // For the embedded Sentinel of this library.
    detail::MiniRedisCore& core() { return *core_; }
    const detail::MiniRedisCore& core() const { return *core_; }

private:
    std::shared_ptr<detail::MiniRedisCore> core_;
};

}  // namespace sentinelpool::testing
