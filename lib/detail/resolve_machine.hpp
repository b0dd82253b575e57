#pragma once
// The resolution of a master name, as a state machine that never touches a
// socket (Boost.Redis style): it says what to do next (ask Sentinel i, check
// the node's role, wait, done) and is told what happened. The watcher
// carries the steps out; unit tests drive it with canned answers.
//
// It follows the Sentinel client spec: Sentinels in the given order with a
// per-Sentinel deadline inside an overall deadline; the first usable answer
// wins and its Sentinel should move to the front; the node is checked with
// ROLE; a node in the wrong role restarts the round after a short wait.
// Beyond the spec: answers older than the configuration already applied
// (config-epoch) are skipped, so an address only moves forward.
//
// Not thread-safe; one machine per resolution, on the watcher thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sentinelpool/address.hpp"
#include "sentinelpool/error.hpp"

namespace sentinelpool::detail {

using Clock = std::chrono::steady_clock;

// What the Sentinel asked last answered (GET-MASTER-ADDR-BY-NAME and
// SENTINEL MASTER, pipelined).
struct SentinelReport {
    enum class Kind { Answered, UnknownName, Failed } kind = Kind::Failed;
    Address master;                 // Answered
    std::uint64_t configEpoch = 0;  // Answered
    // Answered: the Sentinel is running a failover of this master (its
    // address and epoch are in flux: the leader reports the new epoch with
    // the old address until it switches, last of all Sentinels).
    bool failoverInProgress = false;
    std::string reason;             // UnknownName, Failed
};

struct RoleReport {
    enum class Kind { IsMaster, WrongRole, Failed, AuthFailed } kind = Kind::Failed;
    std::string detail;  // "replica of 10.0.0.2:6379", "connection refused"
};

struct ResolveOutcome {
    bool resolved = false;
    Address master;
    std::uint64_t configEpoch = 0;
    std::size_t sentinelIndex = 0;  // which Sentinel answered (move it to the front)
    // When not resolved:
    Errc errc = Errc::NoSentinelReachable;
    Stage stage = Stage::Resolve;
    std::string message;
    std::vector<SentinelFailure> failures;
    bool staleOnly = false;  // every answer was older than minEpoch
    // A watched Sentinel named the current master, which failed its role
    // check (see Config::watched): the resolution ended there.
    bool currentUnreachable = false;
};

class ResolveMachine {
public:
    struct Config {
        std::vector<Address> sentinels;  // the order to ask them in
        std::string name;
        std::uint64_t minEpoch = 0;      // answers with a lower config-epoch are stale
        Clock::duration sentinelTimeout = std::chrono::milliseconds(250);  // 0: overall only
        Clock::duration roleRetryDelay = std::chrono::milliseconds(100);
        bool roleCheck = true;
        // The master in use, if any. skipRoleCheckIfCurrent: an answer naming
        // it is accepted without a role check (the periodic reconcile; the
        // pools report a demoted master through their errors).
        std::optional<Address> current;
        bool skipRoleCheckIfCurrent = false;
        // By Sentinel index: true when that Sentinel's events reach us (its
        // pub/sub subscription is up). A watched Sentinel that still names
        // the current master, which fails its role check, ends the
        // resolution (ConnectionError, currentUnreachable): it has not
        // failed over yet and will announce it when it does, and the others
        // would most likely repeat its answer. Without it the spec's walk
        // asks every Sentinel (a query storm while a dead master waits for
        // its failover). Empty: walk as the spec says.
        std::vector<bool> watched;
    };

    struct Step {
        enum class Kind { AskSentinel, CheckRole, Wait, Done } kind = Kind::Done;
        std::size_t sentinel = 0;   // AskSentinel: index into Config::sentinels
        Address node;               // CheckRole
        Clock::time_point deadline; // AskSentinel, CheckRole: report Failed at this time
        Clock::duration delay{};    // Wait: call onWaitDone after it
    };

    ResolveMachine(Config cfg, Clock::time_point overallDeadline);

    Step start(Clock::time_point now);
    // The answer of the Sentinel of the last AskSentinel step.
    Step onSentinel(const SentinelReport& report, Clock::time_point now);
    // The result of the last CheckRole step.
    Step onRole(const RoleReport& report, Clock::time_point now);
    Step onWaitDone(Clock::time_point now);
    // Valid after a Done step.
    const ResolveOutcome& outcome() const { return outcome_; }
    int rounds() const { return round_; }
    int roleMismatches() const { return roleMismatches_; }

private:
    Step ask(std::size_t index, Clock::time_point now);
    Step next(Clock::time_point now);
    Step finish(Clock::time_point now);
    Step done();
    Clock::time_point stepDeadline(Clock::time_point now) const;
    void note(std::size_t index, std::string reason);

    Config cfg_;
    Clock::time_point deadline_;
    std::size_t index_ = 0;
    int round_ = 0;
    int roleMismatches_ = 0;
    std::string lastRoleMismatch_;
    std::set<std::string> failedNodes_;  // nodes whose role check failed this round
    Address candidate_;
    std::uint64_t candidateEpoch_ = 0;
    int unknown_ = 0, stale_ = 0, failed_ = 0, roleFailed_ = 0;
    std::vector<SentinelFailure> failures_;
    ResolveOutcome outcome_;
};

}  // namespace sentinelpool::detail
