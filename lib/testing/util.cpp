#include "util.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>

namespace sentinelpool::testing::detail {

std::optional<long long> parseInt(std::string_view s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::size_t i = 0;
    bool negative = false;
    if (s[0] == '-') {
        negative = true;
        i = 1;
        if (s.size() == 1) return std::nullopt;
    }
    if (s[i] == '0') {
        if (s.size() == 1) return 0;
        return std::nullopt;
    }
    unsigned long long v = 0;
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (c < '0' || c > '9') return std::nullopt;
        unsigned long long d = static_cast<unsigned long long>(c - '0');
        if (v > (~0ULL - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    if (negative) {
        if (v > static_cast<unsigned long long>(INT64_MAX) + 1) return std::nullopt;
        return static_cast<long long>(0 - v);
    }
    if (v > static_cast<unsigned long long>(INT64_MAX)) return std::nullopt;
    return static_cast<long long>(v);
}

std::optional<long double> parseLongDouble(std::string_view s) {
    if (s.empty() || s.size() >= 5 * 1024) return std::nullopt;
    std::string buf(s);
    if (std::isspace(static_cast<unsigned char>(buf[0]))) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    long double v = std::strtold(buf.c_str(), &end);
    if (*end != '\0') return std::nullopt;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO))
        return std::nullopt;
    if (std::isnan(v)) return std::nullopt;
    return v;
}

std::string formatLongDouble(long double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[5 * 1024];
    int n = std::snprintf(buf, sizeof buf, "%.17Lf", v);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return "0";
    std::string out(buf, static_cast<std::size_t>(n));
    if (out.find('.') != std::string::npos) {
        while (!out.empty() && out.back() == '0') out.pop_back();
        if (!out.empty() && out.back() == '.') out.pop_back();
    }
    if (out == "-0") out = "0";
    return out;
}

namespace {
// A transcription of Redis's matching rules (not its code). `giveUp` is the
// "skip longer matches" cut: once a '*' failed against every suffix, a
// shorter prefix for an outer '*' cannot succeed either, which keeps
// patterns like "a*a*a*b" linear instead of exponential.
bool globMatchImpl(const char* p, std::size_t plen, const char* s, std::size_t slen, bool nocase,
                   bool& giveUp) {
    auto same = [nocase](char a, char b) {
        return nocase ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b))
                      : a == b;
    };
    while (plen && slen) {
        switch (p[0]) {
        case '*':
            while (plen > 1 && p[1] == '*') {
                ++p;
                --plen;
            }
            if (plen == 1) return true;
            while (slen) {
                if (globMatchImpl(p + 1, plen - 1, s, slen, nocase, giveUp)) return true;
                if (giveUp) return false;
                ++s;
                --slen;
            }
            giveUp = true;
            return false;
        case '?':
            ++s;
            --slen;
            break;
        case '[': {
            ++p;
            --plen;
            bool negate = plen && p[0] == '^';
            if (negate) {
                ++p;
                --plen;
            }
            bool match = false;
            for (;;) {
                if (plen == 0) {
                    // Unterminated class: step back onto its last character.
                    --p;
                    ++plen;
                    break;
                }
                if (p[0] == '\\' && plen >= 2) {
                    ++p;
                    --plen;
                    if (p[0] == s[0]) match = true;
                } else if (p[0] == ']') {
                    break;
                } else if (plen >= 3 && p[1] == '-') {
                    auto fold = [nocase](char c) {
                        return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
                    };
                    char lo = fold(p[0]), hi = fold(p[2]), c = fold(s[0]);
                    if (lo > hi) std::swap(lo, hi);
                    p += 2;
                    plen -= 2;
                    if (c >= lo && c <= hi) match = true;
                } else if (same(p[0], s[0])) {
                    match = true;
                }
                ++p;
                --plen;
            }
            if (negate) match = !match;
            if (!match) return false;
            ++s;
            --slen;
            break;
        }
        case '\\':
            if (plen >= 2) {
                ++p;
                --plen;
            }
            [[fallthrough]];
        default:
            if (!same(p[0], s[0])) return false;
            ++s;
            --slen;
            break;
        }
        ++p;
        --plen;
        if (slen == 0) {
            while (plen && *p == '*') {
                ++p;
                --plen;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}
}  // namespace

bool globMatch(std::string_view pattern, std::string_view s, bool nocase) {
    bool giveUp = false;
    return globMatchImpl(pattern.data(), pattern.size(), s.data(), s.size(), nocase, giveUp);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

std::string toLower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string toUpper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string randomHexId() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char hex[] = "0123456789abcdef";
    std::string id(40, '0');
    for (char& c : id) c = hex[rng() & 15];
    return id;
}

std::int64_t wallMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t wallUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sentinelpool::testing::detail
