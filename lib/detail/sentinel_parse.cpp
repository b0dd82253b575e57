#include "detail/sentinel_parse.hpp"

#include <hiredis.h>

#include <algorithm>
#include <charconv>

namespace sentinelpool::detail {

namespace {

std::string_view text(const redisReply* r) { return std::string_view(r->str, r->len); }

bool isText(const redisReply* r) {
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

template <class T>
Parsed<T> fail(std::string why) {
    Parsed<T> p;
    p.error = std::move(why);
    return p;
}

template <class T>
Parsed<T> ok(T v) {
    Parsed<T> p;
    p.value = std::move(v);
    return p;
}

std::string get(const Fields& f, const char* name) {
    auto it = f.find(name);
    return it == f.end() ? std::string() : it->second;
}

// Reads an integer field; missing fields keep the default, junk is an error.
bool intField(const Fields& f, const char* name, long long& out, std::string& error) {
    auto it = f.find(name);
    if (it == f.end()) return true;
    auto v = toInt(it->second);
    if (!v) {
        error = std::string("field ") + name + " is not a number: \"" + it->second + "\"";
        return false;
    }
    out = *v;
    return true;
}

bool addressFields(const Fields& f, Address& out, std::string& error) {
    std::string ip = get(f, "ip");
    long long port = 0;
    if (ip.empty() || !f.count("port")) {
        error = "record without ip or port";
        return false;
    }
    if (!intField(f, "port", port, error)) return false;
    if (port <= 0 || port > 65535) {
        error = "record with an invalid port " + std::to_string(port);
        return false;
    }
    out = Address{ip, static_cast<int>(port)};
    return true;
}

}  // namespace

std::optional<long long> toInt(std::string_view s) {
    if (s.empty()) return std::nullopt;
    long long v = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

Parsed<Fields> parseFields(const redisReply* r) {
    if (!r) return fail<Fields>("no reply");
    if (r->type == REDIS_REPLY_ERROR) return fail<Fields>(std::string(text(r)));
    // hiredis 1.x reports RESP3 maps as their own type; both are flat pairs.
    if (r->type != REDIS_REPLY_ARRAY
#ifdef REDIS_REPLY_MAP
        && r->type != REDIS_REPLY_MAP
#endif
    )
        return fail<Fields>("a record is not an array");
    if (r->elements % 2) return fail<Fields>("a record has an odd number of elements");
    Fields f;
    for (std::size_t i = 0; i < r->elements; i += 2) {
        if (!isText(r->element[i]) || !isText(r->element[i + 1]))
            return fail<Fields>("a record field or value is not a string");
        f.emplace(std::string(text(r->element[i])), std::string(text(r->element[i + 1])));
    }
    return ok(std::move(f));
}

Parsed<MasterRecord> parseMasterRecord(const redisReply* r) {
    auto f = parseFields(r);
    if (!f) return fail<MasterRecord>(f.error);
    MasterRecord m;
    m.fields = std::move(*f.value);
    std::string error;
    m.name = get(m.fields, "name");
    if (m.name.empty()) return fail<MasterRecord>("master record without a name");
    if (!addressFields(m.fields, m.address, error)) return fail<MasterRecord>(error);
    m.runId = get(m.fields, "runid");
    m.flags = splitFlags(get(m.fields, "flags"));
    m.failoverState = get(m.fields, "failover-state");
    long long quorum = 0, epoch = 0, slaves = 0, others = 0;
    if (!intField(m.fields, "quorum", quorum, error) || !intField(m.fields, "config-epoch", epoch, error) ||
        !intField(m.fields, "num-slaves", slaves, error) || !intField(m.fields, "num-other-sentinels", others, error))
        return fail<MasterRecord>(error);
    if (epoch < 0) return fail<MasterRecord>("negative config-epoch");
    m.quorum = static_cast<int>(quorum);
    m.configEpoch = static_cast<std::uint64_t>(epoch);
    m.numSlaves = static_cast<int>(slaves);
    m.numOtherSentinels = static_cast<int>(others);
    return ok(std::move(m));
}

Parsed<ReplicaRecord> parseReplicaRecord(const redisReply* r) {
    auto f = parseFields(r);
    if (!f) return fail<ReplicaRecord>(f.error);
    ReplicaRecord rep;
    rep.fields = std::move(*f.value);
    std::string error;
    if (!addressFields(rep.fields, rep.address, error)) return fail<ReplicaRecord>(error);
    rep.name = get(rep.fields, "name");
    rep.runId = get(rep.fields, "runid");
    rep.flags = splitFlags(get(rep.fields, "flags"));
    rep.linkOk = get(rep.fields, "master-link-status") == "ok";
    long long linkDown = 0, priority = 100, offset = 0, mport = 0;
    if (!intField(rep.fields, "master-link-down-time", linkDown, error) ||
        !intField(rep.fields, "slave-priority", priority, error) ||
        !intField(rep.fields, "slave-repl-offset", offset, error) || !intField(rep.fields, "master-port", mport, error))
        return fail<ReplicaRecord>(error);
    rep.linkDownMs = linkDown;
    rep.priority = static_cast<int>(priority);
    rep.replOffset = offset;
    rep.masterAddress = Address{get(rep.fields, "master-host"), static_cast<int>(mport)};
    return ok(std::move(rep));
}

Parsed<SentinelRecord> parseSentinelRecord(const redisReply* r) {
    auto f = parseFields(r);
    if (!f) return fail<SentinelRecord>(f.error);
    SentinelRecord s;
    s.fields = std::move(*f.value);
    std::string error;
    if (!addressFields(s.fields, s.address, error)) return fail<SentinelRecord>(error);
    s.runId = get(s.fields, "runid");
    s.flags = splitFlags(get(s.fields, "flags"));
    return ok(std::move(s));
}

namespace {
template <class T, class F>
Parsed<std::vector<T>> parseList(const redisReply* r, F one) {
    if (!r) return fail<std::vector<T>>("no reply");
    if (r->type == REDIS_REPLY_ERROR) return fail<std::vector<T>>(std::string(text(r)));
    if (r->type != REDIS_REPLY_ARRAY) return fail<std::vector<T>>("not an array of records");
    std::vector<T> out;
    for (std::size_t i = 0; i < r->elements; ++i) {
        auto p = one(r->element[i]);
        if (!p) return fail<std::vector<T>>(p.error);
        out.push_back(std::move(*p.value));
    }
    return ok(std::move(out));
}
}  // namespace

Parsed<std::vector<MasterRecord>> parseMasterRecords(const redisReply* r) {
    return parseList<MasterRecord>(r, parseMasterRecord);
}
Parsed<std::vector<ReplicaRecord>> parseReplicaRecords(const redisReply* r) {
    return parseList<ReplicaRecord>(r, parseReplicaRecord);
}
Parsed<std::vector<SentinelRecord>> parseSentinelRecords(const redisReply* r) {
    return parseList<SentinelRecord>(r, parseSentinelRecord);
}

Parsed<std::optional<Address>> parseMasterAddr(const redisReply* r) {
    using T = std::optional<Address>;
    if (!r) return fail<T>("no reply");
    if (r->type == REDIS_REPLY_NIL) return ok<T>(std::nullopt);
    if (r->type == REDIS_REPLY_ERROR) return fail<T>(std::string(text(r)));
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || !isText(r->element[0]))
        return fail<T>("not an [ip, port] pair");
    long long port = 0;
    if (isText(r->element[1])) {
        auto v = toInt(text(r->element[1]));
        if (!v) return fail<T>("port is not a number");
        port = *v;
    } else if (r->element[1]->type == REDIS_REPLY_INTEGER) {
        port = r->element[1]->integer;
    } else {
        return fail<T>("port is not a number");
    }
    std::string ip(text(r->element[0]));
    if (ip.empty() || port <= 0 || port > 65535) return fail<T>("invalid address");
    return ok<T>(Address{ip, static_cast<int>(port)});
}

Parsed<RoleInfo> parseRole(const redisReply* r) {
    if (!r) return fail<RoleInfo>("no reply");
    if (r->type == REDIS_REPLY_ERROR) return fail<RoleInfo>(std::string(text(r)));
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || !isText(r->element[0]))
        return fail<RoleInfo>("ROLE reply is not an array");
    std::string_view role = text(r->element[0]);
    RoleInfo info;
    if (role == "master") {
        info.kind = RoleInfo::Kind::Master;
        if (r->elements >= 2 && r->element[1]->type == REDIS_REPLY_INTEGER) info.offset = r->element[1]->integer;
        return ok(info);
    }
    if (role == "slave" || role == "replica") {
        if (r->elements < 5 || !isText(r->element[1]) || r->element[2]->type != REDIS_REPLY_INTEGER)
            return fail<RoleInfo>("ROLE reply of a replica is malformed");
        info.kind = RoleInfo::Kind::Replica;
        info.master = Address{std::string(text(r->element[1])), static_cast<int>(r->element[2]->integer)};
        if (isText(r->element[3])) info.linkState = std::string(text(r->element[3]));
        if (r->element[4]->type == REDIS_REPLY_INTEGER) info.offset = r->element[4]->integer;
        return ok(info);
    }
    if (role == "sentinel") {
        info.kind = RoleInfo::Kind::Sentinel;
        return ok(info);
    }
    return fail<RoleInfo>("unknown role \"" + std::string(role) + "\"");
}

Parsed<RoleInfo> parseInfoReplication(std::string_view t) {
    RoleInfo info;
    bool seenRole = false;
    std::string host;
    long long port = 0;
    while (!t.empty()) {
        auto nl = t.find('\n');
        std::string_view line = t.substr(0, nl);
        t = nl == std::string_view::npos ? std::string_view() : t.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view key = line.substr(0, colon), value = line.substr(colon + 1);
        if (key == "role") {
            seenRole = true;
            if (value == "master")
                info.kind = RoleInfo::Kind::Master;
            else if (value == "slave" || value == "replica")
                info.kind = RoleInfo::Kind::Replica;
            else
                return fail<RoleInfo>("unknown role \"" + std::string(value) + "\"");
        } else if (key == "master_host") {
            host = std::string(value);
        } else if (key == "master_port") {
            port = toInt(value).value_or(0);
        } else if (key == "master_link_status") {
            info.linkState = value == "up" ? "connected" : "connect";
        } else if (key == "master_repl_offset") {
            info.offset = toInt(value).value_or(0);
        }
    }
    if (!seenRole) return fail<RoleInfo>("INFO replication without a role");
    if (info.kind == RoleInfo::Kind::Replica) info.master = Address{host, static_cast<int>(port)};
    return ok(info);
}

}  // namespace sentinelpool::detail
