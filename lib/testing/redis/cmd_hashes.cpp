// Hash commands: HSET HSETNX HGET HMGET HMSET HDEL HEXISTS HGETALL HKEYS
// HVALS HLEN HINCRBY HINCRBYFLOAT HSTRLEN HSCAN HRANDFIELD.

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cmath>
#include <random>

#include "redis/cmd_util.hpp"

namespace sentinelpool::testing::detail {

namespace {

// The hash at key for writing, created when missing; null after WRONGTYPE.
Value* hashForWrite(Call& c, std::string_view key) {
    Value* v;
    if (!lookupTyped(c, key, ValueType::Hash, v)) return nullptr;
    if (!v) v = &MiniRedisCore::of(c).addKey(c.peer.db, key, ValueType::Hash);
    return v;
}

// Drops a hash left without fields, as Redis does.
void dropIfEmpty(Call& c, std::string_view key, Value* v) {
    if (v->hash().empty()) callerDb(c).erase(key);
}

void hsetGeneric(Call& c, bool replyOk) {
    if (c.argc() % 2 == 1) {
        c.reply.error(wrongArity(c.cmd.name));
        return;
    }
    Value* v = hashForWrite(c, c.arg(1));
    if (!v) return;
    long long created = 0;
    for (std::size_t i = 2; i < c.argc(); i += 2)
        if (v->hash().set(c.arg(i), c.arg(i + 1))) ++created;
    MiniRedisCore::of(c).touch();
    if (replyOk)
        c.reply.ok();
    else
        c.reply.integer(created);
}

void hset(Call& c) { hsetGeneric(c, false); }
void hmset(Call& c) { hsetGeneric(c, true); }

void hsetnx(Call& c) {
    Value* v = hashForWrite(c, c.arg(1));
    if (!v) return;
    if (v->hash().find(c.arg(2))) {
        c.reply.integer(0);
        return;
    }
    v->hash().set(c.arg(2), c.arg(3));
    MiniRedisCore::of(c).touch();
    c.reply.integer(1);
}

void hget(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    const std::string* f = v ? v->hash().find(c.arg(2)) : nullptr;
    if (f)
        c.reply.bulk(*f);
    else
        c.reply.null();
}

void hmget(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    c.reply.array(c.argc() - 2);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        const std::string* f = v ? v->hash().find(c.arg(i)) : nullptr;
        if (f)
            c.reply.bulk(*f);
        else
            c.reply.null();
    }
}

void hdel(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    long long n = 0;
    if (v) {
        for (std::size_t i = 2; i < c.argc(); ++i)
            if (v->hash().erase(c.arg(i))) ++n;
        dropIfEmpty(c, c.arg(1), v);
    }
    if (n) MiniRedisCore::of(c).touch();
    c.reply.integer(n);
}

void hexists(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    c.reply.integer(v && v->hash().find(c.arg(2)) ? 1 : 0);
}

void hgetall(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    if (!v) {
        c.reply.map(0);
        return;
    }
    c.reply.map(v->hash().size());
    for (auto& kv : v->hash().items()) {
        c.reply.bulk(kv.first);
        c.reply.bulk(kv.second);
    }
}

void hkeysGeneric(Call& c, bool keys) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    if (!v) {
        c.reply.emptyArray();
        return;
    }
    c.reply.array(v->hash().size());
    for (auto& kv : v->hash().items()) c.reply.bulk(keys ? kv.first : kv.second);
}

void hkeys(Call& c) { hkeysGeneric(c, true); }
void hvals(Call& c) { hkeysGeneric(c, false); }

void hlen(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    c.reply.integer(v ? static_cast<long long>(v->hash().size()) : 0);
}

void hstrlen(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    const std::string* f = v ? v->hash().find(c.arg(2)) : nullptr;
    c.reply.integer(f ? static_cast<long long>(f->size()) : 0);
}

void hincrby(Call& c) {
    long long by;
    if (!argInt(c, 3, by)) return;
    Value* v = hashForWrite(c, c.arg(1));
    if (!v) return;
    long long cur = 0;
    if (const std::string* f = v->hash().find(c.arg(2))) {
        auto parsed = parseInt(*f);
        if (!parsed) {
            dropIfEmpty(c, c.arg(1), v);
            c.reply.error("ERR hash value is not an integer");
            return;
        }
        cur = *parsed;
    }
    if ((by < 0 && cur < 0 && by < LLONG_MIN - cur) || (by > 0 && cur > 0 && by > LLONG_MAX - cur)) {
        dropIfEmpty(c, c.arg(1), v);
        c.reply.error(err::kOverflow);
        return;
    }
    cur += by;
    v->hash().set(c.arg(2), std::to_string(cur));
    MiniRedisCore::of(c).touch();
    c.reply.integer(cur);
}

void hincrbyfloat(Call& c) {
    auto by = parseLongDouble(c.arg(3));
    if (!by) {
        c.reply.error(err::kNotFloat);
        return;
    }
    if (std::isinf(*by)) {
        c.reply.error("ERR value is NaN or Infinity");
        return;
    }
    Value* v = hashForWrite(c, c.arg(1));
    if (!v) return;
    long double cur = 0;
    if (const std::string* f = v->hash().find(c.arg(2))) {
        auto parsed = parseLongDouble(*f);
        if (!parsed) {
            c.reply.error("ERR hash value is not a float");
            return;
        }
        cur = *parsed;
    }
    cur += *by;
    if (std::isnan(cur) || std::isinf(cur)) {
        dropIfEmpty(c, c.arg(1), v);
        c.reply.error("ERR increment would produce NaN or Infinity");
        return;
    }
    std::string s = formatLongDouble(cur);
    v->hash().set(c.arg(2), s);
    MiniRedisCore::of(c).emit({"HSET", std::string(c.arg(1)), std::string(c.arg(2)), s});
    c.reply.bulk(s);
}

// A hash fits in one HSCAN reply (Redis does the same for small hashes),
// so the cursor is always 0 after the first call.
void hscan(Call& c) {
    unsigned long long cursor;
    if (!parseScanCursor(c, 2, cursor)) return;
    // Redis looks the key up before it reads the options: a missing key
    // answers an empty page whatever they are.
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    if (!v) {
        c.reply.array(2);
        c.reply.bulk("0");
        c.reply.emptyArray();
        return;
    }
    std::string_view match;
    for (std::size_t i = 3; i < c.argc(); i += 2) {
        bool more = i + 1 < c.argc();
        if (c.is(i, "count") && more) {
            long long n;
            if (!argInt(c, i + 1, n)) return;
            if (n < 1) {
                c.reply.error(err::kSyntax);
                return;
            }
        } else if (c.is(i, "match") && more) {
            match = c.arg(i + 1);
        } else {
            c.reply.error(err::kSyntax);
            return;
        }
    }
    std::vector<const std::pair<std::string, std::string>*> items;
    for (auto& kv : v->hash().items())
        if (match.empty() || globMatch(match, kv.first)) items.push_back(&kv);
    c.reply.array(2);
    c.reply.bulk("0");
    c.reply.array(items.size() * 2);
    for (auto* kv : items) {
        c.reply.bulk(kv->first);
        c.reply.bulk(kv->second);
    }
}

void hrandfield(Call& c) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    if (c.argc() == 2) {
        Value* v;
        if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
        if (!v) {
            c.reply.null();
            return;
        }
        c.reply.bulk(v->hash().items()[rng() % v->hash().size()].first);
        return;
    }
    // Redis's order: the count's range, the syntax, the WITHVALUES range
    // (count*2 replies must not overflow), then the key.
    long long count;
    if (!argInt(c, 2, count)) return;
    if (count == LLONG_MIN) {
        c.reply.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        return;
    }
    bool withValues = false;
    if (c.argc() == 4 && c.is(3, "withvalues")) {
        withValues = true;
        if (count < -(LLONG_MAX / 2) || count > LLONG_MAX / 2) {
            c.reply.error("ERR value is out of range");
            return;
        }
    } else if (c.argc() > 3) {
        c.reply.error(err::kSyntax);
        return;
    }
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::Hash, v)) return;
    if (!v || count == 0) {
        c.reply.emptyArray();
        return;
    }
    const auto& items = v->hash().items();
    std::vector<std::size_t> pick;
    if (count < 0) {  // may repeat, exactly -count
        for (long long i = 0; i < -count; ++i) pick.push_back(rng() % items.size());
    } else {  // distinct, at most count
        // (push_back and erase, not resize: GCC 12 at -O3 warns of a null
        // dereference inside vector::resize here, wrongly.)
        pick.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) pick.push_back(i);
        std::shuffle(pick.begin(), pick.end(), rng);
        if (static_cast<std::size_t>(count) < pick.size())
            pick.erase(pick.begin() + static_cast<std::ptrdiff_t>(count), pick.end());
    }
    if (withValues && c.reply.proto() == 3) {
        c.reply.array(pick.size());
        for (auto i : pick) {
            c.reply.array(2);
            c.reply.bulk(items[i].first);
            c.reply.bulk(items[i].second);
        }
        return;
    }
    c.reply.array(pick.size() * (withValues ? 2 : 1));
    for (auto i : pick) {
        c.reply.bulk(items[i].first);
        if (withValues) c.reply.bulk(items[i].second);
    }
}

}  // namespace

void registerHashCommands(CommandTable& t) {
    const unsigned w = kCmdWrite;
    t.add("hset", -4, w, hset, {"Creates or modifies the value of a field in a hash.", "2.0.0", "hash", "O(N)"});
    t.add("hsetnx", 4, w, hsetnx, {"Sets the value of a field in a hash only when the field doesn't exist.", "2.0.0", "hash", "O(1)"});
    t.add("hget", 3, kCmdFast, hget, {"Returns the value of a field in a hash.", "2.0.0", "hash", "O(1)"});
    t.add("hmget", -3, kCmdFast, hmget, {"Returns the values of all fields in a hash.", "2.0.0", "hash", "O(N)"});
    t.add("hmset", -4, w, hmset, {"Sets the values of multiple fields.", "2.0.0", "hash", "O(N)"});
    t.add("hdel", -3, w, hdel, {"Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", "2.0.0", "hash", "O(N)"});
    t.add("hexists", 3, kCmdFast, hexists, {"Determines whether a field exists in a hash.", "2.0.0", "hash", "O(1)"});
    t.add("hgetall", 2, 0, hgetall, {"Returns all fields and values in a hash.", "2.0.0", "hash", "O(N)"});
    t.add("hkeys", 2, 0, hkeys, {"Returns all fields in a hash.", "2.0.0", "hash", "O(N)"});
    t.add("hvals", 2, 0, hvals, {"Returns all values in a hash.", "2.0.0", "hash", "O(N)"});
    t.add("hlen", 2, kCmdFast, hlen, {"Returns the number of fields in a hash.", "2.0.0", "hash", "O(1)"});
    t.add("hstrlen", 3, kCmdFast, hstrlen, {"Returns the length of the value of a field.", "3.2.0", "hash", "O(1)"});
    t.add("hincrby", 4, w, hincrby, {"Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", "2.0.0", "hash", "O(1)"});
    t.add("hincrbyfloat", 4, w, hincrbyfloat, {"Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", "2.6.0", "hash", "O(1)"});
    t.add("hscan", -3, 0, hscan, {"Iterates over fields and values of a hash.", "2.8.0", "hash", "O(1) for every call. O(N) for a complete iteration."});
    t.add("hrandfield", -2, 0, hrandfield, {"Returns one or more random fields from a hash.", "6.2.0", "hash", "O(N)"});
}

}  // namespace sentinelpool::testing::detail
