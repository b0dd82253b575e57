#pragma once
// Helpers shared by MiniRedis's data command groups (loop thread, data lock
// held, as in every handler).

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "redis/mini_redis_core.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

// The live value at key in the caller's database. Replies WRONGTYPE and
// returns false when it holds another type; `out` is null when missing.
inline bool lookupTyped(Call& c, std::string_view key, ValueType type, Value*& out) {
    out = MiniRedisCore::of(c).lookup(c.peer.db, key);
    if (out && out->type() != type) {
        c.reply.error(err::kWrongType);
        return false;
    }
    return true;
}

// Argument i as a long long, or the given error reply.
inline bool argInt(Call& c, std::size_t i, long long& out, const char* error = err::kNotInt) {
    auto v = parseInt(c.arg(i));
    if (!v) {
        c.reply.error(error);
        return false;
    }
    out = *v;
    return true;
}

// A SCAN/HSCAN cursor, parsed as Redis does with strtoul: "" is 0, "-1"
// wraps, a leading space, junk after the digits and overflow do not pass.
inline bool parseScanCursor(Call& c, std::size_t i, unsigned long long& out) {
    std::string s(c.arg(i));
    char* end = nullptr;
    errno = 0;
    out = std::strtoull(s.c_str(), &end, 10);
    if (std::isspace(static_cast<unsigned char>(s.c_str()[0])) || *end != '\0' || errno == ERANGE) {
        c.reply.error("ERR invalid cursor");
        return false;
    }
    return true;
}

inline Db& callerDb(Call& c) { return MiniRedisCore::of(c).db(c.peer.db); }

inline std::string invalidExpire(std::string_view command) {
    return "ERR invalid expire time in '" + std::string(command) + "' command";
}

}  // namespace sentinelpool::testing::detail
