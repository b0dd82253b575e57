#include "detail/resolve_machine.hpp"

#include <algorithm>

namespace sentinelpool::detail {

ResolveMachine::ResolveMachine(Config cfg, Clock::time_point overallDeadline)
    : cfg_(std::move(cfg)), deadline_(overallDeadline) {}

Clock::time_point ResolveMachine::stepDeadline(Clock::time_point now) const {
    if (cfg_.sentinelTimeout <= Clock::duration::zero()) return deadline_;
    return std::min(deadline_, now + cfg_.sentinelTimeout);
}

void ResolveMachine::note(std::size_t index, std::string reason) {
    failures_.push_back(SentinelFailure{cfg_.sentinels[index], std::move(reason)});
}

ResolveMachine::Step ResolveMachine::start(Clock::time_point now) {
    if (cfg_.sentinels.empty()) {
        outcome_.errc = Errc::InvalidArgument;
        outcome_.message = "no Sentinel address configured";
        return done();
    }
    return ask(0, now);
}

ResolveMachine::Step ResolveMachine::ask(std::size_t index, Clock::time_point now) {
    if (now >= deadline_) return finish(now);
    index_ = index;
    Step s;
    s.kind = Step::Kind::AskSentinel;
    s.sentinel = index;
    s.deadline = stepDeadline(now);
    return s;
}

ResolveMachine::Step ResolveMachine::next(Clock::time_point now) {
    if (index_ + 1 < cfg_.sentinels.size()) return ask(index_ + 1, now);
    return finish(now);
}

ResolveMachine::Step ResolveMachine::onSentinel(const SentinelReport& r, Clock::time_point now) {
    switch (r.kind) {
    case SentinelReport::Kind::Failed:
        ++failed_;
        note(index_, r.reason);
        return next(now);
    case SentinelReport::Kind::UnknownName:
        ++unknown_;
        note(index_, r.reason.empty() ? "unknown master name" : r.reason);
        return next(now);
    case SentinelReport::Kind::Answered:
        break;
    }
    if (r.configEpoch < cfg_.minEpoch) {
        ++stale_;
        note(index_, "stale configuration: config-epoch " + std::to_string(r.configEpoch) + " < " +
                         std::to_string(cfg_.minEpoch) + " already applied");
        return next(now);
    }
    if (r.failoverInProgress && cfg_.current) {
        ++stale_;
        note(index_, "failover in progress: its answer may be the old master");
        return next(now);
    }
    candidate_ = r.master;
    candidateEpoch_ = r.configEpoch;
    bool isCurrent = cfg_.current && *cfg_.current == r.master;
    if (!cfg_.roleCheck || (isCurrent && cfg_.skipRoleCheckIfCurrent)) {
        outcome_.resolved = true;
        outcome_.master = candidate_;
        outcome_.configEpoch = candidateEpoch_;
        outcome_.sentinelIndex = index_;
        return done();
    }
    if (failedNodes_.count(candidate_.toString())) {
        note(index_, "named " + candidate_.toString() + ", which could not be checked");
        return next(now);
    }
    Step s;
    s.kind = Step::Kind::CheckRole;
    s.node = candidate_;
    s.deadline = stepDeadline(now);
    return s;
}

ResolveMachine::Step ResolveMachine::onRole(const RoleReport& r, Clock::time_point now) {
    switch (r.kind) {
    case RoleReport::Kind::IsMaster:
        outcome_.resolved = true;
        outcome_.master = candidate_;
        outcome_.configEpoch = candidateEpoch_;
        outcome_.sentinelIndex = index_;
        return done();
    case RoleReport::Kind::AuthFailed:
        // Every Sentinel would name the same node: say what is wrong now.
        outcome_.errc = Errc::AuthenticationFailed;
        outcome_.stage = Stage::RoleCheck;
        outcome_.message = candidate_.toString() + " refused the data-node credentials: " + r.detail;
        outcome_.failures = failures_;
        return done();
    case RoleReport::Kind::Failed:
        ++roleFailed_;
        failedNodes_.insert(candidate_.toString());
        note(index_, "named " + candidate_.toString() + ", which failed its role check: " + r.detail);
        if (cfg_.current && *cfg_.current == candidate_ && index_ < cfg_.watched.size() && cfg_.watched[index_]) {
            outcome_.errc = Errc::ConnectionError;
            outcome_.stage = Stage::RoleCheck;
            outcome_.message = "the master of '" + cfg_.name + "' (" + candidate_.toString() +
                               ") is unreachable and the Sentinels have not failed over yet";
            outcome_.currentUnreachable = true;
            return done();
        }
        return next(now);
    case RoleReport::Kind::WrongRole:
        break;
    }
    // The spec: wait a little, then start over from the first Sentinel.
    ++roleMismatches_;
    lastRoleMismatch_ = candidate_.toString() + " is " + r.detail;
    if (now + cfg_.roleRetryDelay >= deadline_) {
        outcome_.errc = Errc::RoleMismatch;
        outcome_.stage = Stage::RoleCheck;
        outcome_.message = "the Sentinels name " + candidate_.toString() + " as master of '" + cfg_.name +
                           "' but it is not: " + lastRoleMismatch_;
        outcome_.failures = failures_;
        return done();
    }
    Step s;
    s.kind = Step::Kind::Wait;
    s.delay = cfg_.roleRetryDelay;
    return s;
}

ResolveMachine::Step ResolveMachine::onWaitDone(Clock::time_point now) {
    ++round_;
    failedNodes_.clear();
    unknown_ = stale_ = failed_ = roleFailed_ = 0;
    failures_.clear();
    return ask(0, now);
}

ResolveMachine::Step ResolveMachine::finish(Clock::time_point now) {
    outcome_.failures = failures_;
    std::size_t asked = failures_.size();
    if (asked < cfg_.sentinels.size() && now >= deadline_) {
        for (std::size_t i = asked; i < cfg_.sentinels.size(); ++i)
            note(i, "not asked: the resolution deadline passed");
        outcome_.failures = failures_;
    }
    if (roleMismatches_ > 0 && unknown_ == 0 && roleFailed_ == 0) {
        outcome_.errc = Errc::RoleMismatch;
        outcome_.stage = Stage::RoleCheck;
        outcome_.message = "the master of '" + cfg_.name + "' could not be confirmed: " + lastRoleMismatch_;
    } else if (roleFailed_ > 0) {
        outcome_.errc = Errc::ConnectionError;
        outcome_.stage = Stage::RoleCheck;
        outcome_.message = "the master the Sentinels name for '" + cfg_.name + "' could not be reached";
    } else if (unknown_ > 0) {
        outcome_.errc = Errc::MasterNameUnknown;
        outcome_.message = "no Sentinel knows a master named '" + cfg_.name + "'";
    } else if (stale_ > 0 && failed_ == 0) {
        outcome_.errc = Errc::NoSentinelReachable;
        outcome_.staleOnly = true;
        outcome_.message = "every Sentinel answered an older configuration of '" + cfg_.name + "'";
    } else {
        outcome_.errc = now >= deadline_ && failed_ == 0 ? Errc::Timeout : Errc::NoSentinelReachable;
        outcome_.message = "no Sentinel could be reached to resolve '" + cfg_.name + "'";
    }
    return done();
}

ResolveMachine::Step ResolveMachine::done() {
    if (outcome_.failures.empty()) outcome_.failures = failures_;  // on success too: who was skipped, and why
    Step s;
    s.kind = Step::Kind::Done;
    return s;
}

}  // namespace sentinelpool::detail
