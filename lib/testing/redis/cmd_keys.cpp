// Generic key commands: DEL UNLINK EXISTS TYPE EXPIRE PEXPIRE EXPIREAT
// PEXPIREAT EXPIRETIME PEXPIRETIME TTL PTTL PERSIST KEYS SCAN RENAME
// RENAMENX RANDOMKEY DBSIZE FLUSHDB FLUSHALL.

#include <algorithm>
#include <climits>
#include <random>

#include "redis/cmd_util.hpp"

namespace sentinelpool::testing::detail {

namespace {

void del(Call& c) {
    auto& core = MiniRedisCore::of(c);
    long long n = 0;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        if (core.lookup(c.peer.db, c.arg(i)) && callerDb(c).erase(c.arg(i))) ++n;
    }
    if (n) core.touch();
    c.reply.integer(n);
}

void exists(Call& c) {
    auto& core = MiniRedisCore::of(c);
    long long n = 0;
    for (std::size_t i = 1; i < c.argc(); ++i)
        if (core.lookup(c.peer.db, c.arg(i))) ++n;
    c.reply.integer(n);
}

void type(Call& c) {
    Value* v = MiniRedisCore::of(c).lookup(c.peer.db, c.arg(1));
    c.reply.simple(!v ? "none" : typeName(v->type()));
}

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: `base` is now (relative forms) or
// 0 (absolute), `unitMs` 1000 for seconds.
void expireGeneric(Call& c, bool relative, long long unitMs) {
    bool nx = false, xx = false, gt = false, lt = false;
    for (std::size_t j = 3; j < c.argc(); ++j) {
        if (c.is(j, "nx"))
            nx = true;
        else if (c.is(j, "xx"))
            xx = true;
        else if (c.is(j, "gt"))
            gt = true;
        else if (c.is(j, "lt"))
            lt = true;
        else {
            c.reply.error("ERR Unsupported option " + std::string(c.arg(j)));
            return;
        }
    }
    if ((nx && xx) || (nx && gt) || (nx && lt)) {
        c.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if (gt && lt) {
        c.reply.error("ERR GT and LT options at the same time are not compatible");
        return;
    }
    long long when;
    if (!argInt(c, 2, when)) return;
    auto& core = MiniRedisCore::of(c);
    if (unitMs == 1000) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            c.reply.error(invalidExpire(c.cmd.name));
            return;
        }
        when *= 1000;
    }
    long long base = relative ? core.nowMs() : 0;
    if (when > LLONG_MAX - base) {
        c.reply.error(invalidExpire(c.cmd.name));
        return;
    }
    when += base;
    Value* v = core.lookup(c.peer.db, c.arg(1));
    if (!v) {
        c.reply.integer(0);
        return;
    }
    long long current = v->expireAtMs;
    if ((nx && current != -1) || (xx && current == -1) || (gt && (when <= current || current == -1)) ||
        (lt && current != -1 && when >= current)) {
        c.reply.integer(0);
        return;
    }
    std::string key(c.arg(1));
    if (when <= core.nowMs() && !core.isReplicaLocked()) {
        callerDb(c).erase(key);
        core.emit({"DEL", key});
    } else {
        callerDb(c).setExpire(key, *v, when);
        core.emit({"PEXPIREAT", key, std::to_string(when)});
    }
    c.reply.integer(1);
}

void expire(Call& c) { expireGeneric(c, true, 1000); }
void pexpire(Call& c) { expireGeneric(c, true, 1); }
void expireat(Call& c) { expireGeneric(c, false, 1000); }
void pexpireat(Call& c) { expireGeneric(c, false, 1); }

// TTL, PTTL, EXPIRETIME, PEXPIRETIME.
void ttlGeneric(Call& c, bool ms, bool absolute) {
    auto& core = MiniRedisCore::of(c);
    Value* v = core.lookup(c.peer.db, c.arg(1));
    if (!v) {
        c.reply.integer(-2);
        return;
    }
    if (v->expireAtMs < 0) {
        c.reply.integer(-1);
        return;
    }
    if (absolute) {  // rounded to the nearest second, as Redis does
        c.reply.integer(ms ? v->expireAtMs : (v->expireAtMs + 500) / 1000);
        return;
    }
    long long ttl = std::max<long long>(0, v->expireAtMs - core.nowMs());
    c.reply.integer(ms ? ttl : (ttl + 500) / 1000);
}

void ttl(Call& c) { ttlGeneric(c, false, false); }
void pttl(Call& c) { ttlGeneric(c, true, false); }
void expiretime(Call& c) { ttlGeneric(c, false, true); }
void pexpiretime(Call& c) { ttlGeneric(c, true, true); }

void persist(Call& c) {
    auto& core = MiniRedisCore::of(c);
    Value* v = core.lookup(c.peer.db, c.arg(1));
    if (!v || v->expireAtMs < 0) {
        c.reply.integer(0);
        return;
    }
    callerDb(c).setExpire(c.arg(1), *v, -1);
    core.touch();
    c.reply.integer(1);
}

// Live keys of the caller's database matching `pattern` (empty: all).
std::vector<std::string> liveKeys(Call& c, std::string_view pattern) {
    auto& core = MiniRedisCore::of(c);
    std::int64_t now = core.nowMs();
    std::vector<std::string> out;
    for (auto& kv : callerDb(c).keys) {
        if (kv.second.expireAtMs >= 0 && kv.second.expireAtMs <= now) continue;
        if (!pattern.empty() && !globMatch(pattern, kv.first)) continue;
        out.push_back(kv.first);
    }
    return out;
}

void keys(Call& c) {
    std::string_view pattern = c.arg(1) == "*" ? std::string_view() : c.arg(1);
    auto names = liveKeys(c, pattern);
    std::sort(names.begin(), names.end());
    c.reply.array(names.size());
    for (auto& k : names) c.reply.bulk(k);
}

void scan(Call& c) {
    unsigned long long cursor;
    if (!parseScanCursor(c, 1, cursor)) return;
    std::string_view match;
    std::string_view typeName;
    long long count = 10;
    for (std::size_t i = 2; i < c.argc(); i += 2) {
        bool more = i + 1 < c.argc();
        if (c.is(i, "count") && more) {
            if (!argInt(c, i + 1, count)) return;
            if (count < 1) {
                c.reply.error(err::kSyntax);
                return;
            }
        } else if (c.is(i, "match") && more) {
            match = c.arg(i + 1);
        } else if (c.is(i, "type") && more) {
            typeName = c.arg(i + 1);
        } else {
            c.reply.error(err::kSyntax);
            return;
        }
    }
    // Keys in hash order; the cursor is the next hash to visit.
    std::vector<std::pair<std::uint64_t, std::string>> order;
    for (auto& k : liveKeys(c, {})) order.emplace_back(scanHash(k), k);
    std::sort(order.begin(), order.end());
    auto it = std::lower_bound(order.begin(), order.end(), std::make_pair(static_cast<std::uint64_t>(cursor), std::string()));
    std::vector<std::string> page;
    std::uint64_t next = 0;
    for (long long taken = 0; it != order.end(); ++it) {
        if (taken >= count && it->first != (it - 1)->first) {
            next = it->first;
            break;
        }
        ++taken;
        if (!match.empty() && !globMatch(match, it->second)) continue;
        if (!typeName.empty()) {
            Value* v = callerDb(c).find(it->second);
            std::string_view t = detail::typeName(v->type());
            if (!iequals(t, typeName)) continue;
        }
        page.push_back(it->second);
    }
    c.reply.array(2);
    c.reply.bulk(std::to_string(next));
    c.reply.array(page.size());
    for (auto& k : page) c.reply.bulk(k);
}

void renameGeneric(Call& c, bool nx) {
    auto& core = MiniRedisCore::of(c);
    Value* src = core.lookup(c.peer.db, c.arg(1));
    if (!src) {
        c.reply.error(err::kNoSuchKey);
        return;
    }
    if (c.arg(1) == c.arg(2)) {
        if (nx)
            c.reply.integer(0);
        else
            c.reply.ok();
        return;
    }
    if (nx && core.lookup(c.peer.db, c.arg(2))) {
        c.reply.integer(0);
        return;
    }
    Db& d = callerDb(c);
    Value moved = std::move(*src);
    d.erase(c.arg(1));
    d.erase(c.arg(2));
    std::int64_t at = moved.expireAtMs;
    moved.expireAtMs = -1;
    Value& dst = d.slot(c.arg(2));
    dst = std::move(moved);
    d.setExpire(c.arg(2), dst, at);
    core.touch();
    if (nx)
        c.reply.integer(1);
    else
        c.reply.ok();
}

void rename(Call& c) { renameGeneric(c, false); }
void renamenx(Call& c) { renameGeneric(c, true); }

void randomkey(Call& c) {
    auto names = liveKeys(c, {});
    if (names.empty()) {
        c.reply.null();
        return;
    }
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    c.reply.bulk(names[rng() % names.size()]);
}

void dbsize(Call& c) { c.reply.integer(static_cast<long long>(callerDb(c).keys.size())); }

bool flushMode(Call& c) {
    if (c.argc() == 1) return true;
    if (c.argc() == 2 && (c.is(1, "async") || c.is(1, "sync"))) return true;
    c.reply.error(err::kSyntax);
    return false;
}

void flushdb(Call& c) {
    if (!flushMode(c)) return;
    MiniRedisCore::of(c).dbModified(c.peer.db);
    callerDb(c).clear();
    MiniRedisCore::of(c).touch();
    c.reply.ok();
}

void flushall(Call& c) {
    if (!flushMode(c)) return;
    MiniRedisCore::of(c).dbModified(-1);
    MiniRedisCore::of(c).keyspace().flushAll();
    MiniRedisCore::of(c).touch();
    c.reply.ok();
}

}  // namespace

void registerKeyCommands(CommandTable& t) {
    const unsigned w = kCmdWrite;
    t.add("del", -2, w, del, {"Deletes one or more keys.", "1.0.0", "generic", "O(N)"});
    t.add("unlink", -2, w, del, {"Asynchronously deletes one or more keys.", "4.0.0", "generic", "O(N)"});
    t.add("exists", -2, kCmdFast, exists, {"Determines whether one or more keys exist.", "1.0.0", "generic", "O(N)"});
    t.add("type", 2, kCmdFast, type, {"Determines the type of value stored at a key.", "1.0.0", "generic", "O(1)"});
    t.add("expire", -3, w, expire, {"Sets the expiration time of a key in seconds.", "1.0.0", "generic", "O(1)"});
    t.add("pexpire", -3, w, pexpire, {"Sets the expiration time of a key in milliseconds.", "2.6.0", "generic", "O(1)"});
    t.add("expireat", -3, w, expireat, {"Sets the expiration time of a key to a Unix timestamp.", "1.2.0", "generic", "O(1)"});
    t.add("pexpireat", -3, w, pexpireat, {"Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0", "generic", "O(1)"});
    t.add("expiretime", 2, kCmdFast, expiretime, {"Returns the expiration time of a key as a Unix timestamp.", "7.0.0", "generic", "O(1)"});
    t.add("pexpiretime", 2, kCmdFast, pexpiretime, {"Returns the expiration time of a key as a Unix milliseconds timestamp.", "7.0.0", "generic", "O(1)"});
    t.add("ttl", 2, kCmdFast, ttl, {"Returns the expiration time in seconds of a key.", "1.0.0", "generic", "O(1)"});
    t.add("pttl", 2, kCmdFast, pttl, {"Returns the expiration time in milliseconds of a key.", "2.6.0", "generic", "O(1)"});
    t.add("persist", 2, w, persist, {"Removes the expiration time of a key.", "2.2.0", "generic", "O(1)"});
    t.add("keys", 2, 0, keys, {"Returns all key names that match a pattern.", "1.0.0", "generic", "O(N)"});
    t.add("scan", -2, 0, scan, {"Iterates over the key names in the database.", "2.8.0", "generic", "O(1) for every call. O(N) for a complete iteration."});
    t.add("rename", 3, w, rename, {"Renames a key and overwrites the destination.", "1.0.0", "generic", "O(1)"});
    t.add("renamenx", 3, w, renamenx, {"Renames a key only when the target key name doesn't exist.", "1.0.0", "generic", "O(1)"});
    t.add("randomkey", 1, 0, randomkey, {"Returns a random key name from the database.", "1.0.0", "generic", "O(1)"});
    t.add("dbsize", 1, kCmdFast, dbsize, {"Returns the number of keys in the database.", "1.0.0", "server", "O(1)"});
    t.add("flushdb", -1, w, flushdb, {"Removes all keys from the current database.", "1.0.0", "server", "O(N)"});
    t.add("flushall", -1, w, flushall, {"Removes all keys from all databases.", "1.0.0", "server", "O(N)"});
}

}  // namespace sentinelpool::testing::detail
