// Address parsing: IPv4, bracketed IPv6, hostnames, defaults and garbage.

#include <doctest/doctest.h>

#include "sentinelpool/address.hpp"

using sentinelpool::Address;

TEST_CASE("addresses parse from the forms users and Sentinels write") {
    CHECK(Address::parse("10.0.0.1:26379") == Address{"10.0.0.1", 26379});
    CHECK(Address::parse("[::1]:26379") == Address{"::1", 26379});
    CHECK(Address::parse("redis-1.internal:6379") == Address{"redis-1.internal", 6379});
    CHECK(Address::parse("redis-1", 26379) == Address{"redis-1", 26379});
    CHECK(Address::parse("fe80::1", 26379) == Address{"fe80::1", 26379});
    CHECK(Address::parse("[fe80::1]", 26379) == Address{"fe80::1", 26379});
    CHECK(Address{"::1", 5}.toString() == "[::1]:5");
    CHECK(Address{"h", 5}.toString() == "h:5");
}

TEST_CASE("malformed addresses are refused") {
    for (const char* bad : {"", ":6379", "h:", "h:0", "h:65536", "h:x", "[::1", "[]:1", "[::1]x", "h]"}) {
        CAPTURE(bad);
        CHECK_FALSE(Address::parse(bad, 6379));
    }
    CHECK_FALSE(Address::parse("host"));  // no port and no default
}
