#pragma once
// Parsing of Sentinel and role replies into typed values. Sans-io: works on
// hiredis reply trees however they were obtained (tests feed canned bytes).
// Fields are found by name, never by position; numbers are checked.

#include <optional>
#include <string>
#include <string_view>

#include "sentinelpool/sentinel.hpp"

struct redisReply;

namespace sentinelpool::detail {

// A parse result: the value, or what was wrong with the reply.
template <class T>
struct Parsed {
    std::optional<T> value;
    std::string error;  // empty when value is set
    explicit operator bool() const { return value.has_value(); }
};

// A record: a flat array of field/value pairs (RESP2) or a map.
Parsed<Fields> parseFields(const redisReply* r);
Parsed<MasterRecord> parseMasterRecord(const redisReply* r);
Parsed<ReplicaRecord> parseReplicaRecord(const redisReply* r);
Parsed<SentinelRecord> parseSentinelRecord(const redisReply* r);
// An array of records (SENTINEL MASTERS / REPLICAS / SENTINELS).
Parsed<std::vector<MasterRecord>> parseMasterRecords(const redisReply* r);
Parsed<std::vector<ReplicaRecord>> parseReplicaRecords(const redisReply* r);
Parsed<std::vector<SentinelRecord>> parseSentinelRecords(const redisReply* r);

// SENTINEL GET-MASTER-ADDR-BY-NAME: an address, or nullopt for an unknown
// name (null reply). An error reply or a malformed one is an error.
Parsed<std::optional<Address>> parseMasterAddr(const redisReply* r);

// What a data node says about its role (ROLE, or INFO replication).
struct RoleInfo {
    enum class Kind { Master, Replica, Sentinel } kind = Kind::Master;
    Address master;            // replicas: their master
    std::string linkState;     // replicas: "connected", "connect", ...
    long long offset = 0;
};
Parsed<RoleInfo> parseRole(const redisReply* r);
Parsed<RoleInfo> parseInfoReplication(std::string_view text);

// Typed field readers ("" and junk are errors).
std::optional<long long> toInt(std::string_view s);

}  // namespace sentinelpool::detail
