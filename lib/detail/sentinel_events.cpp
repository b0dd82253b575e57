#include "detail/sentinel_events.hpp"

namespace sentinelpool::detail {

namespace {

std::vector<std::string_view> tokens(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool toAddress(std::string_view host, std::string_view port, Address& out) {
    auto p = toInt(port);
    if (host.empty() || !p || *p <= 0 || *p > 65535) return false;
    // A bracketed IPv6 literal is accepted too.
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    out.host = std::string(host);
    out.port = static_cast<int>(*p);
    return true;
}

EventMsg::Kind kindOf(std::string_view ch) {
    using K = EventMsg::Kind;
    if (ch == "+switch-master") return K::SwitchMaster;
    if (ch == "+selected-slave") return K::SelectedSlave;
    if (ch == "+failover-state-send-slaveof-noone") return K::SendSlaveofNoone;
    if (ch == "+promoted-slave") return K::PromotedSlave;
    if (ch == "+failover-end") return K::FailoverEnd;
    if (ch == "+failover-end-for-timeout" || ch.rfind("-failover-abort-", 0) == 0) return K::FailoverAborted;
    if (ch == "+sdown") return K::Sdown;
    if (ch == "-sdown") return K::SdownEnd;
    if (ch == "+odown") return K::Odown;
    if (ch == "-odown") return K::OdownEnd;
    if (ch == "+slave") return K::Slave;
    if (ch == "+convert-to-slave") return K::ConvertToSlave;
    if (ch == "+reset-master") return K::ResetMaster;
    return K::Other;
}

Parsed<EventMsg> bad(std::string_view channel, std::string_view payload, const char* why) {
    Parsed<EventMsg> p;
    p.error = std::string(why) + ": " + std::string(channel) + " \"" + std::string(payload) + "\"";
    return p;
}

}  // namespace

const std::vector<std::string>& eventChannels() {
    static const std::vector<std::string> channels = {
        "+switch-master",  "+selected-slave", "+failover-state-send-slaveof-noone", "+promoted-slave",
        "+failover-end",   "+failover-end-for-timeout", "-failover-abort-not-elected",
        "-failover-abort-no-good-slave", "-failover-abort-slave-timeout", "+sdown", "-sdown", "+odown",
        "-odown",          "+slave",          "+convert-to-slave", "+reset-master",
    };
    return channels;
}

Parsed<EventMsg> parseEvent(std::string_view channel, std::string_view payload) {
    EventMsg e;
    e.channel = std::string(channel);
    e.kind = kindOf(channel);
    auto t = tokens(payload);
    if (e.kind == EventMsg::Kind::SwitchMaster) {
        if (t.size() != 5) return bad(channel, payload, "expected 5 fields");
        e.masterName = std::string(t[0]);
        if (!toAddress(t[1], t[2], e.from) || !toAddress(t[3], t[4], e.to))
            return bad(channel, payload, "bad address");
        e.master = e.to;
        Parsed<EventMsg> p;
        p.value = std::move(e);
        return p;
    }
    if (e.kind == EventMsg::Kind::Other) {
        // Unknown or uninteresting events are kept with their channel only.
        Parsed<EventMsg> p;
        p.value = std::move(e);
        return p;
    }
    if (t.size() < 4) return bad(channel, payload, "expected <type> <name> <ip> <port>");
    e.instanceType = std::string(t[0]);
    if (!toAddress(t[2], t[3], e.instance)) return bad(channel, payload, "bad instance address");
    if (t.size() >= 8 && t[4] == "@") {
        e.masterName = std::string(t[5]);
        if (!toAddress(t[6], t[7], e.master)) return bad(channel, payload, "bad master address");
    } else if (e.instanceType == "master") {
        e.masterName = std::string(t[1]);
        e.master = e.instance;
    } else {
        return bad(channel, payload, "a replica or Sentinel event without its master");
    }
    Parsed<EventMsg> p;
    p.value = std::move(e);
    return p;
}

}  // namespace sentinelpool::detail
