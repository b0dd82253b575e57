// The Sentinel event parser, on payloads captured from a real 7.0.15
// Sentinel (reference/sentinel-wire) and their IPv6 / hostname forms.

#include <doctest/doctest.h>

#include <algorithm>

#include "detail/sentinel_events.hpp"

using namespace sentinelpool;
using namespace sentinelpool::detail;
using K = EventMsg::Kind;

TEST_CASE("+switch-master: name, old and new address") {
    auto p = parseEvent("+switch-master", "mymaster 127.0.0.1 16700 127.0.0.1 16701");
    REQUIRE(p);
    CHECK(p.value->kind == K::SwitchMaster);
    CHECK(p.value->masterName == "mymaster");
    CHECK(p.value->from == Address{"127.0.0.1", 16700});
    CHECK(p.value->to == Address{"127.0.0.1", 16701});
}

TEST_CASE("the leader's replica events carry the replica and its master") {
    for (const char* ch : {"+selected-slave", "+failover-state-send-slaveof-noone", "+promoted-slave"}) {
        auto p = parseEvent(ch, "slave 127.0.0.1:16701 127.0.0.1 16701 @ mymaster 127.0.0.1 16700");
        REQUIRE(p);
        CHECK(p.value->isReplica());
        CHECK(p.value->masterName == "mymaster");
        CHECK(p.value->instance == Address{"127.0.0.1", 16701});
        CHECK(p.value->master == Address{"127.0.0.1", 16700});
    }
    CHECK(parseEvent("+selected-slave", "slave a b c @ m d e").error.find("bad instance address") == 0);
}

TEST_CASE("master events have no @ part; extra words are ignored") {
    auto p = parseEvent("+odown", "master mymaster 127.0.0.1 16700 #quorum 2/2");
    REQUIRE(p);
    CHECK(p.value->kind == K::Odown);
    CHECK(p.value->isMaster());
    CHECK(p.value->masterName == "mymaster");
    CHECK(p.value->instance == Address{"127.0.0.1", 16700});
    CHECK(p.value->master == p.value->instance);
    auto end = parseEvent("+failover-end", "master mymaster 127.0.0.1 16700");
    REQUIRE(end);
    CHECK(end.value->kind == K::FailoverEnd);
}

TEST_CASE("IPv6 literals and hostnames") {
    auto p = parseEvent("+switch-master", "mymaster ::1 6379 fe80::1:2 6380");
    REQUIRE(p);
    CHECK(p.value->from == Address{"::1", 6379});
    CHECK(p.value->to == Address{"fe80::1:2", 6380});
    auto r = parseEvent("+sdown", "slave [::1]:6380 ::1 6380 @ mymaster ::1 6379");
    REQUIRE(r);
    CHECK(r.value->instance == Address{"::1", 6380});
    CHECK(r.value->master == Address{"::1", 6379});
    auto h = parseEvent("+switch-master", "cache redis-1.internal 6379 redis-2.internal 6379");
    REQUIRE(h);
    CHECK(h.value->to == Address{"redis-2.internal", 6379});
    auto b = parseEvent("+switch-master", "m [::1] 6379 [::2] 6379");
    REQUIRE(b);
    CHECK(b.value->to == Address{"::2", 6379});
}

TEST_CASE("aborts and timeouts are one kind; unknown events are kept, not errors") {
    CHECK(parseEvent("-failover-abort-no-good-slave", "master mymaster 127.0.0.1 1").value->kind == K::FailoverAborted);
    CHECK(parseEvent("+failover-end-for-timeout", "master mymaster 127.0.0.1 1").value->kind == K::FailoverAborted);
    auto u = parseEvent("+some-future-event", "whatever it says");
    REQUIRE(u);
    CHECK(u.value->kind == K::Other);
    CHECK(u.value->channel == "+some-future-event");
}

TEST_CASE("malformed payloads are errors, never crashes") {
    CHECK_FALSE(parseEvent("+switch-master", ""));
    CHECK_FALSE(parseEvent("+switch-master", "mymaster 127.0.0.1 16700 127.0.0.1"));
    CHECK_FALSE(parseEvent("+switch-master", "mymaster 127.0.0.1 0 127.0.0.1 1"));
    CHECK_FALSE(parseEvent("+switch-master", "mymaster 127.0.0.1 99999 127.0.0.1 1"));
    CHECK_FALSE(parseEvent("+switch-master", "mymaster 127.0.0.1 x 127.0.0.1 1"));
    CHECK_FALSE(parseEvent("+sdown", "slave a"));
    CHECK_FALSE(parseEvent("+sdown", "slave 1.2.3.4:5 1.2.3.4 5"));  // a replica without its master
    CHECK(parseEvent("+sdown", "  master   m  1.2.3.4   5  "));      // runs of spaces
}

TEST_CASE("the subscribed channels are explicit (SUBSCRIBE, no pattern)") {
    const auto& ch = eventChannels();
    CHECK(std::find(ch.begin(), ch.end(), "+switch-master") != ch.end());
    CHECK(std::find(ch.begin(), ch.end(), "+selected-slave") != ch.end());
    for (auto& c : ch) CHECK(c.find('*') == std::string::npos);
}
