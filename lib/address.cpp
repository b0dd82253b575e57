#include "sentinelpool/address.hpp"

#include <cctype>

namespace sentinelpool {

std::string Address::toString() const {
    if (isIpv6()) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

namespace {
std::optional<int> parsePort(std::string_view s) {
    if (s.empty() || s.size() > 5) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535) return std::nullopt;
    return v;
}

bool validPort(int p) { return p >= 1 && p <= 65535; }
}  // namespace

std::optional<Address> Address::parse(std::string_view text, int defaultPort) {
    if (text.empty()) return std::nullopt;
    if (text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos || close == 1) return std::nullopt;
        Address a{std::string(text.substr(1, close - 1)), defaultPort};
        std::string_view rest = text.substr(close + 1);
        if (rest.empty()) {
            if (!validPort(defaultPort)) return std::nullopt;
            return a;
        }
        if (rest.front() != ':') return std::nullopt;
        auto port = parsePort(rest.substr(1));
        if (!port) return std::nullopt;
        a.port = *port;
        return a;
    }
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
        // No colon, or several (a bare IPv6 literal): the whole text is the host.
        if (text.find(']') != std::string_view::npos || !validPort(defaultPort)) return std::nullopt;
        return Address{std::string(text), defaultPort};
    }
    if (colon == 0) return std::nullopt;
    auto port = parsePort(text.substr(colon + 1));
    if (!port) return std::nullopt;
    return Address{std::string(text.substr(0, colon)), *port};
}

}  // namespace sentinelpool
