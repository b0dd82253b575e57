#include "server/util.hpp"

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
    if (end != buf.c_str() + buf.size()) return std::nullopt;  // "1\0 2" too, as Redis 7.0
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

// FIPS 180-4 SHA-256.
std::string sha256Hex(std::string_view data) {
    static const std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
    std::string msg(data);
    std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    msg += static_cast<char>(0x80);
    while (msg.size() % 64 != 56) msg += '\0';
    for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (i * 8)) & 0xff);
    for (std::size_t off = 0; off < msg.size(); off += 64) {
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + static_cast<std::size_t>(i) * 4);
            w[i] = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
        }
        for (int i = 16; i < 64; ++i) {
            std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; ++i) {
            std::uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
    }
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (std::uint32_t v : h)
        for (int i = 28; i >= 0; i -= 4) out += hex[(v >> i) & 15];
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
