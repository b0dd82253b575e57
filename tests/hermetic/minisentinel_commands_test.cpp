// MiniSentinel's command surface against the bytes a real Redis 7.0.15
// Sentinel sends (shared/reference/sentinel-wire): the 15 commands and
// nothing else, SENTINEL's sub-commands with their replies, record fields and
// errors, RESP3, and its own password.

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "resp_client.hpp"
#include "sentinelpool/testing/cluster.hpp"

using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using namespace sentinelpool::testing;

namespace {

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

// The field names of a record (flat RESP2 array of field/value pairs).
std::vector<std::string> fields(const redisReply* r) {
    std::vector<std::string> out;
    for (size_t i = 0; i + 1 < r->elements; i += 2) out.emplace_back(r->element[i]->str);
    return out;
}

std::map<std::string, std::string> record(const redisReply* r) {
    std::map<std::string, std::string> out;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        REQUIRE(r->element[i + 1]->type == REDIS_REPLY_STRING);  // every value is a bulk string
        out[r->element[i]->str] = std::string(r->element[i + 1]->str, r->element[i + 1]->len);
    }
    return out;
}

const std::vector<std::string> kMasterFields = {
    "name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount", "last-ping-sent",
    "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds", "info-refresh", "role-reported",
    "role-reported-time", "config-epoch", "num-slaves", "num-other-sentinels", "quorum", "failover-timeout",
    "parallel-syncs"};
const std::vector<std::string> kReplicaFields = {
    "name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount", "last-ping-sent",
    "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds", "info-refresh", "role-reported",
    "role-reported-time", "master-link-down-time", "master-link-status", "master-host", "master-port",
    "slave-priority", "slave-repl-offset", "replica-announced"};
const std::vector<std::string> kSentinelFields = {
    "name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount", "last-ping-sent",
    "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds", "last-hello-message", "voted-leader",
    "voted-leader-epoch"};

// Waits (on the Sentinels' state-change signal, no sleeping) until pred holds.
template <class F>
bool StateSignalWait(Cluster&, F&& pred) {
    return waitUntil(std::forward<F>(pred), std::chrono::seconds(5));
}

ClusterOptions twoReplicas() {
    ClusterOptions o;
    o.replicas = 2;
    return o;
}

}  // namespace

TEST_CASE("only the 15 commands of a 7.0 Sentinel exist; the rest is unknown and the connection stays") {
    MiniSentinel s;
    RawClient r(s.port());
    CHECK(r.call({"COMMAND", "COUNT"}) == ":15\r\n");
    CHECK(r.call({"GET", "k"}) == "-ERR unknown command 'GET', with args beginning with: 'k' \r\n");
    CHECK(r.call({"SET", "k", "v"}) == "-ERR unknown command 'SET', with args beginning with: 'k' 'v' \r\n");
    for (const char* cmd : {"SELECT", "QUIT", "ECHO", "RESET", "KEYS", "DBSIZE", "CONFIG", "READONLY"}) {
        CAPTURE(cmd);
        CHECK(r.call({cmd}) == std::string("-ERR unknown command '") + cmd + "', with args beginning with: \r\n");
    }
    CHECK(r.call({"PING"}) == "+PONG\r\n");
    CHECK(r.call({"PING", "hello"}) == "$5\r\nhello\r\n");
    CHECK(r.call({"PING", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
    CHECK(r.call({"ROLE", "x"}) == "-ERR wrong number of arguments for 'role' command\r\n");
    CHECK(r.call({"COMMAND", "INFO", "get"}) == "*1\r\n$-1\r\n");
    CHECK(r.call({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}) ==
          "-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n");
    CHECK(r.call({"PUBLISH", "foo", "bar"}) == "-ERR Only HELLO messages are accepted by Sentinel instances.\r\n");
    CHECK(r.call({"AUTH", "whatever"}) ==
          "-ERR AUTH <password> called without any password configured for the default user. Are you sure your "
          "configuration is correct?\r\n");
    CHECK(r.call({"AUTH", "default", "whatever"}) == "+OK\r\n");
}

TEST_CASE("SENTINEL sub-command errors have Redis's texts") {
    MiniSentinel s;
    RawClient r(s.port());
    CHECK(r.call({"SENTINEL"}) == "-ERR wrong number of arguments for 'sentinel' command\r\n");
    CHECK(r.call({"SENTINEL", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try SENTINEL HELP.\r\n");
    CHECK(r.call({"sentinel", "master"}) == "-ERR wrong number of arguments for 'sentinel|master' command\r\n");
    CHECK(r.call({"SENTINEL", "MASTER", "a", "b"}) == "-ERR wrong number of arguments for 'sentinel|master' command\r\n");
    CHECK(r.call({"SENTINEL", "MASTERS", "extra"}) == "-ERR wrong number of arguments for 'sentinel|masters' command\r\n");
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME"}) ==
          "-ERR wrong number of arguments for 'sentinel|get-master-addr-by-name' command\r\n");
    CHECK(r.call({"SENTINEL", "FLUSHCONFIG", "x"}) ==
          "-ERR wrong number of arguments for 'sentinel|flushconfig' command\r\n");
    for (const char* sub : {"MASTER", "REPLICAS", "SLAVES", "SENTINELS", "CKQUORUM", "REMOVE", "FAILOVER"}) {
        CAPTURE(sub);
        CHECK(r.call({"SENTINEL", sub, "nosuch"}) == "-ERR No such master with that name\r\n");
    }
    CHECK(r.call({"SENTINEL", "SET", "nosuch", "quorum", "2"}) == "-ERR No such master with that name\r\n");
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"}) == "*-1\r\n");
    CHECK(r.call({"SENTINEL", "INFO-CACHE", "nosuch"}) == "*0\r\n");
    CHECK(r.call({"SENTINEL", "RESET", "nosuch*"}) == ":0\r\n");
    CHECK(r.call({"SENTINEL", "CONFIG", "SET", "nosuchparam", "x"}) ==
          "-ERR Invalid argument 'nosuchparam' to SENTINEL CONFIG SET\r\n");
    CHECK(r.call({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "notaport", "0", "*"}) ==
          "-ERR value is not an integer or out of range\r\n");
    CHECK(r.call({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "16799", "0", "*"}) ==
          "*3\r\n:0\r\n$1\r\n*\r\n:0\r\n");
}

TEST_CASE("SENTINEL MONITOR, SET, REMOVE: validation and events") {
    MiniRedis lone;
    MiniSentinel s;
    RawClient r(s.port()), sub(s.port());
    sub.call({"PSUBSCRIBE", "*"});
    std::string port = std::to_string(lone.port());
    CHECK(r.call({"SENTINEL", "MONITOR", "x", "127.0.0.1", port, "0"}) == "-ERR Quorum must be 1 or greater.\r\n");
    CHECK(r.call({"SENTINEL", "MONITOR", "x", "127.0.0.1", port, "q"}) == "-ERR Invalid quorum\r\n");
    CHECK(r.call({"SENTINEL", "MONITOR", "x", "127.0.0.1", "abc", "2"}) == "-ERR Invalid port\r\n");
    CHECK(r.call({"SENTINEL", "MONITOR", "x", "not-a-host.invalid", port, "2"}) ==
          "-ERR Invalid IP address or hostname specified\r\n");
    CHECK(r.call({"SENTINEL", "MONITOR", "other", "127.0.0.1", port, "1"}) == "+OK\r\n");
    CHECK(sub.reply() == "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$8\r\n+monitor\r\n" +
                             bulk("master other 127.0.0.1 " + port + " quorum 1"));
    CHECK(r.call({"SENTINEL", "MONITOR", "other", "127.0.0.1", port, "1"}) == "-ERR Duplicate master name.\r\n");
    CHECK(r.call({"SENTINEL", "SET", "other", "nosuchoption", "1"}) ==
          "-ERR Unknown option or number of arguments for SENTINEL SET 'nosuchoption'\r\n");
    CHECK(r.call({"SENTINEL", "SET", "other", "quorum", "abc"}) == "-ERR Invalid argument 'abc' for SENTINEL SET 'quorum'\r\n");
    CHECK(r.call({"SENTINEL", "SET", "other", "quorum"}) == "-ERR wrong number of arguments for 'sentinel|set' command\r\n");
    CHECK(r.call({"SENTINEL", "SET", "other", "quorum", "2", "parallel-syncs", "1"}) == "+OK\r\n");
    CHECK(sub.reply() == "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$4\r\n+set\r\n" +
                             bulk("master other 127.0.0.1 " + port + " quorum 2"));
    CHECK(sub.reply() == "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$4\r\n+set\r\n" +
                             bulk("master other 127.0.0.1 " + port + " parallel-syncs 1"));
    CHECK(r.call({"SENTINEL", "CKQUORUM", "other"}) ==
          "-NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master\r\n");
    CHECK(r.call({"SENTINEL", "SET", "other", "quorum", "1"}) == "+OK\r\n");
    CHECK(r.call({"SENTINEL", "CKQUORUM", "other"}) ==
          "+OK 1 usable Sentinels. Quorum and failover authorization can be reached\r\n");
    CHECK(r.call({"SENTINEL", "FAILOVER", "other"}) == "-NOGOODSLAVE No suitable replica to promote\r\n");
    CHECK(r.call({"ROLE"}) == "*2\r\n$8\r\nsentinel\r\n*1\r\n$5\r\nother\r\n");
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "other"}) == "*2\r\n$9\r\n127.0.0.1\r\n" + bulk(port));
    CHECK(r.call({"SENTINEL", "FLUSHCONFIG"}) == "+OK\r\n");
    CHECK(r.call({"SENTINEL", "REMOVE", "other"}) == "+OK\r\n");
    // Drain the events up to -monitor.
    std::string last;
    for (int i = 0; i < 10 && last.find("-monitor") == std::string::npos; ++i) last = sub.reply();
    CHECK(last == "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$8\r\n-monitor\r\n" + bulk("master other 127.0.0.1 " + port));
    CHECK(r.call({"SENTINEL", "MASTER", "other"}) == "-ERR No such master with that name\r\n");
}

TEST_CASE("records carry Redis 7.0's fields in order, computed from the live instances") {
    Cluster c(twoReplicas());
    Hiredis h(c.sentinel(0).port());
    auto masters = h.cmd({"SENTINEL", "MASTERS"});
    REQUIRE(masters->elements == 1);
    CHECK(masters->element[0]->elements == 40);
    CHECK(fields(masters->element[0]) == kMasterFields);
    auto m = record(masters->element[0]);
    CHECK(m["name"] == "mymaster");
    CHECK(m["ip"] == "127.0.0.1");
    CHECK(m["port"] == std::to_string(c.master().port()));
    CHECK(m["runid"] == c.master().runId());
    CHECK(m["flags"] == "master");
    CHECK(m["role-reported"] == "master");
    CHECK(m["num-slaves"] == "2");
    CHECK(m["num-other-sentinels"] == "2");
    CHECK(m["quorum"] == "2");
    CHECK(m["config-epoch"] == "0");
    CHECK(m["down-after-milliseconds"] == "250");

    auto single = h.cmd({"SENTINEL", "MASTER", "mymaster"});
    CHECK(fields(single.get()) == kMasterFields);

    auto replicas = h.cmd({"SENTINEL", "REPLICAS", "mymaster"});
    REQUIRE(replicas->elements == 2);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(replicas->element[i]->elements == 42);
        CHECK(fields(replicas->element[i]) == kReplicaFields);
        auto rr = record(replicas->element[i]);
        CHECK(rr["flags"] == "slave");
        CHECK(rr["name"] == rr["ip"] + ":" + rr["port"]);
        CHECK(rr["master-link-status"] == "ok");
        CHECK(rr["master-host"] == "127.0.0.1");
        CHECK(rr["master-port"] == std::to_string(c.master().port()));
        CHECK(rr["slave-priority"] == "100");
        CHECK(rr["role-reported"] == "slave");
        CHECK(rr["replica-announced"] == "1");
    }
    auto slaves = h.cmd({"SENTINEL", "SLAVES", "mymaster"});
    CHECK(slaves->elements == 2);

    auto sentinels = h.cmd({"SENTINEL", "SENTINELS", "mymaster"});
    REQUIRE(sentinels->elements == 2);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(sentinels->element[i]->elements == 28);
        CHECK(fields(sentinels->element[i]) == kSentinelFields);
        auto sr = record(sentinels->element[i]);
        CHECK(sr["flags"] == "sentinel");
        CHECK(sr["name"] == sr["runid"]);
        CHECK(sr["voted-leader"] == "?");
        CHECK(sr["runid"].size() == 40);
    }
    CHECK(str(h.cmd({"SENTINEL", "MYID"}).get()) == c.sentinel(0).runId());
    CHECK(str(h.cmd({"SENTINEL", "CKQUORUM", "mymaster"}).get()) ==
          "OK 3 usable Sentinels. Quorum and failover authorization can be reached");
}

TEST_CASE("a replica's priority and a dead replica show in its record") {
    Cluster c(twoReplicas());
    c.replicas()[0]->setReplicaPriority(7);
    MiniRedis* dead = c.replicas()[1];
    dead->close();
    Hiredis h(c.sentinel(0).port());
    REQUIRE(StateSignalWait(c, [&] {
        auto reps = h.cmd({"SENTINEL", "REPLICAS", "mymaster"});
        bool sawPriority = false, sawDown = false;
        for (size_t i = 0; i < reps->elements; ++i) {
            auto rr = record(reps->element[i]);
            if (rr["slave-priority"] == "7") sawPriority = true;
            if (rr["port"] == std::to_string(dead->port()) && rr["flags"] == "s_down,slave,disconnected" &&
                rr.count("s-down-time"))
                sawDown = true;
        }
        return sawPriority && sawDown;
    }));
}

TEST_CASE("RESP3 records are maps inside an array; unknown name is a RESP3 null") {
    Cluster c;
    RawClient r(c.sentinel(0).port());
    std::string hello = r.call({"HELLO", "3"});
    CHECK(hello.rfind("%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n", 0) == 0);
    CHECK(hello.find("$4\r\nmode\r\n$8\r\nsentinel\r\n$7\r\nmodules\r\n*0\r\n") != std::string::npos);
    CHECK(hello.find("role") == std::string::npos);
    CHECK(r.call({"SENTINEL", "MASTERS"}).rfind("*1\r\n%20\r\n$4\r\nname\r\n", 0) == 0);
    CHECK(r.call({"SENTINEL", "MASTER", "mymaster"}).rfind("%20\r\n", 0) == 0);
    CHECK(r.call({"SENTINEL", "REPLICAS", "mymaster"}).rfind("*1\r\n%21\r\n", 0) == 0);
    CHECK(r.call({"SENTINEL", "SENTINELS", "mymaster"}).rfind("*2\r\n%14\r\n", 0) == 0);
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"}) == "_\r\n");
    CHECK(r.call({"SENTINEL", "CONFIG", "GET", "*"}) ==
          "%6\r\n$17\r\nresolve-hostnames\r\n$2\r\nno\r\n$18\r\nannounce-hostnames\r\n$2\r\nno\r\n$11\r\nannounce-ip\r\n"
          "$0\r\n\r\n$13\r\nannounce-port\r\n$1\r\n0\r\n$13\r\nsentinel-user\r\n$0\r\n\r\n$13\r\nsentinel-pass\r\n$0\r\n\r\n");
}

TEST_CASE("INFO, SENTINEL HELP, DEBUG, PENDING-SCRIPTS, INFO-CACHE, CONFIG GET, SIMULATE-FAILURE") {
    Cluster c;
    RawClient r(c.sentinel(0).port());
    std::string info = r.call({"INFO"});
    for (const char* sec : {"# Server\r\n", "# Clients\r\n", "# Stats\r\n", "# CPU\r\n", "# Sentinel\r\n"})
        CHECK(info.find(sec) != std::string::npos);
    CHECK(info.find("redis_mode:sentinel\r\n") != std::string::npos);
    std::string sentinelInfo = r.call({"INFO", "sentinel"});
    CHECK(sentinelInfo.find("sentinel_masters:1\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\n") != std::string::npos);
    CHECK(sentinelInfo.find("master0:name=mymaster,status=ok,address=" + c.master().addr() + ",slaves=1,sentinels=3\r\n") !=
          std::string::npos);
    CHECK(r.call({"INFO", "replication"}) == "$0\r\n\r\n");
    CHECK(r.call({"SENTINEL", "HELP"}).rfind("*49\r\n+SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0) == 0);
    CHECK(r.call({"SENTINEL", "DEBUG"}).rfind("*26\r\n$11\r\nINFO-PERIOD\r\n", 0) == 0);
    CHECK(r.call({"SENTINEL", "PENDING-SCRIPTS"}) == "*0\r\n");
    CHECK(r.call({"SENTINEL", "CONFIG", "GET", "resolve-hostnames"}) == "*2\r\n$17\r\nresolve-hostnames\r\n$2\r\nno\r\n");
    CHECK(r.call({"SENTINEL", "CONFIG", "GET", "nosuchparam"}) == "*0\r\n");
    CHECK(r.call({"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no"}) == "+OK\r\n");
    Hiredis h(c.sentinel(0).port());
    auto cache = h.cmd({"SENTINEL", "INFO-CACHE", "mymaster"});
    REQUIRE(cache->elements == 2);
    CHECK(std::string(cache->element[0]->str) == "mymaster");
    REQUIRE(cache->element[1]->elements == 2);  // master and replica
    CHECK(std::string(cache->element[1]->element[0]->element[1]->str).find("# Replication\r\nrole:master") !=
          std::string::npos);
    CHECK(r.call({"SENTINEL", "SIMULATE-FAILURE", "CRASH-AFTER-ELECTION"}) == "+OK\r\n");
    CHECK(r.call({"INFO", "sentinel"}).find("sentinel_simulate_failure_flags:1\r\n") != std::string::npos);
    // As redis-sentinel 7.0.15 (tests/real/minisentinel_vs_sentinel_test.cpp):
    // the flags are cleared first, so a bad argument leaves none set.
    CHECK(r.call({"SENTINEL", "SIMULATE-FAILURE", "BOGUS"}) == "-ERR Unknown failure simulation specified\r\n");
    CHECK(r.call({"INFO", "sentinel"}).find("sentinel_simulate_failure_flags:0\r\n") != std::string::npos);
}

TEST_CASE("a Sentinel's own password is separate from the data nodes'") {
    ClusterOptions o;
    o.password = "datapass";
    o.sentinelPassword = "sekret";
    Cluster c(o);
    RawClient r(c.sentinel(0).port());
    CHECK(r.call({"PING"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(r.call({"SENTINEL", "MASTERS"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(r.call({"CLIENT", "SETNAME", "x"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(r.call({"HELLO", "3"}).rfind("-NOAUTH HELLO must be called with the client already authenticated", 0) == 0);
    CHECK(r.call({"AUTH", "datapass"}) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    CHECK(r.call({"AUTH", "nouser", "sekret"}) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    CHECK(r.call({"AUTH", "sekret"}) == "+OK\r\n");
    CHECK(r.call({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"}).rfind("*2\r\n", 0) == 0);
    RawClient d(c.master().port());
    CHECK(d.call({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(d.call({"AUTH", "datapass"}) == "+OK\r\n");
    // The Sentinels monitor the data nodes with auth-pass: they see them up.
    CHECK(r.call({"SENTINEL", "CKQUORUM", "mymaster"}).rfind("+OK 3 usable", 0) == 0);
    CHECK(r.call({"INFO", "sentinel"}).find("status=ok") != std::string::npos);
}

TEST_CASE("subscriptions on a Sentinel follow Redis's RESP2 and RESP3 rules") {
    MiniSentinel s;
    RawClient r(s.port());
    CHECK(r.call({"SUBSCRIBE", "+switch-master"}) == "*3\r\n$9\r\nsubscribe\r\n$14\r\n+switch-master\r\n:1\r\n");
    CHECK(r.call({"PING"}) == "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    CHECK(r.call({"SENTINEL", "MASTERS"}) ==
          "-ERR Can't execute 'sentinel|masters': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
          "allowed in this context\r\n");
    CHECK(r.call({"PUBLISH", "__sentinel__:hello", "x"}) ==
          "-ERR Can't execute 'publish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
          "this context\r\n");
    RawClient r3(s.port());
    r3.call({"HELLO", "3"});
    CHECK(r3.call({"SUBSCRIBE", "+switch-master"}) == ">3\r\n$9\r\nsubscribe\r\n$14\r\n+switch-master\r\n:1\r\n");
    CHECK(r3.call({"PING"}) == "+PONG\r\n");
    CHECK(r3.call({"SENTINEL", "MASTERS"}) == "*0\r\n");
}
