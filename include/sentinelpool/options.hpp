#pragma once
// Options of a sentinelpool Client. Every field says its unit, its default
// and what 0 means. Plain data: fill it in, hand it to Client.

#include "sentinelpool/export.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "sentinelpool/address.hpp"
#include "sentinelpool/events.hpp"

namespace sentinelpool {

// Username (empty: the "default" user, i.e. a 1-argument AUTH) and password
// (empty: no AUTH at all).
struct Credentials {
    std::string username;
    std::string password;
};

enum class ReplicaPolicy {
    RoundRobin,  // each getReplica() takes the next healthy replica
    Random,      // a random healthy replica
    Sticky,      // the same replica while it stays healthy
};

enum class ReplicaFallback {
    ReplicaOnly,       // no healthy replica: getReplica() throws NoReplicaAvailable
    FallbackToMaster,  // no healthy replica: getReplica() hands out a master connection
};

enum class StartupMode {
    Lazy,       // the constructor returns at once; names resolve on first use
    FailFast,   // the constructor resolves Options::masterNames (or pings a Sentinel) and throws on failure
    WaitUntil,  // the constructor waits up to startupTimeout for masterNames, then returns either way
};

// What happens to connections checked out when the master changes.
enum class FailoverPolicy {
    Drain,  // they keep working; they are closed when put back
    Abort,  // their sockets are shut down at once (callers blocked on a hung master wake up)
};

struct Options {
    // ---- Sentinels ----
    // Addresses of the Sentinels: IPv4, IPv6 ("::1") or hostnames, resolved
    // without blocking. Their order is the order they are asked in; the one
    // that answers moves to the front. Required.
    std::vector<Address> sentinels;
    // Credentials for the Sentinels (their requirepass / ACL user). Separate
    // from the data nodes'.
    Credentials sentinelAuth;
    // Per-Sentinel deadline of a resolution step (connect and answer), in ms.
    // Default 250. 0: only resolveTimeout bounds it.
    std::chrono::milliseconds sentinelTimeout{250};
    // Overall deadline of one resolution (all Sentinels, the role check and
    // its retries), in ms. Default 2000. Must be > 0.
    std::chrono::milliseconds resolveTimeout{2000};
    // Master names to resolve at construction (see startup). Other names are
    // resolved on first use. Default: none.
    std::vector<std::string> masterNames;
    StartupMode startup = StartupMode::Lazy;
    // WaitUntil's deadline, in ms. Default 5000.
    std::chrono::milliseconds startupTimeout{5000};

    // ---- data nodes ----
    Credentials nodeAuth;
    // SELECT'ed database of every pooled connection. Default 0.
    int database = 0;
    // CLIENT SETNAME of every connection (data nodes and Sentinels). Empty: none.
    std::string clientName;
    // Connect timeout to a data node, in ms. Default 1000. 0: the OS's.
    std::chrono::milliseconds connectTimeout{1000};
    // Socket timeout of commands on pooled connections, in ms. Default 1000.
    // 0: none (a command waits as long as the server takes).
    std::chrono::milliseconds commandTimeout{1000};
    // Check the role of every new connection with ROLE (INFO replication
    // when ROLE is not allowed). Default true.
    bool roleCheck = true;

    // ---- pools ----
    // Connections per master (and per replica), at most. Default 8. Must be > 0.
    std::size_t poolSize = 8;
    // How long getMaster/getReplica wait for a connection when the pool is
    // exhausted, in ms. Default 1000. 0: fail at once with PoolExhausted.
    std::chrono::milliseconds waitTimeout{1000};
    // An idle pooled connection older than this (since put back) is closed
    // instead of handed out, in ms. Default 0: no limit.
    std::chrono::milliseconds maxIdle{0};
    // A pooled connection older than this (since connected) is closed when
    // put back or taken, in ms. Default 0: no limit.
    std::chrono::milliseconds maxLifetime{0};

    // ---- replicas ----
    ReplicaPolicy replicaPolicy = ReplicaPolicy::RoundRobin;
    ReplicaFallback replicaFallback = ReplicaFallback::ReplicaOnly;

    // ---- following failovers ----
    // Periodic reconciliation with the Sentinels, in ms: the longest time
    // between a Sentinel answering a new master and the Client using it,
    // even with every event lost (the timer fires every 0.80-0.95 x this,
    // at random, leaving 5% for the resolution). Default 1000. 0: never
    // (events, errors and role checks only).
    std::chrono::milliseconds reconcileInterval{1000};
    // Subscribe to every Sentinel's events (+switch-master and the leader's
    // earlier ones). Default true.
    bool subscribeEvents = true;
    // Fence writes during a failover: from the leader announcing the replica
    // it promotes until the promotion is confirmed, getMaster waits (up to
    // waitTimeout) instead of handing out the old master. Default true.
    bool fence = true;
    FailoverPolicy failoverPolicy = FailoverPolicy::Drain;
    // After an event names a new master (or the replica being promoted), its
    // role is probed every probeInterval until it reports master, for up to
    // failoverConfirmTimeout; then the fence is lifted and the Sentinels are
    // asked. Defaults 5 ms and 5000 ms. Must be > 0.
    std::chrono::milliseconds probeInterval{5};
    std::chrono::milliseconds failoverConfirmTimeout{5000};
    // Reconnect backoff of a Sentinel link: first delay and cap, in ms, with
    // jitter. Defaults 50 and 2000.
    std::chrono::milliseconds reconnectMin{50};
    std::chrono::milliseconds reconnectMax{2000};

    // ---- observability (see events.hpp; called on the watcher thread) ----
    Callbacks callbacks;
};

}  // namespace sentinelpool
