// String commands: GET SET MGET MSET MSETNX SETNX SETEX PSETEX GETSET GETDEL
// GETEX INCR INCRBY INCRBYFLOAT DECR DECRBY APPEND STRLEN GETRANGE SETRANGE.

#include <climits>
#include <cmath>

#include "redis/cmd_util.hpp"

namespace sentinelpool::testing::detail {

namespace {

constexpr const char* kTooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// Redis's checkStringLength: would a string of `have` + `add` bytes exceed
// proto-max-bulk-len? Written so that no sum overflows.
bool tooLong(Call& c, long long have, std::size_t add) {
    long long max = MiniRedisCore::of(c).limits().protoMaxBulkLen;
    return have > max || static_cast<unsigned long long>(max - have) < add;
}

// Stores a string value, dropping any expiry unless keepTtl.
Value& storeString(Call& c, std::string_view key, std::string_view value, bool keepTtl = false,
                   StrEnc enc = StrEnc::Auto) {
    Db& d = callerDb(c);
    Value* v = d.find(key);
    if (!v) {
        v = &MiniRedisCore::of(c).addKey(c.peer.db, key, ValueType::String);
    } else if (!keepTtl) {
        d.setExpire(key, *v, -1);
    }
    v->setString(value, enc);
    return *v;
}

void get(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    if (v)
        c.reply.bulk(v->str());
    else
        c.reply.null();
}

enum : unsigned {
    kNx = 1, kXx = 2, kGet = 4, kKeepTtl = 8, kPersist = 16, kEx = 32, kPx = 64, kExAt = 128, kPxAt = 256
};
constexpr unsigned kAnyExpire = kEx | kPx | kExAt | kPxAt;

// Redis's parser for SET and GETEX options, rule for rule.
bool parseStringOptions(Call& c, std::size_t from, bool isSet, unsigned& flags, std::size_t& expireArg) {
    for (std::size_t j = from; j < c.argc(); ++j) {
        bool next = j + 1 < c.argc();
        if (c.is(j, "nx") && !(flags & kXx) && isSet) {
            flags |= kNx;
        } else if (c.is(j, "xx") && !(flags & kNx) && isSet) {
            flags |= kXx;
        } else if (c.is(j, "get") && isSet) {
            flags |= kGet;
        } else if (c.is(j, "keepttl") && !(flags & (kPersist | kAnyExpire)) && isSet) {
            flags |= kKeepTtl;
        } else if (c.is(j, "persist") && !isSet && !(flags & (kAnyExpire | kKeepTtl))) {
            flags |= kPersist;
        } else if (c.is(j, "ex") && !(flags & (kKeepTtl | kPersist | kExAt | kPx | kPxAt)) && next) {
            flags |= kEx;
            expireArg = ++j;
        } else if (c.is(j, "px") && !(flags & (kKeepTtl | kPersist | kEx | kExAt | kPxAt)) && next) {
            flags |= kPx;
            expireArg = ++j;
        } else if (c.is(j, "exat") && !(flags & (kKeepTtl | kPersist | kEx | kPx | kPxAt)) && next) {
            flags |= kExAt;
            expireArg = ++j;
        } else if (c.is(j, "pxat") && !(flags & (kKeepTtl | kPersist | kEx | kExAt | kPx)) && next) {
            flags |= kPxAt;
            expireArg = ++j;
        } else {
            c.reply.error(err::kSyntax);
            return false;
        }
    }
    return true;
}

// The absolute expiry time in ms for an EX/PX/EXAT/PXAT argument.
bool expireAt(Call& c, std::size_t arg, unsigned flags, std::string_view command, long long& at) {
    long long v;
    if (!argInt(c, arg, v)) return false;
    bool seconds = flags & (kEx | kExAt);
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
        c.reply.error(invalidExpire(command));
        return false;
    }
    if (seconds) v *= 1000;
    if (flags & (kEx | kPx)) {
        long long now = MiniRedisCore::of(c).nowMs();
        if (v > LLONG_MAX - now) {
            c.reply.error(invalidExpire(command));
            return false;
        }
        v += now;
    }
    at = v;
    return true;
}

void set(Call& c) {
    unsigned flags = 0;
    std::size_t expireArg = 0;
    if (!parseStringOptions(c, 3, true, flags, expireArg)) return;
    long long at = -1;
    if (expireArg && !expireAt(c, expireArg, flags, "set", at)) return;
    Value* old;
    if (flags & kGet) {
        if (!lookupTyped(c, c.arg(1), ValueType::String, old)) return;
        if (old)
            c.reply.bulk(old->str());
        else
            c.reply.null();
    } else {
        old = MiniRedisCore::of(c).lookup(c.peer.db, c.arg(1));
    }
    if (((flags & kNx) && old) || ((flags & kXx) && !old)) {
        if (!(flags & kGet)) c.reply.null();
        return;
    }
    Value& v = storeString(c, c.arg(1), c.arg(2), flags & kKeepTtl);
    std::string key(c.arg(1));
    if (at >= 0) callerDb(c).setExpire(key, v, at);
    auto& core = MiniRedisCore::of(c);
    // Replicated without GET/NX/XX and with an absolute expiry time.
    std::vector<std::string> rewritten{"SET", key, std::string(c.arg(2))};
    if (at >= 0) {
        rewritten.emplace_back("PXAT");
        rewritten.push_back(std::to_string(at));
    } else if (flags & kKeepTtl) {
        rewritten.emplace_back("KEEPTTL");
    }
    core.emit(std::move(rewritten));
    if (!(flags & kGet)) c.reply.ok();
}

void mget(Call& c) {
    auto& core = MiniRedisCore::of(c);
    c.reply.array(c.argc() - 1);
    for (std::size_t i = 1; i < c.argc(); ++i) {
        Value* v = core.lookup(c.peer.db, c.arg(i));
        if (v && v->type() == ValueType::String)
            c.reply.bulk(v->str());
        else
            c.reply.null();
    }
}

void msetGeneric(Call& c, bool nx) {
    if (c.argc() % 2 == 0) {
        c.reply.error(wrongArity(c.cmd.name));
        return;
    }
    auto& core = MiniRedisCore::of(c);
    if (nx) {
        for (std::size_t i = 1; i < c.argc(); i += 2) {
            if (core.lookup(c.peer.db, c.arg(i))) {
                c.reply.integer(0);
                return;
            }
        }
    }
    for (std::size_t i = 1; i < c.argc(); i += 2) storeString(c, c.arg(i), c.arg(i + 1));
    core.touch();
    if (nx)
        c.reply.integer(1);
    else
        c.reply.ok();
}

void mset(Call& c) { msetGeneric(c, false); }
void msetnx(Call& c) { msetGeneric(c, true); }

void setnx(Call& c) {
    auto& core = MiniRedisCore::of(c);
    if (core.lookup(c.peer.db, c.arg(1))) {
        c.reply.integer(0);
        return;
    }
    storeString(c, c.arg(1), c.arg(2));
    core.touch();
    c.reply.integer(1);
}

void setexGeneric(Call& c, bool ms) {
    long long at;
    if (!expireAt(c, 2, ms ? kPx : kEx, c.cmd.name, at)) return;
    Value& v = storeString(c, c.arg(1), c.arg(3));
    callerDb(c).setExpire(c.arg(1), v, at);
    MiniRedisCore::of(c).emit({"SET", std::string(c.arg(1)), std::string(c.arg(3)), "PXAT", std::to_string(at)});
    c.reply.ok();
}

void setex(Call& c) { setexGeneric(c, false); }
void psetex(Call& c) { setexGeneric(c, true); }

void getset(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    if (v)
        c.reply.bulk(v->str());
    else
        c.reply.null();
    storeString(c, c.arg(1), c.arg(2));
    MiniRedisCore::of(c).emit({"SET", std::string(c.arg(1)), std::string(c.arg(2))});
}

void getdel(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    if (!v) {
        c.reply.null();
        return;
    }
    c.reply.bulk(v->str());
    callerDb(c).erase(c.arg(1));
    MiniRedisCore::of(c).emit({"DEL", std::string(c.arg(1))});
}

void getex(Call& c) {
    unsigned flags = 0;
    std::size_t expireArg = 0;
    if (!parseStringOptions(c, 2, false, flags, expireArg)) return;
    // Redis's order: the options' syntax, the key, then the expire time.
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    if (!v) {
        c.reply.null();
        return;
    }
    long long at = -1;
    if (expireArg && !expireAt(c, expireArg, flags, "getex", at)) return;
    c.reply.bulk(v->str());
    auto& core = MiniRedisCore::of(c);
    std::string key(c.arg(1));
    if (at >= 0) {
        if (at <= core.nowMs() && !core.isReplicaLocked()) {
            callerDb(c).erase(key);
            core.emit({"DEL", key});
        } else {
            callerDb(c).setExpire(key, *v, at);
            core.emit({"PEXPIREAT", key, std::to_string(at)});
        }
    } else if ((flags & kPersist) && v->expireAtMs >= 0) {
        callerDb(c).setExpire(key, *v, -1);
        core.emit({"PERSIST", key});
    }
}

void incrGeneric(Call& c, long long by) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    long long cur = 0;
    if (v) {
        auto parsed = parseInt(v->str());
        if (!parsed) {
            c.reply.error(err::kNotInt);
            return;
        }
        cur = *parsed;
    }
    if ((by < 0 && cur < 0 && by < LLONG_MIN - cur) || (by > 0 && cur > 0 && by > LLONG_MAX - cur)) {
        c.reply.error(err::kOverflow);
        return;
    }
    cur += by;
    std::string s = std::to_string(cur);
    storeString(c, c.arg(1), s, true);
    MiniRedisCore::of(c).touch();
    c.reply.integer(cur);
}

void incr(Call& c) { incrGeneric(c, 1); }
void decr(Call& c) { incrGeneric(c, -1); }
void incrby(Call& c) {
    long long by;
    if (argInt(c, 2, by)) incrGeneric(c, by);
}
void decrby(Call& c) {
    long long by;
    if (!argInt(c, 2, by)) return;
    if (by == LLONG_MIN) {
        c.reply.error("ERR decrement would overflow");
        return;
    }
    incrGeneric(c, -by);
}

void incrbyfloat(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    long double cur = 0;
    if (v) {
        auto parsed = parseLongDouble(v->str());
        if (!parsed) {
            c.reply.error(err::kNotFloat);
            return;
        }
        cur = *parsed;
    }
    auto by = parseLongDouble(c.arg(2));
    if (!by) {
        c.reply.error(err::kNotFloat);
        return;
    }
    cur += *by;
    if (std::isnan(cur) || std::isinf(cur)) {
        c.reply.error("ERR increment would produce NaN or Infinity");
        return;
    }
    std::string s = formatLongDouble(cur);
    storeString(c, c.arg(1), s, true, StrEnc::NoInt);
    MiniRedisCore::of(c).emit({"SET", std::string(c.arg(1)), s, "KEEPTTL"});
    c.reply.bulk(s);
}

void append(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    if (v) {
        if (tooLong(c, static_cast<long long>(v->str().size()), c.arg(2).size())) {
            c.reply.error(kTooBig);
            return;
        }
        v->str().append(c.arg(2));
        v->string().enc = StrEnc::Raw;
    } else {
        v = &storeString(c, c.arg(1), c.arg(2));
    }
    MiniRedisCore::of(c).touch();
    c.reply.integer(static_cast<long long>(v->str().size()));
}

void strlen(Call& c) {
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    c.reply.integer(v ? static_cast<long long>(v->str().size()) : 0);
}

void getrange(Call& c) {
    long long start, end;
    if (!argInt(c, 2, start) || !argInt(c, 3, end)) return;
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    if (!v) {
        c.reply.bulk("");
        return;
    }
    auto len = static_cast<long long>(v->str().size());
    if (start < 0 && end < 0 && start > end) {
        c.reply.bulk("");
        return;
    }
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) {
        c.reply.bulk("");
        return;
    }
    c.reply.bulk(std::string_view(v->str()).substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1)));
}

void setrange(Call& c) {
    long long offset;
    if (!argInt(c, 2, offset)) return;
    if (offset < 0) {
        c.reply.error("ERR offset is out of range");
        return;
    }
    Value* v;
    if (!lookupTyped(c, c.arg(1), ValueType::String, v)) return;
    std::string_view value = c.arg(3);
    if (!v && value.empty()) {
        c.reply.integer(0);
        return;
    }
    if (v && value.empty()) {
        c.reply.integer(static_cast<long long>(v->str().size()));
        return;
    }
    if (tooLong(c, offset, value.size())) {
        c.reply.error(kTooBig);
        return;
    }
    if (!v) v = &storeString(c, c.arg(1), "");
    v->string().enc = StrEnc::Raw;
    auto need = static_cast<std::size_t>(offset) + value.size();
    if (v->str().size() < need) v->str().resize(need, '\0');
    v->str().replace(static_cast<std::size_t>(offset), value.size(), value);
    MiniRedisCore::of(c).touch();
    c.reply.integer(static_cast<long long>(v->str().size()));
}

}  // namespace

void registerStringCommands(CommandTable& t) {
    const unsigned w = kCmdWrite;
    t.add("get", 2, kCmdFast, get, {"Returns the string value of a key.", "1.0.0", "string", "O(1)"});
    t.add("set", -3, w, set, {"Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0", "string", "O(1)"});
    t.add("mget", -2, kCmdFast, mget, {"Atomically returns the string values of one or more keys.", "1.0.0", "string", "O(N)"});
    t.add("mset", -3, w, mset, {"Atomically creates or modifies the string values of one or more keys.", "1.0.1", "string", "O(N)"});
    t.add("msetnx", -3, w, msetnx, {"Atomically modifies the string values of one or more keys only when all keys don't exist.", "1.0.1", "string", "O(N)"});
    t.add("setnx", 3, w, setnx, {"Set the string value of a key only when the key doesn't exist.", "1.0.0", "string", "O(1)"});
    t.add("setex", 4, w, setex, {"Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "2.0.0", "string", "O(1)"});
    t.add("psetex", 4, w, psetex, {"Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "2.6.0", "string", "O(1)"});
    t.add("getset", 3, w, getset, {"Returns the previous string value of a key after setting it to a new value.", "1.0.0", "string", "O(1)"});
    t.add("getdel", 2, w, getdel, {"Returns the string value of a key after deleting the key.", "6.2.0", "string", "O(1)"});
    t.add("getex", -2, w, getex, {"Returns the string value of a key after setting its expiration time.", "6.2.0", "string", "O(1)"});
    t.add("incr", 2, w, incr, {"Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "string", "O(1)"});
    t.add("incrby", 3, w, incrby, {"Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "string", "O(1)"});
    t.add("incrbyfloat", 3, w, incrbyfloat, {"Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "2.6.0", "string", "O(1)"});
    t.add("decr", 2, w, decr, {"Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "string", "O(1)"});
    t.add("decrby", 3, w, decrby, {"Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "1.0.0", "string", "O(1)"});
    t.add("append", 3, w, append, {"Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0", "string", "O(1)"});
    t.add("strlen", 2, kCmdFast, strlen, {"Returns the length of a string value.", "2.2.0", "string", "O(1)"});
    t.add("getrange", 4, 0, getrange, {"Returns a substring of the string stored at a key.", "2.4.0", "string", "O(N)"});
    t.add("setrange", 4, w, setrange, {"Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "2.2.0", "string", "O(1)"});
}

}  // namespace sentinelpool::testing::detail
