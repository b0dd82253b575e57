// Parsing Sentinel and role replies by field name, with bytes captured from
// a real Redis 7.0.15 Sentinel (shared/reference/sentinel-wire).

#include <doctest/doctest.h>

#include "canned.hpp"
#include "detail/sentinel_parse.hpp"

using namespace sentinelpool;
using namespace sentinelpool::detail;
using sentinelpool::test::fromBytes;

namespace {
// SENTINEL MASTER mymaster, from 01-sentinel-queries.txt.
const std::string kMaster =
    "*40\r\n$4\r\nname\r\n$8\r\nmymaster\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$5\r\n16700\r\n$5\r\nrunid\r\n"
    "$40\r\ne35213cce94f4336bafc960477598bc282bf06a8\r\n$5\r\nflags\r\n$6\r\nmaster\r\n$21\r\nlink-pending-commands\r\n"
    "$1\r\n0\r\n$13\r\nlink-refcount\r\n$1\r\n1\r\n$14\r\nlast-ping-sent\r\n$1\r\n0\r\n$18\r\nlast-ok-ping-reply\r\n$3\r\n"
    "805\r\n$15\r\nlast-ping-reply\r\n$3\r\n805\r\n$23\r\ndown-after-milliseconds\r\n$4\r\n1000\r\n$12\r\ninfo-refresh\r\n"
    "$4\r\n4328\r\n$13\r\nrole-reported\r\n$6\r\nmaster\r\n$18\r\nrole-reported-time\r\n$5\r\n84751\r\n$12\r\nconfig-epoch"
    "\r\n$1\r\n0\r\n$10\r\nnum-slaves\r\n$1\r\n2\r\n$19\r\nnum-other-sentinels\r\n$1\r\n2\r\n$6\r\nquorum\r\n$1\r\n2\r\n$16"
    "\r\nfailover-timeout\r\n$4\r\n5000\r\n$14\r\nparallel-syncs\r\n$1\r\n1\r\n";
// One record of SENTINEL REPLICAS: the dead old master after a failover.
const std::string kDeadOldMaster =
    "*42\r\n$4\r\nname\r\n$15\r\n127.0.0.1:16700\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$5\r\n16700\r\n$5\r\nrunid"
    "\r\n$40\r\ne35213cce94f4336bafc960477598bc282bf06a8\r\n$5\r\nflags\r\n$25\r\ns_down,slave,disconnected\r\n"
    "$21\r\nlink-pending-commands\r\n$1\r\n0\r\n$13\r\nlink-refcount\r\n$1\r\n1\r\n$14\r\nlast-ping-sent\r\n$1\r\n0\r\n"
    "$18\r\nlast-ok-ping-reply\r\n$3\r\n435\r\n$15\r\nlast-ping-reply\r\n$3\r\n435\r\n$23\r\ndown-after-milliseconds\r\n$4"
    "\r\n1000\r\n$12\r\ninfo-refresh\r\n$3\r\n435\r\n$13\r\nrole-reported\r\n$6\r\nmaster\r\n$18\r\nrole-reported-time\r\n$3"
    "\r\n435\r\n$21\r\nmaster-link-down-time\r\n$1\r\n0\r\n$18\r\nmaster-link-status\r\n$3\r\nerr\r\n$11\r\nmaster-host\r\n"
    "$1\r\n?\r\n$11\r\nmaster-port\r\n$1\r\n0\r\n$14\r\nslave-priority\r\n$3\r\n100\r\n$17\r\nslave-repl-offset\r\n$1\r\n0\r\n"
    "$17\r\nreplica-announced\r\n$1\r\n1\r\n";
}  // namespace

TEST_CASE("a SENTINEL MASTER record is read by field name") {
    auto r = fromBytes(kMaster);
    auto m = parseMasterRecord(r.get());
    REQUIRE(m);
    CHECK(m.value->name == "mymaster");
    CHECK(m.value->address == Address{"127.0.0.1", 16700});
    CHECK(m.value->runId == "e35213cce94f4336bafc960477598bc282bf06a8");
    CHECK(m.value->flags == std::vector<std::string>{"master"});
    CHECK(m.value->quorum == 2);
    CHECK(m.value->configEpoch == 0);
    CHECK(m.value->numSlaves == 2);
    CHECK(m.value->numOtherSentinels == 2);
    CHECK_FALSE(m.value->isDown());
    CHECK(m.value->fields.at("down-after-milliseconds") == "1000");
}

TEST_CASE("a record in another field order parses the same") {
    auto r = fromBytes("*10\r\n$6\r\nquorum\r\n$1\r\n3\r\n$4\r\nport\r\n$4\r\n6379\r\n$2\r\nip\r\n$8\r\n10.0.0.9\r\n"
                       "$4\r\nname\r\n$1\r\nm\r\n$12\r\nconfig-epoch\r\n$2\r\n17\r\n");
    auto m = parseMasterRecord(r.get());
    REQUIRE(m);
    CHECK(m.value->address == Address{"10.0.0.9", 6379});
    CHECK(m.value->quorum == 3);
    CHECK(m.value->configEpoch == 17);
}

TEST_CASE("a dead old master listed as replica is not healthy") {
    auto r = fromBytes(kDeadOldMaster);
    auto rep = parseReplicaRecord(r.get());
    REQUIRE(rep);
    CHECK(rep.value->address == Address{"127.0.0.1", 16700});
    CHECK(rep.value->hasFlag("s_down"));
    CHECK_FALSE(rep.value->linkOk);
    CHECK_FALSE(rep.value->healthy());
    CHECK(rep.value->masterAddress.host == "?");
}

TEST_CASE("malformed records are errors, not crashes") {
    for (const char* bytes : {"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "*2\r\n$2\r\nip\r\n:5\r\n", ":5\r\n",
                              "*4\r\n$2\r\nip\r\n$1\r\nx\r\n$4\r\nport\r\n$3\r\nabc\r\n",
                              "*4\r\n$2\r\nip\r\n$1\r\nx\r\n$4\r\nport\r\n$6\r\n999999\r\n",
                              "-ERR No such master with that name\r\n"}) {
        CAPTURE(bytes);
        auto r = fromBytes(bytes);
        auto m = parseMasterRecord(r.get());
        CHECK_FALSE(m);
        CHECK_FALSE(m.error.empty());
    }
    CHECK(parseMasterRecord(fromBytes("-ERR No such master with that name\r\n").get()).error ==
          "ERR No such master with that name");
}

TEST_CASE("GET-MASTER-ADDR-BY-NAME: an address, a null for an unknown name, errors") {
    auto a = parseMasterAddr(fromBytes("*2\r\n$9\r\n127.0.0.1\r\n$5\r\n16700\r\n").get());
    REQUIRE(a);
    CHECK(*a.value == Address{"127.0.0.1", 16700});
    auto v6 = parseMasterAddr(fromBytes("*2\r\n$7\r\nfe80::1\r\n$4\r\n6379\r\n").get());
    REQUIRE(v6);
    CHECK(v6.value->value().isIpv6());
    auto host = parseMasterAddr(fromBytes("*2\r\n$16\r\nredis-1.internal\r\n$4\r\n6379\r\n").get());
    REQUIRE(host);
    CHECK(host.value->value().host == "redis-1.internal");
    auto unknown = parseMasterAddr(fromBytes("*-1\r\n").get());
    REQUIRE(unknown);
    CHECK_FALSE(unknown.value->has_value());
    CHECK_FALSE(parseMasterAddr(fromBytes("-NOAUTH Authentication required.\r\n").get()));
    CHECK_FALSE(parseMasterAddr(fromBytes("*2\r\n$9\r\n127.0.0.1\r\n$3\r\nabc\r\n").get()));
    CHECK_FALSE(parseMasterAddr(fromBytes("*1\r\n$9\r\n127.0.0.1\r\n").get()));
}

TEST_CASE("lists of records: REPLICAS and SENTINELS") {
    auto list = parseReplicaRecords(fromBytes("*1\r\n" + kDeadOldMaster).get());
    REQUIRE(list);
    CHECK(list.value->size() == 1);
    auto empty = parseSentinelRecords(fromBytes("*0\r\n").get());
    REQUIRE(empty);
    CHECK(empty.value->empty());
    auto sentinels = parseSentinelRecords(fromBytes(
        "*1\r\n*8\r\n$4\r\nname\r\n$3\r\nabc\r\n$2\r\nip\r\n$8\r\n10.0.0.3\r\n$4\r\nport\r\n$5\r\n26379\r\n$5\r\nrunid\r\n"
        "$3\r\nabc\r\n").get());
    REQUIRE(sentinels);
    CHECK(sentinels.value->at(0).address == Address{"10.0.0.3", 26379});
}

TEST_CASE("ROLE replies of a master, a replica and a Sentinel") {
    auto m = parseRole(fromBytes("*3\r\n$6\r\nmaster\r\n:16617\r\n*0\r\n").get());
    REQUIRE(m);
    CHECK(m.value->kind == RoleInfo::Kind::Master);
    CHECK(m.value->offset == 16617);
    auto r = parseRole(fromBytes("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:16700\r\n$9\r\nconnected\r\n:16617\r\n").get());
    REQUIRE(r);
    CHECK(r.value->kind == RoleInfo::Kind::Replica);
    CHECK(r.value->master == Address{"127.0.0.1", 16700});
    CHECK(r.value->linkState == "connected");
    auto s = parseRole(fromBytes("*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n").get());
    REQUIRE(s);
    CHECK(s.value->kind == RoleInfo::Kind::Sentinel);
    CHECK_FALSE(parseRole(fromBytes("-NOPERM this user has no permissions to run the 'role' command\r\n").get()));
    CHECK_FALSE(parseRole(fromBytes("*1\r\n$7\r\nunknown\r\n").get()));
}

TEST_CASE("INFO replication gives the role when ROLE is not allowed") {
    auto m = parseInfoReplication("# Replication\r\nrole:master\r\nconnected_slaves:2\r\nmaster_repl_offset:5\r\n");
    REQUIRE(m);
    CHECK(m.value->kind == RoleInfo::Kind::Master);
    auto r = parseInfoReplication("# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\n"
                                  "master_link_status:up\r\n");
    REQUIRE(r);
    CHECK(r.value->kind == RoleInfo::Kind::Replica);
    CHECK(r.value->master == Address{"10.0.0.1", 6379});
    CHECK_FALSE(parseInfoReplication("# Replication\r\nconnected_slaves:0\r\n"));
}

TEST_CASE("flags split on commas") {
    CHECK(splitFlags("s_down,o_down,master,disconnected,failover_in_progress").size() == 5);
    CHECK(splitFlags("").empty());
    CHECK(splitFlags("slave") == std::vector<std::string>{"slave"});
}
