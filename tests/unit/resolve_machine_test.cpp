// The resolution state machine, step by step: Sentinels in order, stale and
// unknown answers, role checks, retries, deadlines, and the errors.

#include <doctest/doctest.h>

#include "detail/resolve_machine.hpp"

using namespace sentinelpool;
using namespace sentinelpool::detail;
using namespace std::chrono_literals;
using Kind = ResolveMachine::Step::Kind;

namespace {

const Address kS1{"10.0.0.1", 26379}, kS2{"10.0.0.2", 26379}, kS3{"[::1]", 26379};
const Address kM1{"10.0.1.1", 6379}, kM2{"10.0.1.2", 6379};

ResolveMachine::Config config(std::uint64_t minEpoch = 0) {
    ResolveMachine::Config c;
    c.sentinels = {kS1, kS2, kS3};
    c.name = "mymaster";
    c.minEpoch = minEpoch;
    return c;
}

SentinelReport answered(Address m, std::uint64_t epoch) {
    SentinelReport r;
    r.kind = SentinelReport::Kind::Answered;
    r.master = m;
    r.configEpoch = epoch;
    return r;
}
SentinelReport failed(const char* why) {
    SentinelReport r;
    r.kind = SentinelReport::Kind::Failed;
    r.reason = why;
    return r;
}
SentinelReport unknown() {
    SentinelReport r;
    r.kind = SentinelReport::Kind::UnknownName;
    return r;
}
RoleReport role(RoleReport::Kind k, const char* detail = "") { return RoleReport{k, detail}; }

}  // namespace

TEST_CASE("the first Sentinel answers and the node is the master") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    auto s = m.start(t0);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 0);
    CHECK(s.deadline == t0 + 250ms);  // per-Sentinel deadline
    s = m.onSentinel(answered(kM1, 3), t0);
    REQUIRE(s.kind == Kind::CheckRole);
    CHECK(s.node == kM1);
    s = m.onRole(role(RoleReport::Kind::IsMaster), t0);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().resolved);
    CHECK(m.outcome().master == kM1);
    CHECK(m.outcome().configEpoch == 3);
    CHECK(m.outcome().sentinelIndex == 0);
}

TEST_CASE("unreachable Sentinels are skipped in order; the one that answers is reported") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    auto s = m.onSentinel(failed("connection refused"), t0);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 1);
    s = m.onSentinel(failed("timed out after 250 ms"), t0 + 250ms);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 2);
    s = m.onSentinel(answered(kM1, 0), t0 + 260ms);
    s = m.onRole(role(RoleReport::Kind::IsMaster), t0 + 261ms);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().sentinelIndex == 2);
}

TEST_CASE("no Sentinel reachable: the error lists every Sentinel's reason") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    m.onSentinel(failed("connection refused"), t0);
    m.onSentinel(failed("WRONGPASS invalid username-password pair or user is disabled."), t0);
    auto s = m.onSentinel(failed("timed out after 250 ms"), t0);
    REQUIRE(s.kind == Kind::Done);
    const auto& o = m.outcome();
    CHECK_FALSE(o.resolved);
    CHECK(o.errc == Errc::NoSentinelReachable);
    REQUIRE(o.failures.size() == 3);
    CHECK(o.failures[0].sentinel == kS1);
    CHECK(o.failures[1].reason.find("WRONGPASS") == 0);
    CHECK(o.failures[2].reason == "timed out after 250 ms");
}

TEST_CASE("a name unknown to every Sentinel that answered is MasterNameUnknown") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    m.onSentinel(unknown(), t0);
    m.onSentinel(failed("connection refused"), t0);
    m.onSentinel(unknown(), t0);
    CHECK(m.outcome().errc == Errc::MasterNameUnknown);
    CHECK(m.outcome().failures.size() == 3);
}

TEST_CASE("a stale Sentinel (older config-epoch) is skipped: an address only moves forward") {
    auto t0 = Clock::now();
    ResolveMachine m(config(5), t0 + 2s);
    m.start(t0);
    auto s = m.onSentinel(answered(kM1, 4), t0);  // stale: names the old master
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 1);
    s = m.onSentinel(answered(kM2, 5), t0);
    REQUIRE(s.kind == Kind::CheckRole);
    CHECK(s.node == kM2);
    m.onRole(role(RoleReport::Kind::IsMaster), t0);
    CHECK(m.outcome().master == kM2);
    CHECK(m.outcome().failures.at(0).reason.find("stale configuration") == 0);
}

TEST_CASE("only stale answers: the known configuration stands") {
    auto t0 = Clock::now();
    ResolveMachine m(config(9), t0 + 2s);
    m.start(t0);
    m.onSentinel(answered(kM1, 1), t0);
    m.onSentinel(answered(kM1, 1), t0);
    m.onSentinel(answered(kM1, 1), t0);
    CHECK_FALSE(m.outcome().resolved);
    CHECK(m.outcome().staleOnly);
}

TEST_CASE("a node in the wrong role: wait, then start over from the first Sentinel") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    m.onSentinel(answered(kM1, 1), t0);
    auto s = m.onRole(role(RoleReport::Kind::WrongRole, "a replica of 10.0.1.2:6379"), t0);
    REQUIRE(s.kind == Kind::Wait);
    CHECK(s.delay == 100ms);
    s = m.onWaitDone(t0 + 100ms);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 0);
    s = m.onSentinel(answered(kM2, 2), t0 + 101ms);  // the failover finished meanwhile
    s = m.onRole(role(RoleReport::Kind::IsMaster), t0 + 102ms);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().master == kM2);
    CHECK(m.roleMismatches() == 1);
    CHECK(m.rounds() == 1);
}

TEST_CASE("a role mismatch that outlasts the deadline is RoleMismatch at the role-check stage") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 150ms);
    m.start(t0);
    m.onSentinel(answered(kM1, 1), t0);
    auto s = m.onRole(role(RoleReport::Kind::WrongRole, "a replica of 10.0.1.2:6379"), t0 + 60ms);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().errc == Errc::RoleMismatch);
    CHECK(m.outcome().stage == Stage::RoleCheck);
    CHECK(m.outcome().message.find("10.0.1.1:6379") != std::string::npos);
}

TEST_CASE("a named node that cannot be reached is tried once per round") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    m.onSentinel(answered(kM1, 1), t0);
    auto s = m.onRole(role(RoleReport::Kind::Failed, "connection refused"), t0);
    REQUIRE(s.kind == Kind::AskSentinel);
    s = m.onSentinel(answered(kM1, 1), t0);  // same node: not checked again
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 2);
    s = m.onSentinel(answered(kM1, 1), t0);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().errc == Errc::ConnectionError);
    CHECK(m.outcome().stage == Stage::RoleCheck);
}

TEST_CASE("the overall deadline stops the walk; unasked Sentinels are listed") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 300ms);
    m.start(t0);
    auto s = m.onSentinel(failed("timed out after 250 ms"), t0 + 250ms);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.deadline == t0 + 300ms);  // the per-Sentinel deadline is capped by the overall one
    s = m.onSentinel(failed("timed out after 50 ms"), t0 + 300ms);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().failures.size() == 3);
    CHECK(m.outcome().failures[2].reason.find("not asked") == 0);
}

TEST_CASE("without a role check the first usable answer is the result") {
    auto cfg = config();
    cfg.roleCheck = false;
    auto t0 = Clock::now();
    ResolveMachine m(cfg, t0 + 2s);
    m.start(t0);
    auto s = m.onSentinel(answered(kM1, 0), t0);
    CHECK(s.kind == Kind::Done);
    CHECK(m.outcome().resolved);
}

TEST_CASE("no Sentinels configured is an invalid argument") {
    ResolveMachine::Config cfg;
    cfg.name = "x";
    ResolveMachine m(cfg, Clock::now() + 1s);
    CHECK(m.start(Clock::now()).kind == Kind::Done);
    CHECK(m.outcome().errc == Errc::InvalidArgument);
}

TEST_CASE("a node refusing the data-node password is AuthenticationFailed at once") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    m.onSentinel(answered(kM1, 1), t0);
    auto s = m.onRole(role(RoleReport::Kind::AuthFailed, "WRONGPASS invalid username-password pair"), t0);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().errc == Errc::AuthenticationFailed);
    CHECK(m.outcome().stage == Stage::RoleCheck);
}

TEST_CASE("a Sentinel running the failover is skipped once a master is in use") {
    auto t0 = Clock::now();
    auto cfg = config(3);
    cfg.current = kM2;  // switched already (by an event)
    ResolveMachine m(cfg, t0 + 2s);
    m.start(t0);
    SentinelReport leader = answered(kM1, 4);  // the new epoch with the old address
    leader.failoverInProgress = true;
    auto s = m.onSentinel(leader, t0);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 1);
    s = m.onSentinel(answered(kM2, 4), t0);
    REQUIRE(s.kind == Kind::CheckRole);
    CHECK(s.node == kM2);
    CHECK(m.outcome().failures.empty());
    m.onRole(role(RoleReport::Kind::IsMaster), t0);
    CHECK(m.outcome().master == kM2);
    CHECK(m.outcome().failures.at(0).reason.find("failover in progress") == 0);
}

TEST_CASE("the first resolution takes a Sentinel in a failover: there is nothing better") {
    auto t0 = Clock::now();
    ResolveMachine m(config(), t0 + 2s);
    m.start(t0);
    SentinelReport r = answered(kM1, 4);
    r.failoverInProgress = true;
    CHECK(m.onSentinel(r, t0).kind == Kind::CheckRole);
}

TEST_CASE("reconcile: an answer naming the master in use needs no role check") {
    auto t0 = Clock::now();
    auto cfg = config(3);
    cfg.current = kM1;
    cfg.skipRoleCheckIfCurrent = true;
    ResolveMachine m(cfg, t0 + 2s);
    m.start(t0);
    CHECK(m.onSentinel(answered(kM1, 3), t0).kind == Kind::Done);
    CHECK(m.outcome().resolved);
    // A different address is checked.
    ResolveMachine m2(cfg, t0 + 2s);
    m2.start(t0);
    CHECK(m2.onSentinel(answered(kM2, 4), t0).kind == Kind::CheckRole);
}

TEST_CASE("a watched Sentinel naming the unreachable master in use ends the walk (no query storm)") {
    auto t0 = Clock::now();
    auto cfg = config(3);
    cfg.current = kM1;
    cfg.watched = {false, true, true};
    ResolveMachine m(cfg, t0 + 2s);
    m.start(t0);
    // Sentinel 0 is not watched: its answer alone does not end the walk.
    REQUIRE(m.onSentinel(answered(kM1, 3), t0).kind == Kind::CheckRole);
    auto s = m.onRole(role(RoleReport::Kind::Failed, "connection refused"), t0);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK(s.sentinel == 1);
    // Sentinel 1 is watched; it names a new node: checked, as always.
    REQUIRE(m.onSentinel(answered(kM2, 4), t0).kind == Kind::CheckRole);
    s = m.onRole(role(RoleReport::Kind::IsMaster), t0);
    REQUIRE(s.kind == Kind::Done);
    CHECK(m.outcome().resolved);
    CHECK(m.outcome().master == kM2);

    // A watched first Sentinel that still names the dead master in use.
    cfg.watched = {true, true, true};
    ResolveMachine m2(cfg, t0 + 2s);
    m2.start(t0);
    REQUIRE(m2.onSentinel(answered(kM1, 3), t0).kind == Kind::CheckRole);
    s = m2.onRole(role(RoleReport::Kind::Failed, "connection refused"), t0);
    REQUIRE(s.kind == Kind::Done);
    CHECK_FALSE(m2.outcome().resolved);
    CHECK(m2.outcome().currentUnreachable);
    CHECK(m2.outcome().errc == Errc::ConnectionError);
    CHECK(m2.outcome().stage == Stage::RoleCheck);
    CHECK(m2.outcome().message.find("10.0.1.1:6379") != std::string::npos);

    // A node other than the one in use that cannot be reached: walk on.
    ResolveMachine m3(cfg, t0 + 2s);
    m3.start(t0);
    REQUIRE(m3.onSentinel(answered(kM2, 4), t0).kind == Kind::CheckRole);
    s = m3.onRole(role(RoleReport::Kind::Failed, "connection refused"), t0);
    REQUIRE(s.kind == Kind::AskSentinel);
    CHECK_FALSE(m3.outcome().currentUnreachable);
}
