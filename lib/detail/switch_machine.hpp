#pragma once
// Following one master name's failovers from Sentinel events, as a state
// machine that never touches a socket: the watcher feeds it events, role
// probe results and timer ticks, and carries out the actions it returns.
//
// The rules:
// - An event never switches the pool by itself: the node it names (the
//   replica the leader selected or promoted, or +switch-master's new
//   address) becomes a candidate, and the switch happens when a ROLE probe
//   of the candidate says "master". Until then probes repeat every
//   probeInterval, up to confirmTimeout.
// - The fence (if enabled): from the leader's +selected-slave (or any
//   candidate) until the candidate is confirmed, the master pool holds
//   getMaster callers instead of handing out the old master, which is about
//   to be demoted (writes it acknowledges then are lost when it resyncs).
//   The fence ends on confirmation, on an aborted failover, or at
//   confirmTimeout (then a resolution asks the Sentinels).
// - Events about the current master itself are not candidates.
//
// Not thread-safe; one machine per master name, on the watcher thread.

#include <chrono>
#include <optional>

#include "detail/sentinel_events.hpp"
#include "sentinelpool/address.hpp"

namespace sentinelpool::detail {

class SwitchMachine {
public:
    using Clock = std::chrono::steady_clock;
    struct Config {
        bool fence = true;
        Clock::duration probeInterval = std::chrono::milliseconds(5);
        Clock::duration confirmTimeout = std::chrono::seconds(5);
    };
    // What to do now; several may be set at once.
    struct Actions {
        bool fence = false;               // hold getMaster callers
        bool unfence = false;             // release them (no switch)
        std::optional<Address> probe;     // ask this node its ROLE now
        std::optional<Address> apply;     // confirmed: switch the pool to it
        bool resolve = false;             // ask the Sentinels (the event stream alone is not enough)
        bool refreshReplicas = false;     // the replica set may have changed
        std::optional<Clock::duration> tickAfter;  // call onTick after this
        bool any() const { return fence || unfence || probe || apply || resolve || refreshReplicas || tickAfter; }
    };
    enum class Probe { Master, NotMaster, Failed };

    explicit SwitchMachine(Config cfg) : cfg_(cfg) {}

    // The address the pool uses now (after any switch, whatever its source).
    void setCurrent(const Address& a);
    Actions onEvent(const EventMsg& e, Clock::time_point now);
    Actions onProbe(const Address& node, Probe result, Clock::time_point now);
    Actions onTick(Clock::time_point now);

    bool fenced() const { return fenced_; }
    bool waiting() const { return candidate_.has_value(); }
    Clock::time_point deadline() const { return deadline_; }
    const std::optional<Address>& candidate() const { return candidate_; }

private:
    Actions becomeCandidate(const Address& a, Clock::time_point now);
    Actions giveUp(bool resolve);

    Config cfg_;
    std::optional<Address> current_;
    std::optional<Address> candidate_;
    Clock::time_point deadline_{};
    bool fenced_ = false;
    bool probing_ = false;  // a probe is out (the watcher bounds it by the deadline)
};

}  // namespace sentinelpool::detail
