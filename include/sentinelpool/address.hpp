#pragma once
// A TCP endpoint as the user and the Sentinels name it: a host (IPv4 or IPv6
// literal, or a hostname) and a port. Plain value type; any thread.

#include "sentinelpool/export.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sentinelpool {

struct SENTINELPOOL_API Address {
    std::string host;  // "10.0.0.1", "::1" (no brackets), "redis-1.internal"
    int port = 0;

    // "10.0.0.1:26379", "[::1]:26379", "redis-1.internal:26379".
    std::string toString() const;
    bool isIpv6() const { return host.find(':') != std::string::npos; }

    // Parses "host:port", "[v6]:port", or a bare host (or bare IPv6 literal)
    // that takes defaultPort. Nullopt when the text is not an address: empty
    // host, port not in 1..65535, unbalanced brackets.
    static std::optional<Address> parse(std::string_view text, int defaultPort = 0);

    friend bool operator==(const Address& a, const Address& b) { return a.port == b.port && a.host == b.host; }
    friend bool operator!=(const Address& a, const Address& b) { return !(a == b); }
    friend bool operator<(const Address& a, const Address& b) {
        return a.host != b.host ? a.host < b.host : a.port < b.port;
    }
};

}  // namespace sentinelpool
