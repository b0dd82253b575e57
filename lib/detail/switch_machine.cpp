#include "detail/switch_machine.hpp"

namespace sentinelpool::detail {

void SwitchMachine::setCurrent(const Address& a) {
    current_ = a;
    if (candidate_ && *candidate_ == a) {
        // Switched by another path (a resolution): the wait is over, and the
        // pool's new target ends its fence.
        candidate_.reset();
        fenced_ = false;
    }
}

SwitchMachine::Actions SwitchMachine::becomeCandidate(const Address& a, Clock::time_point now) {
    Actions out;
    if (current_ && *current_ == a) return out;  // nothing to move to
    bool fresh = !candidate_ || *candidate_ != a;
    candidate_ = a;
    if (fresh) deadline_ = now + cfg_.confirmTimeout;
    if (cfg_.fence && !fenced_) {
        fenced_ = true;
        out.fence = true;
    }
    if (!probing_) {
        probing_ = true;
        out.probe = a;
    }
    return out;
}

SwitchMachine::Actions SwitchMachine::giveUp(bool resolve) {
    Actions out;
    candidate_.reset();
    if (fenced_) {
        fenced_ = false;
        out.unfence = true;
    }
    out.resolve = resolve;
    return out;
}

SwitchMachine::Actions SwitchMachine::onEvent(const EventMsg& e, Clock::time_point now) {
    using K = EventMsg::Kind;
    Actions out;
    switch (e.kind) {
    case K::SelectedSlave:
    case K::SendSlaveofNoone:
    case K::PromotedSlave:
        if (!e.isReplica()) return out;
        return becomeCandidate(e.instance, now);
    case K::SwitchMaster: {
        out = becomeCandidate(e.to, now);
        out.refreshReplicas = true;
        return out;
    }
    case K::FailoverAborted:
        if (candidate_) return giveUp(true);
        return out;
    case K::FailoverEnd:
        // The leader finished: if we still wait, ask (its answer is current).
        if (candidate_) out.resolve = true;
        return out;
    case K::Odown:
    case K::Sdown:
        // The master in use is down for the Sentinels: the failover's own
        // events follow (and the reconcile, if they are lost). Asking now
        // would only hear the old address, from every Sentinel.
        if (e.isMaster()) return out;
        if (e.isReplica()) out.refreshReplicas = true;
        return out;
    case K::SdownEnd:
    case K::OdownEnd:
    case K::Slave:
    case K::ConvertToSlave:
        if (e.isReplica()) out.refreshReplicas = true;
        return out;
    case K::ResetMaster:
        out.resolve = true;
        out.refreshReplicas = true;
        return out;
    case K::Other:
        return out;
    }
    return out;
}

SwitchMachine::Actions SwitchMachine::onProbe(const Address& node, Probe result, Clock::time_point now) {
    Actions out;
    if (!candidate_ || *candidate_ != node) {
        probing_ = false;
        if (candidate_) {  // the candidate changed meanwhile: probe the new one
            probing_ = true;
            out.probe = *candidate_;
        }
        return out;
    }
    if (result == Probe::Master) {
        probing_ = false;
        out.apply = node;
        candidate_.reset();
        fenced_ = false;  // the new target ends the fence
        return out;
    }
    if (now >= deadline_) {
        probing_ = false;
        return giveUp(true);
    }
    // Not promoted yet (or not reachable yet): probe again shortly.
    probing_ = false;
    out.tickAfter = cfg_.probeInterval;
    return out;
}

SwitchMachine::Actions SwitchMachine::onTick(Clock::time_point now) {
    Actions out;
    if (!candidate_) return out;
    if (probing_) return out;  // its outcome decides what comes next
    if (now >= deadline_) return giveUp(true);
    if (!probing_) {
        probing_ = true;
        out.probe = *candidate_;
    }
    return out;
}

}  // namespace sentinelpool::detail
