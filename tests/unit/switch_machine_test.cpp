// The switching state machine: events make candidates, only a ROLE probe
// switches, the fence is entered and left, stale and lost events.

#include <doctest/doctest.h>

#include "detail/switch_machine.hpp"

using namespace sentinelpool;
using namespace sentinelpool::detail;
using namespace std::chrono_literals;
using Probe = SwitchMachine::Probe;

namespace {
const Address kOld{"10.0.0.1", 6379}, kNew{"10.0.0.2", 6379}, kOther{"10.0.0.3", 6379};

EventMsg ev(const char* channel, const std::string& payload) {
    auto p = parseEvent(channel, payload);
    REQUIRE(p);
    return *p.value;
}
EventMsg selected(const Address& a) {
    return ev("+selected-slave", "slave " + a.toString() + " " + a.host + " " + std::to_string(a.port) +
                                     " @ m 10.0.0.1 6379");
}
EventMsg switchTo(const Address& a) {
    return ev("+switch-master", "m 10.0.0.1 6379 " + a.host + " " + std::to_string(a.port));
}
SwitchMachine machine(bool fence = true) {
    SwitchMachine::Config c;
    c.fence = fence;
    c.probeInterval = 5ms;
    c.confirmTimeout = 1s;
    SwitchMachine m(c);
    m.setCurrent(kOld);
    return m;
}
}  // namespace

TEST_CASE("+selected-slave: fence, probe; the switch waits for ROLE") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    auto a = m.onEvent(selected(kNew), t0);
    CHECK(a.fence);
    REQUIRE(a.probe);
    CHECK(*a.probe == kNew);
    CHECK_FALSE(a.apply);
    CHECK(m.fenced());
    // Not promoted yet: probe again after the interval, still fenced.
    a = m.onProbe(kNew, Probe::NotMaster, t0 + 1ms);
    CHECK_FALSE(a.apply);
    REQUIRE(a.tickAfter);
    CHECK(*a.tickAfter == 5ms);
    a = m.onTick(t0 + 6ms);
    REQUIRE(a.probe);
    a = m.onProbe(kNew, Probe::Master, t0 + 7ms);
    REQUIRE(a.apply);
    CHECK(*a.apply == kNew);
    CHECK_FALSE(m.fenced());
    CHECK_FALSE(m.waiting());
}

TEST_CASE("an event never switches before ROLE confirms; one probe at a time") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    auto a = m.onEvent(switchTo(kNew), t0);
    CHECK(a.probe);
    CHECK(a.refreshReplicas);
    // The same news from the other Sentinels: no second probe while one is out.
    a = m.onEvent(switchTo(kNew), t0);
    CHECK_FALSE(a.probe);
    CHECK_FALSE(a.apply);
    a = m.onEvent(ev("+promoted-slave", "slave x 10.0.0.2 6379 @ m 10.0.0.1 6379"), t0);
    CHECK_FALSE(a.probe);
    a = m.onProbe(kNew, Probe::Master, t0);
    CHECK(a.apply);
}

TEST_CASE("fence off: events still switch after ROLE, nobody is held") {
    auto m = machine(false);
    auto a = m.onEvent(selected(kNew), SwitchMachine::Clock::now());
    CHECK_FALSE(a.fence);
    CHECK(a.probe);
    CHECK_FALSE(m.fenced());
    CHECK(m.onProbe(kNew, Probe::Master, SwitchMachine::Clock::now()).apply);
}

TEST_CASE("fence timeout: not confirmed in time, the fence is lifted and the Sentinels asked") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    m.onEvent(selected(kNew), t0);
    auto a = m.onProbe(kNew, Probe::Failed, t0 + 2s);
    CHECK(a.unfence);
    CHECK(a.resolve);
    CHECK_FALSE(a.apply);
    CHECK_FALSE(m.fenced());
    CHECK_FALSE(m.waiting());
}

TEST_CASE("an aborted failover lifts the fence") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    m.onEvent(selected(kNew), t0);
    auto a = m.onEvent(ev("-failover-abort-slave-timeout", "master m 10.0.0.1 6379"), t0 + 10ms);
    CHECK(a.unfence);
    CHECK(a.resolve);
    // A late probe answer for the abandoned candidate changes nothing.
    a = m.onProbe(kNew, Probe::Master, t0 + 11ms);
    CHECK_FALSE(a.apply);
}

TEST_CASE("a stale event naming the current master is not a candidate") {
    auto m = machine();
    auto a = m.onEvent(switchTo(kOld), SwitchMachine::Clock::now());
    CHECK_FALSE(a.probe);
    CHECK_FALSE(a.fence);
    CHECK_FALSE(m.waiting());
}

TEST_CASE("a lost +switch-master: the leader's earlier events are enough") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    auto a = m.onEvent(ev("+failover-state-send-slaveof-noone", "slave x 10.0.0.2 6379 @ m 10.0.0.1 6379"), t0);
    REQUIRE(a.probe);
    CHECK(m.onProbe(kNew, Probe::Master, t0 + 1ms).apply);
}

TEST_CASE("a resolution that switches first ends the wait") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    m.onEvent(selected(kNew), t0);
    m.setCurrent(kNew);
    CHECK_FALSE(m.waiting());
    CHECK_FALSE(m.fenced());
    CHECK_FALSE(m.onProbe(kNew, Probe::Master, t0).apply);
}

TEST_CASE("the candidate changes while a probe is out: the new one is probed") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    m.onEvent(selected(kNew), t0);
    auto a = m.onEvent(switchTo(kOther), t0);
    CHECK_FALSE(a.probe);  // one out already
    a = m.onProbe(kNew, Probe::Master, t0);
    CHECK_FALSE(a.apply);
    REQUIRE(a.probe);
    CHECK(*a.probe == kOther);
    CHECK(m.onProbe(kOther, Probe::Master, t0).apply);
}

TEST_CASE("replica and master health events") {
    auto m = machine();
    auto t0 = SwitchMachine::Clock::now();
    CHECK(m.onEvent(ev("+sdown", "slave x 10.0.0.5 6379 @ m 10.0.0.1 6379"), t0).refreshReplicas);
    CHECK(m.onEvent(ev("-sdown", "slave x 10.0.0.5 6379 @ m 10.0.0.1 6379"), t0).refreshReplicas);
    CHECK(m.onEvent(ev("+slave", "slave x 10.0.0.5 6379 @ m 10.0.0.1 6379"), t0).refreshReplicas);
    CHECK(m.onEvent(ev("+convert-to-slave", "slave x 10.0.0.1 6379 @ m 10.0.0.2 6379"), t0).refreshReplicas);
    // The master down: nothing to do until the failover's events (asking the
    // Sentinels now would only hear the old address).
    CHECK_FALSE(m.onEvent(ev("+odown", "master m 10.0.0.1 6379 #quorum 2/2"), t0).any());
    CHECK_FALSE(m.onEvent(ev("+sdown", "master m 10.0.0.1 6379"), t0).any());
    CHECK_FALSE(m.onEvent(ev("+sdown", "sentinel id 10.0.0.9 26379 @ m 10.0.0.1 6379"), t0).any());
}
