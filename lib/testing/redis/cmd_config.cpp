// CONFIG GET / SET / RESETSTAT / REWRITE, and the parameter table: Redis
// 7.0's names, aliases, types and bounds for the parameters MiniRedis knows.
// CONFIG SET validates in Redis's two phases (every name first, then every
// value) and reports Redis's texts; a parameter that changes behaviour has
// an apply function that updates MiniRedisCore's typed copy.

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "redis/cmd_util.hpp"

namespace sentinelpool::testing::detail {

namespace {

// Names, aliases, types and bounds of Redis 7.0's config.c for the
// parameters MiniRedis knows; CONFIG SET validates in Redis's two phases
// (every name first, then every value) and reports Redis's texts.

struct ConfigParam;
// Called under the data lock after a value was stored (`stored` is what
// CONFIG GET will answer).
using ConfigApply = void (*)(MiniRedisCore& core, const std::string& stored);

struct ConfigParam {
    const char* name;
    const char* alias;
    enum Kind { Immutable, Int, UInt, Memory, YesNo, Enum, String, NotifyFlags, OutputLimits } kind;
    long long min = 0;
    unsigned long long max = 0;
    const char* choices = nullptr;  // Enum: Redis's list, in its order
    ConfigApply apply = nullptr;
};

long long asInt(const std::string& stored) { return std::strtoll(stored.c_str(), nullptr, 10); }

// A field of EncodingLimits set from its parameter.
template <long long EncodingLimits::*Field>
void setLimit(MiniRedisCore& core, const std::string& stored) {
    core.limitsLocked().*Field = asInt(stored);
}

void setNotify(MiniRedisCore& core, const std::string& stored) {
    core.setNotifyFlagsLocked(parseNotifyFlags(stored).value_or(0));
}

void setReplicaPriority(MiniRedisCore& core, const std::string& stored) {
    core.setReplicaPriorityLocked(static_cast<int>(asInt(stored)));
}

void setRequirePass(MiniRedisCore& core, const std::string& stored) { core.server().setDefaultPassword(stored); }

// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
void setOutputLimits(MiniRedisCore& core, const std::string& stored) {
    std::vector<std::string> w;
    for (std::size_t pos = 0; pos < stored.size();) {
        std::size_t sp = stored.find(' ', pos);
        w.push_back(stored.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
        if (sp == std::string::npos) break;
        pos = sp + 1;
    }
    for (std::size_t i = 0; i + 3 < w.size(); i += 4) {
        OutputClass cls = w[i] == "normal" ? OutputClass::Normal : w[i] == "pubsub" ? OutputClass::PubSub : OutputClass::Replica;
        core.server().setOutputLimit(cls, OutputLimit{std::strtoull(w[i + 1].c_str(), nullptr, 10),
                                                      std::strtoull(w[i + 2].c_str(), nullptr, 10),
                                                      std::strtoll(w[i + 3].c_str(), nullptr, 10)});
    }
}

constexpr long long kIntMax = 2147483647LL;
constexpr long long kIntMin = -2147483648LL;
constexpr unsigned long long kLongMax = 9223372036854775807ULL;

const ConfigParam kParams[] = {
    {"databases", nullptr, ConfigParam::Immutable},
    {"port", nullptr, ConfigParam::Immutable},  // Redis can re-bind; MiniRedis keeps its port
    {"bind", nullptr, ConfigParam::Immutable},
    {"cluster-enabled", nullptr, ConfigParam::Immutable},
    {"maxmemory", nullptr, ConfigParam::Memory, 0, ULLONG_MAX},
    {"maxmemory-policy", nullptr, ConfigParam::Enum, 0, 0,
     "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
     "noeviction"},
    {"maxclients", nullptr, ConfigParam::UInt, 1, 4294967295ULL},
    {"timeout", nullptr, ConfigParam::UInt, 0, kIntMax},
    {"tcp-keepalive", nullptr, ConfigParam::Int, 0, kIntMax},
    {"hz", nullptr, ConfigParam::Int, 0, kIntMax},
    {"save", nullptr, ConfigParam::String},
    {"appendonly", nullptr, ConfigParam::YesNo},
    {"appendfsync", nullptr, ConfigParam::Enum, 0, 0, "everysec, always, no"},
    {"requirepass", nullptr, ConfigParam::String, 0, 0, nullptr, setRequirePass},
    {"masterauth", nullptr, ConfigParam::String},
    {"masteruser", nullptr, ConfigParam::String},
    {"replica-priority", "slave-priority", ConfigParam::Int, 0, kIntMax, nullptr, setReplicaPriority},
    {"replica-read-only", "slave-read-only", ConfigParam::YesNo},
    {"replica-serve-stale-data", "slave-serve-stale-data", ConfigParam::YesNo},
    {"replica-announced", nullptr, ConfigParam::YesNo},
    {"min-replicas-to-write", "min-slaves-to-write", ConfigParam::Int, 0, kIntMax},
    {"min-replicas-max-lag", "min-slaves-max-lag", ConfigParam::Int, 0, kIntMax},
    {"notify-keyspace-events", nullptr, ConfigParam::NotifyFlags, 0, 0, nullptr, setNotify},
    {"proto-max-bulk-len", nullptr, ConfigParam::Memory, 1024 * 1024, LLONG_MAX, nullptr,
     setLimit<&EncodingLimits::protoMaxBulkLen>},
    {"hash-max-listpack-entries", "hash-max-ziplist-entries", ConfigParam::Int, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::hashMaxListpackEntries>},
    {"hash-max-listpack-value", "hash-max-ziplist-value", ConfigParam::Memory, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::hashMaxListpackValue>},
    {"list-max-listpack-size", "list-max-ziplist-size", ConfigParam::Int, kIntMin, kIntMax, nullptr,
     setLimit<&EncodingLimits::listMaxListpackSize>},
    {"list-compress-depth", nullptr, ConfigParam::Int, 0, kIntMax, nullptr,
     setLimit<&EncodingLimits::listCompressDepth>},
    {"set-max-intset-entries", nullptr, ConfigParam::Int, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::setMaxIntsetEntries>},
    {"zset-max-listpack-entries", "zset-max-ziplist-entries", ConfigParam::Int, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::zsetMaxListpackEntries>},
    {"zset-max-listpack-value", "zset-max-ziplist-value", ConfigParam::Memory, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::zsetMaxListpackValue>},
    {"stream-node-max-bytes", nullptr, ConfigParam::Memory, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::streamNodeMaxBytes>},
    {"stream-node-max-entries", nullptr, ConfigParam::Int, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::streamNodeMaxEntries>},
    {"hll-sparse-max-bytes", nullptr, ConfigParam::Memory, 0, kLongMax, nullptr,
     setLimit<&EncodingLimits::hllSparseMaxBytes>},
    {"lazyfree-lazy-user-del", nullptr, ConfigParam::YesNo},
    {"client-output-buffer-limit", nullptr, ConfigParam::OutputLimits, 0, 0, nullptr, setOutputLimits},
};

std::string defaultValue(const std::string& name, MiniRedisCore& core) {
    if (name == "databases") return "16";
    if (name == "port") return std::to_string(core.port());
    if (name == "bind") return core.host();
    if (name == "maxmemory" || name == "timeout" || name == "min-replicas-to-write") return "0";
    if (name == "maxmemory-policy") return "noeviction";
    if (name == "maxclients") return "10000";
    if (name == "tcp-keepalive") return "300";
    if (name == "hz") return "10";
    if (name == "appendfsync") return "everysec";
    if (name == "replica-priority") return std::to_string(core.replicaPriorityLocked());
    if (name == "replica-read-only" || name == "replica-serve-stale-data" || name == "replica-announced")
        return "yes";
    if (name == "appendonly" || name == "cluster-enabled" || name == "lazyfree-lazy-user-del") return "no";
    if (name == "min-replicas-max-lag") return "10";
    if (name == "proto-max-bulk-len") return "536870912";
    const EncodingLimits d;
    if (name == "hash-max-listpack-entries") return std::to_string(d.hashMaxListpackEntries);
    if (name == "hash-max-listpack-value") return std::to_string(d.hashMaxListpackValue);
    if (name == "list-max-listpack-size") return std::to_string(d.listMaxListpackSize);
    if (name == "list-compress-depth") return std::to_string(d.listCompressDepth);
    if (name == "set-max-intset-entries") return std::to_string(d.setMaxIntsetEntries);
    if (name == "zset-max-listpack-entries") return std::to_string(d.zsetMaxListpackEntries);
    if (name == "zset-max-listpack-value") return std::to_string(d.zsetMaxListpackValue);
    if (name == "stream-node-max-bytes") return std::to_string(d.streamNodeMaxBytes);
    if (name == "stream-node-max-entries") return std::to_string(d.streamNodeMaxEntries);
    if (name == "hll-sparse-max-bytes") return std::to_string(d.hllSparseMaxBytes);
    if (name == "client-output-buffer-limit")
        return "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
    return "";
}

std::string configValue(const ConfigParam& p, MiniRedisCore& core) {
    auto& cfg = core.configLocked();
    auto it = cfg.find(p.name);
    if (it != cfg.end()) return it->second;
    return defaultValue(p.name, core);
}

// An entry of Redis's config table: a parameter under its name or its alias.
struct ConfigEntry {
    const ConfigParam* param = nullptr;
    const char* name = nullptr;
    bool operator==(const ConfigEntry& o) const { return param == o.param && name == o.name; }
};

ConfigEntry findConfig(std::string_view name) {
    for (auto& p : kParams) {
        if (iequals(name, p.name)) return {&p, p.name};
        if (p.alias && iequals(name, p.alias)) return {&p, p.alias};
    }
    return {};
}

// Redis's memtoull: digits and an optional unit (b k kb m mb g gb, any
// case); no sign; an overflow wraps, as it does in Redis 7.0.
bool parseMemory(const std::string& s, unsigned long long& out) {
    if (!s.empty() && s[0] == '-') return false;
    std::size_t u = 0;
    while (u < s.size() && std::isdigit(static_cast<unsigned char>(s[u]))) ++u;
    std::string unit = toLower(s.substr(u));
    unsigned long long mul;
    if (unit.empty() || unit == "b")
        mul = 1;
    else if (unit == "k")
        mul = 1000;
    else if (unit == "kb")
        mul = 1024;
    else if (unit == "m")
        mul = 1000 * 1000;
    else if (unit == "mb")
        mul = 1024 * 1024;
    else if (unit == "g")
        mul = 1000ULL * 1000 * 1000;
    else if (unit == "gb")
        mul = 1024ULL * 1024 * 1024;
    else
        return false;
    if (u >= 128) return false;
    unsigned long long v = std::strtoull(s.substr(0, u).c_str(), nullptr, 10);  // ERANGE: ULLONG_MAX, as Redis
    out = v * mul;
    return true;
}

// The value to store for `value`, or the reason Redis gives for refusing it.
// Redis's client-output-buffer-limit setter: groups of "class hard soft
// seconds" change those classes; the result is every class, normalised.
bool parseOutputLimits(const std::string& value, const std::string& current, std::string& stored, std::string& why) {
    // sdssplitlen on single spaces, as Redis: "a  b" has an empty word.
    auto words = [](const std::string& str) {
        std::vector<std::string> w;
        if (str.empty()) return w;
        std::size_t pos = 0;
        for (;;) {
            std::size_t sp = str.find(' ', pos);
            w.push_back(str.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
            if (sp == std::string::npos) break;
            pos = sp + 1;
        }
        return w;
    };
    std::vector<std::string> in = words(value);
    if (in.size() % 4 != 0) {
        why = "Wrong number of arguments in buffer limit configuration.";
        return false;
    }
    std::vector<std::string> cur = words(current);  // normal .. slave .. pubsub ..
    for (std::size_t i = 0; i < in.size(); i += 4) {
        std::string cls = toLower(in[i]);
        std::size_t slot;
        if (cls == "normal")
            slot = 0;
        else if (cls == "slave" || cls == "replica")
            slot = 4;
        else if (cls == "pubsub")
            slot = 8;
        else {
            why = "Invalid client class specified in buffer limit configuration.";
            return false;
        }
        unsigned long long hard, soft;
        char* end = nullptr;
        long long secs = std::strtoll(in[i + 3].c_str(), &end, 10);
        if (!parseMemory(in[i + 1], hard) || !parseMemory(in[i + 2], soft) || *end != '\0' || secs < 0) {
            why = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            return false;
        }
        if (cur.size() == 12) {
            cur[slot + 1] = std::to_string(hard);
            cur[slot + 2] = std::to_string(soft);
            cur[slot + 3] = std::to_string(secs);
        }
    }
    stored.clear();
    for (auto& w : cur) stored += (stored.empty() ? "" : " ") + w;
    return true;
}

bool validateConfig(const ConfigParam& p, const std::string& value, const std::string& current, std::string& stored,
                    std::string& why) {
    switch (p.kind) {
    case ConfigParam::OutputLimits: return parseOutputLimits(value, current, stored, why);
    case ConfigParam::Immutable: why = "can't set immutable config"; return false;
    case ConfigParam::String: stored = value; return true;
    case ConfigParam::NotifyFlags: {
        auto flags = parseNotifyFlags(value);
        if (!flags) {
            why = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
            return false;
        }
        stored = formatNotifyFlags(*flags);
        return true;
    }
    case ConfigParam::YesNo:
        if (!iequals(value, "yes") && !iequals(value, "no")) {
            why = "argument must be 'yes' or 'no'";
            return false;
        }
        stored = toLower(value);
        return true;
    case ConfigParam::Enum: {
        std::string_view list = p.choices;
        for (std::size_t pos = 0; pos <= list.size();) {
            std::size_t comma = list.find(", ", pos);
            std::string_view choice = list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
            if (iequals(value, choice)) {
                stored = std::string(choice);
                return true;
            }
            if (comma == std::string_view::npos) break;
            pos = comma + 2;
        }
        why = std::string("argument(s) must be one of the following: ") + p.choices;
        return false;
    }
    case ConfigParam::Int:
    case ConfigParam::UInt:
    case ConfigParam::Memory: {
        long long ll;
        if (p.kind == ConfigParam::Memory) {
            unsigned long long ull;
            if (!parseMemory(value, ull)) {
                why = "argument must be a memory value";
                return false;
            }
            ll = static_cast<long long>(ull);
        } else {
            auto v = parseInt(value);
            if (!v) {
                why = "argument couldn't be parsed into an integer";
                return false;
            }
            ll = *v;
        }
        // Unsigned types compare as unsigned (-1 is far above the bound).
        bool isUnsigned = p.kind == ConfigParam::UInt || (p.kind == ConfigParam::Memory && p.max == ULLONG_MAX);
        bool inRange = isUnsigned ? static_cast<unsigned long long>(ll) >= static_cast<unsigned long long>(p.min) &&
                                        static_cast<unsigned long long>(ll) <= p.max
                                  : ll >= p.min && ll <= static_cast<long long>(p.max);
        if (!inRange) {
            why = "argument must be between " + std::to_string(p.min) + " and " + std::to_string(p.max) + " inclusive";
            return false;
        }
        stored = isUnsigned ? std::to_string(static_cast<unsigned long long>(ll)) : std::to_string(ll);
        if (std::string(p.name) == "hz") stored = std::to_string(std::clamp(ll, 1LL, 500LL));  // Redis caps hz
        return true;
    }
    }
    return false;
}

void configGet(Call& c) {
    auto& core = MiniRedisCore::of(c);
    // Redis's `matches` dict: keys compared without case. A plain name comes
    // back as the client spelled it, a pattern's matches as Redis names them.
    std::vector<std::pair<std::string, std::string>> out;
    auto seen = [&out](std::string_view n) {
        for (auto& kv : out)
            if (iequals(kv.first, n)) return true;
        return false;
    };
    for (std::size_t i = 2; i < c.argc(); ++i) {
        std::string_view arg = c.arg(i);
        std::string_view cstr = arg.substr(0, arg.find('\0'));
        if (cstr.find_first_of("[*?") == std::string_view::npos) {
            ConfigEntry e = findConfig(arg);
            if (e.param && !seen(arg)) out.emplace_back(std::string(arg), configValue(*e.param, core));
            continue;
        }
        for (auto& p : kParams) {
            for (const char* n : {p.name, p.alias}) {
                if (!n || seen(n) || !globMatch(arg, n, true)) continue;
                out.emplace_back(n, configValue(p, core));
            }
        }
    }
    c.reply.map(out.size());
    for (auto& kv : out) {
        c.reply.bulk(kv.first);
        c.reply.bulk(kv.second);
    }
}

void configSet(Call& c) {
    if (c.argc() % 2 == 1) {
        c.reply.error(err::kSyntax);
        return;
    }
    auto& core = MiniRedisCore::of(c);
    // Phase 1, the names: the first unknown, immutable or repeated one fails.
    std::vector<ConfigEntry> entries;
    for (std::size_t i = 2; i < c.argc(); i += 2) {
        std::string arg(c.arg(i));
        ConfigEntry e = findConfig(arg);
        if (!e.param) {
            c.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" + arg + "'");
            return;
        }
        std::string why;
        if (e.param->kind == ConfigParam::Immutable) why = "can't set immutable config";
        for (auto& prev : entries)
            if (why.empty() && prev == e) why = "duplicate parameter";
        if (!why.empty()) {
            c.reply.error("ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + why);
            return;
        }
        entries.push_back(e);
    }
    // Phase 2, the values, in order; nothing changes unless all are valid.
    std::vector<std::string> values;
    for (std::size_t k = 0; k < entries.size(); ++k) {
        std::string stored, why;
        if (!validateConfig(*entries[k].param, std::string(c.arg(3 + 2 * k)), configValue(*entries[k].param, core),
                            stored, why)) {
            c.reply.error("ERR CONFIG SET failed (possibly related to argument '" + std::string(entries[k].name) +
                          "') - " + why);
            return;
        }
        values.push_back(stored);
    }
    for (std::size_t k = 0; k < entries.size(); ++k) {
        std::string name = entries[k].param->name;
        core.configLocked()[name] = values[k];
        if (entries[k].param->apply) entries[k].param->apply(core, values[k]);
    }
    c.reply.ok();
}

void configResetStat(Call& c) { c.reply.ok(); }
void configRewrite(Call& c) { c.reply.error("ERR The server is running without a config file"); }

}  // namespace

void registerConfigCommands(CommandTable& t) {
    t.add("config", -2, 0, nullptr, {"A container for server configuration commands.", "2.0.0", "server", "Depends on subcommand."});
    t.addSub("config", "get", -3, kCmdAdmin, configGet, {"Returns the effective values of configuration parameters.", "2.0.0", "server", "O(N)"});
    t.addSub("config", "set", -4, kCmdAdmin, configSet, {"Sets configuration parameters in-flight.", "2.0.0", "server", "O(N)"});
    t.addSub("config", "resetstat", 2, kCmdAdmin, configResetStat, {"Resets the server's statistics.", "2.0.0", "server", "O(1)"});
    t.addSub("config", "rewrite", 2, kCmdAdmin, configRewrite, {"Persists the effective configuration to file.", "2.8.0", "server", "O(1)"});
}

}  // namespace sentinelpool::testing::detail
