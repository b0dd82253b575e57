#pragma once
// What a Client tells you about the deployment it follows: callbacks (run on
// the watcher thread: keep them short, do not call back into the Client's
// blocking methods) and counters (Client::stats()).

#include "sentinelpool/export.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sentinelpool/address.hpp"

namespace sentinelpool {

// Which signal showed a master change.
enum class Detector {
    Resolution,  // a resolution (first use, startup)
    Event,       // a Sentinel's pub/sub event (+switch-master, the leader's earlier ones)
    Reconcile,   // the periodic or reconnect-time reconciliation
    PoolError,   // a pooled connection failed or answered READONLY/MASTERDOWN/LOADING
    RoleCheck,   // a role check found the node in another role
};

SENTINELPOOL_API const char* detectorName(Detector d);

struct MasterSwitch {
    std::string name;
    Address from;  // empty host for the first resolution
    Address to;
    Detector detector;
    std::uint64_t configEpoch = 0;
    std::uint64_t generation = 0;  // the pool generation now in use
};

struct SentinelState {
    Address sentinel;
    bool up = false;
    std::string reason;  // why it is down
};

struct ReplicasChange {
    std::string name;
    std::vector<Address> replicas;  // the healthy replicas now
};

enum class LogLevel { Info, Warning };

struct Callbacks {
    std::function<void(const MasterSwitch&)> onMasterSwitch;
    std::function<void(const SentinelState&)> onSentinelState;
    std::function<void(const ReplicasChange&)> onReplicasChange;
    // What the library would log (Sentinel links lost and back, unreadable
    // events), rate-limited per Sentinel. Empty: nothing is logged.
    std::function<void(LogLevel, const std::string&)> onLog;
};

struct SentinelStats {
    Address sentinel;
    bool up = false;
    std::uint64_t queries = 0;     // commands sent to it
    std::uint64_t failures = 0;    // connections or queries that failed
    std::uint64_t reconnects = 0;
    bool subscribed = false;       // its event subscription is up
    std::uint64_t events = 0;      // events received from it
};

struct Stats {
    std::uint64_t resolutions = 0;      // resolutions run (coalesced calls count once)
    std::uint64_t sentinelQueries = 0;  // commands sent to Sentinels, all of them
    std::uint64_t switches = 0;         // master changes applied
    std::uint64_t roleMismatches = 0;
    std::uint64_t stalePutsClosed = 0;  // put-backs from an old generation, closed
    std::uint64_t brokenPutsClosed = 0; // put-backs of failed connections, closed
    std::uint64_t connectionsOpened = 0;
    std::uint64_t connectionsClosed = 0;
    std::uint64_t poolWaits = 0;        // acquisitions that had to wait
    std::uint64_t poolWaitMicros = 0;   // total time they waited
    std::uint64_t poolExhausted = 0;    // acquisitions that gave up
    std::uint64_t fenceWaits = 0;       // acquisitions held by a failover fence
    std::uint64_t eventsReceived = 0;
    std::vector<SentinelStats> sentinels;
};

}  // namespace sentinelpool
