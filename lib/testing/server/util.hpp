#pragma once
// Number parsing and formatting with Redis's exact rules, and Redis's glob
// matcher. Pure functions: any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sentinelpool::testing::detail {

// Redis string2ll: optional '-', no '+', no leading zeros, no spaces, fits in
// a long long.
std::optional<long long> parseInt(std::string_view s);
// Redis string2ld: strtold over the whole string, no leading space, no NaN,
// no overflow.
std::optional<long double> parseLongDouble(std::string_view s);
// Redis ld2string in "human" mode (INCRBYFLOAT): %.17Lf without trailing zeros.
std::string formatLongDouble(long double v);
// Redis stringmatchlen: * ? [abc] [^a] [a-z] and \ escapes.
bool globMatch(std::string_view pattern, std::string_view s, bool nocase = false);
// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);
std::string toUpper(std::string_view s);
// SHA-256 of data as 64 lower-case hex characters (ACL LIST shows a
// password so: "#<sha256>").
std::string sha256Hex(std::string_view data);
// 40 random hex characters, like a Redis run id or replication id.
std::string randomHexId();
// Wall clock in milliseconds / microseconds since the epoch.
std::int64_t wallMs();
std::int64_t wallUs();

}  // namespace sentinelpool::testing::detail
