// The Sentinel differential test: a real Redis 7.0.15 deployment (1 master,
// 2 replicas, 3 redis-sentinel processes, started by the test on free
// loopback ports) and a MiniSentinel Cluster of the same shape get the same
// command script, and their answers are compared: which commands are
// accepted, error texts byte for byte, reply shapes, record fields in order
// and the values that must match (ports and run ids are mapped to labels
// first: the master's port is "M" on both sides, the first replica's "R1",
// the Sentinels' "S0".."S2" and their run ids "ID0".."ID2"). Then one manual
// failover on each side, with PSUBSCRIBE * on all six Sentinels: the event
// names per Sentinel role and the format of every payload.
//
// State-changing admin commands (MONITOR, SET, REMOVE, RESET, CONFIG SET)
// run on a second, separate pair of Sentinels so the main comparison stays
// clean; AUTH on a third pair with requirepass.
//
// Differences MiniSentinel keeps on purpose are asserted as named deviations
// (search for "DEVIATION"), so a change on either side shows up.
//
// Binaries: /usr/bin/redis-server and /usr/bin/redis-sentinel, or
// $SENTINELPOOL_REDIS_SERVER / $SENTINELPOOL_REDIS_SENTINEL. When either is
// missing the program exits with 77, which meson reports as skipped.
//
// Waiting: on log lines of the real processes (+slave, +sentinel, sync
// finished) and on pub/sub messages. The one poll is the replicas' link
// status as each real Sentinel sees it (INFO refresh has no event): see
// waitForReplicaLinks().

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "real_deployment.hpp"
#include "real_server.hpp"
#include "resp_client.hpp"
#include "resp_diff.hpp"
#include "sentinelpool/testing/cluster.hpp"
#include "sentinelpool/testing/mini_redis.hpp"
#include "sentinelpool/testing/mini_sentinel.hpp"

using sentinelpool::test::compare;
using sentinelpool::test::describe;
using sentinelpool::test::encode;
using sentinelpool::test::encodeCommand;
using sentinelpool::test::escape;
using sentinelpool::test::isBulk;
using sentinelpool::test::Mode;
using sentinelpool::test::Node;
using sentinelpool::test::PairedClients;
using sentinelpool::test::parse;
using sentinelpool::test::RawClient;
using sentinelpool::test::RealServer;
using sentinelpool::test::RealServerOptions;
using sentinelpool::test::dataNode;
using sentinelpool::test::monitorConfig;
using sentinelpool::test::RealDeployment;
using sentinelpool::test::redisSentinelBinary;
using sentinelpool::test::redisServerBinary;
using sentinelpool::test::sentinelId;
using sentinelpool::test::sentinelProcess;
using sentinelpool::testing::Cluster;
using sentinelpool::testing::ClusterOptions;
using sentinelpool::testing::MiniRedis;
using sentinelpool::testing::MiniSentinel;
using sentinelpool::testing::MiniSentinelOptions;
using sentinelpool::testing::SentinelTiming;

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string portStr(int port) { return std::to_string(port); }

bool isHex40(const std::string& s) {
    return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}
bool isDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool isIPv4(const std::string& s) {
    int dots = 0;
    for (char c : s) {
        if (c == '.') ++dots;
        else if (c < '0' || c > '9') return false;
    }
    return dots == 3;
}

// Splits text into tokens and the separators between them (kept, so the
// text can be put back together).
std::vector<std::pair<std::string, bool>> tokens(const std::string& text, const std::string& separators) {
    std::vector<std::pair<std::string, bool>> out;
    std::string cur;
    for (char c : text) {
        if (separators.find(c) != std::string::npos) {
            if (!cur.empty()) out.emplace_back(cur, false);
            cur.clear();
            out.emplace_back(std::string(1, c), true);
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.emplace_back(cur, false);
    return out;
}

// What differs between the two deployments by construction (ports, run
// ids) mapped to labels that are the same on both sides. Tokens are whole
// words between " :,=@\r\n": "127.0.0.1:40001" -> "127.0.0.1:M". Unmapped
// 40-hex tokens (data nodes' run ids) become "<runid>".
struct Labels {
    std::map<std::string, std::string> names;
    void add(const std::string& token, const std::string& label) { names[token] = label; }
    std::string operator()(const std::string& text) const {
        std::string out;
        for (auto& [tok, sep] : tokens(text, " :,=@\r\n")) {
            if (sep) {
                out += tok;
                continue;
            }
            auto it = names.find(tok);
            out += it != names.end() ? it->second : isHex40(tok) ? "<runid>" : tok;
        }
        return out;
    }
    Node operator()(Node n) const {
        if (!n.null && (isBulk(n.type) || n.type == '+' || n.type == '-')) n.text = (*this)(n.text);
        for (auto& k : n.kids) k = (*this)(k);
        return n;
    }
};

// An event payload's format: addresses, ports, run ids and numbers become
// placeholders ("slave <ip>:<n> <ip> <n> @ mymaster <ip> <n>").
std::string format(const std::string& payload) {
    std::string out;
    for (auto& [tok, sep] : tokens(payload, " :")) {
        if (sep)
            out += tok;
        else if (isHex40(tok))
            out += "<runid>";
        else if (isIPv4(tok))
            out += "<ip>";
        else if (isDigits(tok))
            out += "<n>";
        else
            out += tok;
    }
    return out;
}

// ---------------------------------------------------------------------------
// Sentinel records

enum class Kind { Master, Replica, Sentinel };

const char* kindName(Kind k) { return k == Kind::Master ? "master" : k == Kind::Replica ? "replica" : "sentinel"; }

// The fields whose values must match (after labels).
const std::set<std::string>& valueFields(Kind k) {
    static const std::set<std::string> master = {
        "name", "ip", "port", "runid", "flags", "link-refcount", "failover-state", "down-after-milliseconds",
        "role-reported", "config-epoch", "num-slaves", "num-other-sentinels", "quorum", "failover-timeout",
        "parallel-syncs"};
    static const std::set<std::string> replica = {
        "name", "ip", "port", "runid", "flags", "link-refcount", "down-after-milliseconds", "role-reported",
        "master-link-down-time", "master-link-status", "master-host", "master-port", "slave-priority",
        "replica-announced"};
    static const std::set<std::string> sentinel = {
        "name", "ip", "port", "runid", "flags", "link-refcount", "down-after-milliseconds", "voted-leader",
        "voted-leader-epoch"};
    return k == Kind::Master ? master : k == Kind::Replica ? replica : sentinel;
}

// Fields that are "0" while the link is idle and healthy (no command
// waiting for its reply). A real Sentinel has a PING in flight for well
// under a millisecond a second, so when the real one says 0, so must
// MiniSentinel.
const std::set<std::string> kIdleZeroFields = {"link-pending-commands", "last-ping-sent"};

// A value's kind, for the fields whose values differ between deployments.
std::string valueShape(const std::string& v) {
    if (v.empty()) return "empty";
    std::size_t digits = v[0] == '-' ? 1 : 0;
    return isDigits(v.substr(digits)) ? "integer" : "text";
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// A record's fields, in order; every value must be a bulk string.
Fields recordFields(const Node& n, const std::string& side) {
    Fields out;
    for (std::size_t i = 0; i + 1 < n.kids.size(); i += 2) {
        CHECK_MESSAGE(n.kids[i].type == '$', side << ": field name " << i / 2 << " is not a bulk string");
        CHECK_MESSAGE(n.kids[i + 1].type == '$',
                      side << ": the value of " << n.kids[i].text << " is not a bulk string");
        out.emplace_back(n.kids[i].text, n.kids[i + 1].text);
    }
    return out;
}

std::string joinNames(const Fields& f) {
    std::string out;
    for (auto& kv : f) out += kv.first + " ";
    return out;
}

void compareRecord(const std::string& what, const Node& r, const Node& m, Kind kind, const Labels& rl,
                   const Labels& ml, const std::set<std::string>& skip = {}) {
    std::string command = what;
    std::string record = kindName(kind);
    CAPTURE(command);
    CAPTURE(record);
    CHECK_MESSAGE(r.type == m.type, "record type '" << r.type << "' from Redis, '" << m.type << "' from MiniSentinel");
    Fields rf = recordFields(r, "Redis"), mf = recordFields(m, "MiniSentinel");
    std::string redisFields = joinNames(rf), miniFields = joinNames(mf);
    CAPTURE(redisFields);
    CAPTURE(miniFields);
    CHECK(redisFields == miniFields);
    std::map<std::string, std::string> mv(mf.begin(), mf.end());
    // (Not a structured binding: clang's C++17 cannot capture one in the
    // lambdas CHECK_MESSAGE makes.)
    for (auto& kv : rf) {
        const std::string& name = kv.first;
        const std::string& value = kv.second;
        auto it = mv.find(name);
        if (it == mv.end() || skip.count(name)) continue;
        if (valueFields(kind).count(name)) {
            std::string redis = rl(value), mini = ml(it->second);
            CHECK_MESSAGE(redis == mini, name << ": \"" << redis << "\" from Redis, \"" << mini << "\" from MiniSentinel");
        } else if (kIdleZeroFields.count(name) && value == "0") {
            CHECK_MESSAGE(it->second == "0", name << ": 0 from Redis (idle link), " << it->second << " from MiniSentinel");
        } else {
            // The rest (times, offsets, counters): the same kind of value.
            CHECK_MESSAGE(valueShape(value) == valueShape(it->second),
                          name << ": \"" << value << "\" (" << valueShape(value) << ") from Redis, \"" << it->second
                               << "\" (" << valueShape(it->second) << ") from MiniSentinel");
        }
    }
}

// A list of records (MASTERS, REPLICAS, SENTINELS): the same number, paired
// by their names after labels (Redis lists them in dict order).
void compareRecords(const std::string& what, const Node& r, const Node& m, Kind kind, const Labels& rl,
                    const Labels& ml, const std::set<std::string>& skip = {}) {
    std::string command = what;
    CAPTURE(command);
    REQUIRE_MESSAGE(r.type == m.type, "list type '" << r.type << "' from Redis, '" << m.type << "' from MiniSentinel");
    REQUIRE_MESSAGE(r.kids.size() == m.kids.size(),
                    r.kids.size() << " records from Redis, " << m.kids.size() << " from MiniSentinel");
    auto byName = [](const Node& list, const Labels& l) {
        std::vector<std::pair<std::string, const Node*>> v;
        for (auto& rec : list.kids) v.emplace_back(rec.kids.size() > 1 ? l(rec.kids[1].text) : "", &rec);
        std::sort(v.begin(), v.end());
        return v;
    };
    auto rs = byName(r, rl), ms = byName(m, ml);
    for (std::size_t i = 0; i < rs.size(); ++i) {
        CHECK(rs[i].first == ms[i].first);
        compareRecord(what + " [" + rs[i].first + "]", *rs[i].second, *ms[i].second, kind, rl, ml, skip);
    }
}

// The value of one field of a record, "" when absent.
std::string field(const Node& rec, const std::string& name) {
    for (std::size_t i = 0; i + 1 < rec.kids.size(); i += 2)
        if (rec.kids[i].text == name) return rec.kids[i + 1].text;
    return {};
}

// "name" of every "name:value" line of an INFO text, in order.
std::vector<std::string> infoFieldNames(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find("\r\n", pos);
        std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
        if (!line.empty()) out.push_back(line.substr(0, line.find(':')));
        if (eol == std::string::npos) break;
        pos = eol + 2;
    }
    return out;
}

// The keys of a CLIENT INFO / CLIENT LIST line ("id=3 addr=..." -> id addr ...).
std::vector<std::string> clientLineKeys(std::string text) {
    if (text.rfind("txt:", 0) == 0) text = text.substr(4);
    std::vector<std::string> out;
    std::string line = text.substr(0, text.find('\n'));
    for (auto& [tok, sep] : tokens(line, " "))
        if (!sep) out.push_back(tok.substr(0, tok.find('=')));
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (auto& s : v) out += s + " ";
    return out;
}

// ---------------------------------------------------------------------------
// Connections

// One connection to a real Sentinel and one to a MiniSentinel; every call
// goes to both and the replies are compared (tests/support/resp_diff.hpp),
// plus comparisons with ports and run ids replaced by labels.
class Diff : public PairedClients {
public:
    Diff(int realPort, int miniPort, const Labels& rl, const Labels& ml)
        : PairedClients(realPort, miniPort, "Redis Sentinel", "MiniSentinel"), rl_(rl), ml_(ml) {}

    // Labels applied to both replies, then the same bytes.
    void norm(const std::vector<std::string>& argv) {
        auto [r, m] = nodes(argv);
        compare(describe(argv) + " (ports and run ids as labels)", encode(rl_(r)), encode(ml_(m)), Mode::Exact);
    }
    RawClient& mini() { return fake(); }
    const Labels& realLabels() const { return rl_; }
    const Labels& miniLabels() const { return ml_; }

private:
    const Labels& rl_;
    const Labels& ml_;
};

// ---------------------------------------------------------------------------
// Real processes (tests/support/real_deployment.hpp): 1 master, 2 replicas,
// 3 Sentinels (quorum 2, down-after 1000 ms, failover-timeout 5000 ms,
// parallel-syncs 1), every link up as each Sentinel sees it.

Labels realLabels(RealDeployment& d) {
    Labels l;
    l.add(portStr(d.master().port()), "M");
    l.add(portStr(d.node(1).port()), "R1");
    l.add(portStr(d.node(2).port()), "R2");
    for (std::size_t i = 0; i < 3; ++i) {
        l.add(portStr(d.sentinel(i).port()), "S" + std::to_string(i));
        l.add(d.sentinelId(i), "ID" + std::to_string(i));
    }
    return l;
}

ClusterOptions miniDeployment() {
    ClusterOptions o;
    o.replicas = 2;
    o.sentinels = 3;
    o.quorum = 2;
    o.downAfter = 1000ms;
    o.timing = SentinelTiming::real();  // failover-timeout 5000 ms, as the real config
    return o;
}

Labels miniLabels(Cluster& c) {
    Labels l;
    l.add(portStr(c.node(0).port()), "M");
    l.add(portStr(c.node(1).port()), "R1");
    l.add(portStr(c.node(2).port()), "R2");
    for (std::size_t i = 0; i < 3; ++i) {
        l.add(portStr(c.sentinel(i).port()), "S" + std::to_string(i));
        l.add(c.sentinel(i).runId(), "ID" + std::to_string(i));
    }
    return l;
}

// Both deployments, started once and shared by the test cases (the
// failover test case, last, changes them).
struct Env {
    RealDeployment real;
    Cluster mini{miniDeployment()};
    Labels rl = realLabels(real);
    Labels ml = miniLabels(mini);

    int realSentinel(std::size_t i) const { return real.sentinel(i).port(); }
    int miniSentinel(std::size_t i) { return mini.sentinel(i).port(); }
    Diff diff(std::size_t i = 0) { return Diff(realSentinel(i), miniSentinel(i), rl, ml); }
};

std::unique_ptr<Env> g_env;
Env& env() {
    if (!g_env) {
        auto t0 = Clock::now();
        g_env = std::make_unique<Env>();
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
        MESSAGE("both deployments healthy after " << ms << " ms");
    }
    return *g_env;
}

// A reply's error text ("" when it is not an error).
std::string errorOf(const std::string& reply) {
    return !reply.empty() && reply[0] == '-' ? reply.substr(1, reply.size() - 3) : std::string();
}

// ---------------------------------------------------------------------------
// DEVIATIONS: what MiniSentinel does not implement, on purpose. A real
// 7.0.15 Sentinel has these sub-commands (they are in its COMMAND output and
// run); MiniSentinel answers "unknown subcommand" for them. None is sent by
// a Sentinel client (redis-py, ioredis, Jedis, redis-cli, sentinelpool);
// MiniRedis leaves out the same CLIENT and COMMAND ones (docs/testing.md).
const std::set<std::string> kNotImplemented = {
    "client|pause",   "client|unpause",     "client|tracking", "client|trackinginfo", "client|caching",
    "client|getredir", "client|no-evict",   "client|reply",    "client|unblock",      "client|help",
    "command|getkeys", "command|getkeysandflags", "command|help",
    "acl|setuser",    "acl|deluser",        "acl|getuser",     "acl|genpass",         "acl|log",
    "acl|save",       "acl|load",           "acl|dryrun",      "acl|help",
};

}  // namespace

// ===========================================================================

TEST_CASE("the helpers: labels replace whole tokens, formats keep only the words") {
    Labels l;
    l.add("40001", "M");
    l.add(std::string(40, 'a'), "ID0");
    CHECK(l("master0:name=mymaster,status=ok,address=127.0.0.1:40001,slaves=2") ==
          "master0:name=mymaster,status=ok,address=127.0.0.1:M,slaves=2");
    CHECK(l("sentinel " + std::string(40, 'a') + " 127.0.0.1 400010 @ " + std::string(40, 'b')) ==
          "sentinel ID0 127.0.0.1 400010 @ <runid>");
    CHECK(format("slave 127.0.0.1:16702 127.0.0.1 16702 @ mymaster 127.0.0.1 16700") ==
          "slave <ip>:<n> <ip> <n> @ mymaster <ip> <n>");
    CHECK(format(std::string(40, 'c') + " 12") == "<runid> <n>");
    CHECK(format("master mymaster 127.0.0.1 16701 #quorum 2/2") == "master mymaster <ip> <n> #quorum 2/2");
    // Records are read field by field, in order.
    Node a = parse("*4\r\n$4\r\nname\r\n$1\r\nx\r\n$5\r\nflags\r\n$6\r\nmaster\r\n");
    Node b = parse("*4\r\n$4\r\nname\r\n$1\r\nx\r\n$5\r\nflags\r\n$5\r\nslave\r\n");
    CHECK(field(a, "flags") == "master");
    CHECK(recordFields(a, "a") != recordFields(b, "b"));
}

TEST_CASE("the binaries under test are Redis 7.0.15, the version MiniSentinel speaks") {
    Env& e = env();
    RawClient c(e.realSentinel(0));
    std::string info = c.call({"INFO", "server"});
    CAPTURE(info);
    CHECK(info.find("redis_version:7.0.15\r\n") != std::string::npos);
    CHECK(info.find("redis_mode:sentinel\r\n") != std::string::npos);
}

TEST_CASE("unknown commands, arity, unknown sub-commands, No such master: the same texts") {
    Env& e = env();
    Diff d = e.diff();
    for (auto argv : std::vector<std::vector<std::string>>{
             {"FOO"}, {"FOO", "bar", "baz"}, {"GET", "k"}, {"SET", "k", "v"}, {"SELECT", "0"}, {"QUIT"},
             {"ECHO", "hi"}, {"RESET"}, {"CONFIG", "GET", "maxmemory"}, {"READONLY"}, {"KEYS", "*"}, {"DBSIZE"},
             {"EXEC"}, {"MULTI"}, {"GET-MASTER-ADDR-BY-NAME"}, {"SENTINEL"}, {"SENTINEL", "FOO"},
             {"SENTINEL", "MASTER"}, {"SENTINEL", "MASTER", "a", "b"}, {"SENTINEL", "MASTERS", "extra"},
             {"SENTINEL", "GET-MASTER-ADDR-BY-NAME"}, {"SENTINEL", "SET", "mymaster", "quorum"},
             {"SENTINEL", "FLUSHCONFIG", "x"}, {"PING", "a", "b"}, {"ROLE", "x"}, {"CLIENT"}, {"CLIENT", "NOSUCH"},
             {"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}, {"CLIENT", "SETINFO", "LIB-VER", "5.0.0"},
             {"COMMAND", "FOO"}, {"COMMAND", "COUNT", "x"}, {"ACL"}, {"ACL", "FOO"}, {"HELLO", "4"},
             {"HELLO", "x"}, {"HELLO", "3", "FOO"}, {"HELLO", "2", "SETNAME"}, {"HELLO", "2", "AUTH", "a"},
             {"AUTH"}, {"AUTH", "whatever"}, {"AUTH", "a", "b", "c"}, {"PUBLISH", "foo", "bar"},
             {"PUBLISH", "a"}, {"SUBSCRIBE"}, {"PSUBSCRIBE"}, {"SHUTDOWN", "NOSUCHARG"},
             {"SENTINEL", "MASTER", "nosuch"}, {"SENTINEL", "REPLICAS", "nosuch"}, {"SENTINEL", "SLAVES", "nosuch"},
             {"SENTINEL", "SENTINELS", "nosuch"}, {"SENTINEL", "CKQUORUM", "nosuch"},
             {"SENTINEL", "FAILOVER", "nosuch"}, {"SENTINEL", "SET", "nosuch", "quorum", "2"},
             {"SENTINEL", "REMOVE", "nosuch"}, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"},
             {"SENTINEL", "INFO-CACHE", "nosuch"}, {"SENTINEL", "RESET", "nosuch*"},
             {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "notaport", "0", "*"},
             {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "x", "*"},
             {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "0", "*"},
             {"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "1", "2"},
             {"SENTINEL", "SET", "mymaster", "nosuchoption", "1"}, {"SENTINEL", "SET", "mymaster", "quorum", "abc"},
             {"SENTINEL", "SET", "mymaster", "quorum", "0"}, {"SENTINEL", "SET", "mymaster", "quorum", "-1"},
             {"SENTINEL", "SET", "mymaster", "down-after-milliseconds", "0"},
             {"SENTINEL", "SET", "mymaster", "failover-timeout", "x"},
             {"SENTINEL", "SET", "mymaster", "parallel-syncs", "x"},
             {"SENTINEL", "SET", "mymaster", "master-reboot-down-after-period", "x"},
             {"SENTINEL", "SET", "mymaster", "notification-script", "/x"},
             {"SENTINEL", "SET", "mymaster", "client-reconfig-script", "/x"},
             {"SENTINEL", "SET", "mymaster", "rename-command", "CONFIG"},
             {"SENTINEL", "CONFIG", "SET", "nosuchparam", "x"}, {"SENTINEL", "CONFIG", "GET", "nosuchparam"},
             {"SENTINEL", "CONFIG", "FOO", "x"}, {"SENTINEL", "CONFIG", "GET", "a", "b"},
             {"SENTINEL", "CONFIG", "SET", "resolve-hostnames"}, {"SENTINEL", "CONFIG", "SET", "a", "b", "c"},
             {"SENTINEL", "DEBUG", "foo"}, {"SENTINEL", "DEBUG", "INFO-PERIOD"},
             {"SENTINEL", "DEBUG", "info-period", "abc"}, {"SENTINEL", "DEBUG", "ping-period", "0"},
             {"SENTINEL", "SIMULATE-FAILURE", "foo"}, {"SENTINEL", "SIMULATE-FAILURE", "help"},
             {"SENTINEL", "PENDING-SCRIPTS", "x"}, {"SENTINEL", "MYID", "x"}, {"SENTINEL", "HELP", "x"},
             {"SENTINEL", "help"}, {"sentinel", "get-master-addr-by-name", "nosuch"}, {"ping"}}) {
        d(argv);
    }
    d({"PING"});  // the connection is still open on both sides
}

TEST_CASE("every command and sub-command answers garbage arguments with the same errors") {
    Env& e = env();
    // The real Sentinel's own list of commands and sub-commands.
    RawClient lister(e.realSentinel(0));
    Node all = parse(lister.call({"COMMAND"}));
    std::vector<std::vector<std::string>> heads;
    // Those that change the connection or the process are covered elsewhere.
    const std::set<std::string> skip = {"subscribe", "psubscribe", "unsubscribe", "punsubscribe", "shutdown"};
    for (auto& cmd : all.kids) {
        const std::string& name = cmd.kids[0].text;
        if (skip.count(name)) continue;
        if (cmd.kids[9].kids.empty()) {
            heads.push_back({name});
            continue;
        }
        for (auto& sub : cmd.kids[9].kids) {
            const std::string& full = sub.kids[0].text;  // "client|setname"
            if (kNotImplemented.count(full)) continue;   // see the deviations test case
            heads.push_back({name, full.substr(full.find('|') + 1)});
        }
    }
    CHECK(heads.size() >= 40);
    Diff d = e.diff();
    int compared = 0;
    for (auto& head : heads) {
        for (int extra = 0; extra <= 4; ++extra) {
            std::vector<std::string> argv = head;
            for (int i = 0; i < extra; ++i) argv.push_back("x");
            auto [redis, mini] = d.both(argv);
            // Errors are compared byte for byte, and an error on one side
            // only is a mismatch; successful replies are the other tests'.
            if (!errorOf(redis).empty() || !errorOf(mini).empty()) {
                compare(describe(argv), redis, mini, Mode::Exact);
                ++compared;
            }
        }
    }
    MESSAGE(compared << " error replies compared over " << heads.size() << " commands and sub-commands");
}

TEST_CASE("PING, HELLO, ROLE, INFO, COMMAND, CLIENT, ACL: replies and shapes") {
    Env& e = env();
    Diff d = e.diff();
    d({"PING"});
    d({"PING", "hello"});
    d({"ping"});
    d({"HELLO"}, Mode::IgnoreInts);
    d({"HELLO", "2"}, Mode::IgnoreInts);
    d({"ROLE"});
    d({"COMMAND", "COUNT"});
    d({"COMMAND", "INFO", "get"});
    d({"COMMAND", "INFO", "nosuch"});
    d({"COMMAND", "DOCS", "nosuch"});
    d({"INFO", "replication"});
    d({"INFO", "nosuchsection"});
    d({"INFO", "keyspace"});
    for (const char* section : {"", "server", "clients", "stats", "cpu", "sentinel", "all", "default", "everything"}) {
        std::vector<std::string> argv{"INFO"};
        if (*section) argv.push_back(section);
        auto [r, m] = d.nodes(argv);
        std::string redisFields = join(infoFieldNames(r.text)), miniFields = join(infoFieldNames(m.text));
        CAPTURE(section);
        CAPTURE(redisFields);
        CAPTURE(miniFields);
        CHECK(r.type == m.type);
        CHECK(redisFields == miniFields);
    }
    {
        // The Sentinel section's values (labels for the address).
        auto [r, m] = d.nodes({"INFO", "sentinel"});
        CHECK(e.rl(r.text) == e.ml(m.text));
        // INFO's run_id is the process's, not the Sentinel's id (MYID).
        auto [rs, ms] = d.nodes({"INFO", "server"});
        for (auto* text : {&rs.text, &ms.text}) {
            auto at = text->find("run_id:");
            REQUIRE(at != std::string::npos);
            std::string runId = text->substr(at + 7, 40);
            CHECK(isHex40(runId));
            CHECK(e.rl(runId) == "<runid>");
            CHECK(e.ml(runId) == "<runid>");
        }
    }
    d({"CLIENT", "ID"}, Mode::IgnoreInts);
    d({"CLIENT", "GETNAME"});
    d({"CLIENT", "SETNAME", "a b"});
    d({"CLIENT", "SETNAME", "probe"});
    d({"CLIENT", "GETNAME"});
    d({"CLIENT", "KILL", "127.0.0.1:1"});
    d({"CLIENT", "KILL", "ID", "999999"});
    d({"CLIENT", "KILL", "ADDR", "127.0.0.1:1", "SKIPME", "maybe"});
    d({"CLIENT", "LIST", "TYPE", "foo"});
    d({"CLIENT", "LIST", "ID", "x"});
    d({"CLIENT", "LIST", "ID", "999999"}, Mode::Shape);
    for (auto argv : std::vector<std::vector<std::string>>{{"CLIENT", "INFO"}, {"CLIENT", "LIST"},
                                                           {"CLIENT", "LIST", "TYPE", "normal"}}) {
        auto [r, m] = d.nodes(argv);
        std::string command = describe(argv);
        std::string redisKeys = join(clientLineKeys(r.text)), miniKeys = join(clientLineKeys(m.text));
        CAPTURE(command);
        CAPTURE(redisKeys);
        CAPTURE(miniKeys);
        CHECK(r.type == m.type);
        CHECK(redisKeys == miniKeys);
    }
    d({"ACL", "WHOAMI"});
    d({"ACL", "USERS"});
    d({"ACL", "LIST"});
    d({"ACL", "CAT"});
    d({"ACL", "CAT", "nosuchcategory"});
    d({"ACL", "CAT", "keyspace"});
    d({"ACL", "CAT", "pubsub"}, Mode::Unordered);
    {
        // Every category: the real list (dict order) less what MiniSentinel
        // does not implement (see kNotImplemented).
        Node cats = parse(d.real().call({"ACL", "CAT"}));
        for (auto& cat : cats.kids) {
            auto [r, m] = d.nodes({"ACL", "CAT", cat.text});
            std::set<std::string> redis, mini;
            for (auto& n : r.kids)
                if (!kNotImplemented.count(n.text)) redis.insert(n.text);
            for (auto& n : m.kids) mini.insert(n.text);
            std::string category = cat.text;
            CAPTURE(category);
            CHECK(r.type == m.type);
            CHECK(redis == mini);
        }
    }
    d({"COMMAND", "LIST", "FILTERBY", "PATTERN", "sentinel|*"}, Mode::Unordered);
    d({"COMMAND", "LIST", "FILTERBY", "pattern", "P*"}, Mode::Unordered);
    d({"COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule"});
    d({"COMMAND", "LIST", "FILTERBY", "NOSUCH", "x"});
    d({"COMMAND", "LIST", "x"});
    d({"AUTH", "default", "whatever"});
    {
        // COMMAND: the same commands, arities and sub-commands (in any
        // order). DEVIATION: flags, ACL categories, tips and key specs are
        // MiniRedis's approximations (docs/testing.md), not compared.
        auto [r, m] = d.nodes({"COMMAND"});
        auto summary = [](const Node& list, bool dropNotImplemented) {
            std::set<std::string> out;
            for (auto& c : list.kids) {
                out.insert(c.kids[0].text + " " + c.kids[1].text);
                for (auto& s : c.kids[9].kids)
                    if (!dropNotImplemented || !kNotImplemented.count(s.kids[0].text))
                        out.insert(s.kids[0].text + " " + s.kids[1].text);
            }
            return out;
        };
        CHECK(r.kids.size() == m.kids.size());
        CHECK(summary(r, true) == summary(m, false));
        auto [rl, ml] = d.nodes({"COMMAND", "LIST"});
        std::set<std::string> redisList, miniList;
        for (auto& n : rl.kids)
            if (!kNotImplemented.count(n.text)) redisList.insert(n.text);
        for (auto& n : ml.kids) miniList.insert(n.text);
        CHECK(redisList == miniList);
    }
}

TEST_CASE("SENTINEL queries: records field by field, addresses, quorum, ids, caches") {
    Env& e = env();
    Diff d = e.diff();
    {
        auto [r, m] = d.nodes({"SENTINEL", "MASTERS"});
        compareRecords("SENTINEL MASTERS", r, m, Kind::Master, e.rl, e.ml);
    }
    {
        auto [r, m] = d.nodes({"SENTINEL", "MASTER", "mymaster"});
        compareRecord("SENTINEL MASTER mymaster", r, m, Kind::Master, e.rl, e.ml);
    }
    for (const char* sub : {"REPLICAS", "SLAVES"}) {
        auto [r, m] = d.nodes({"SENTINEL", sub, "mymaster"});
        compareRecords(std::string("SENTINEL ") + sub, r, m, Kind::Replica, e.rl, e.ml);
    }
    for (std::size_t i = 0; i < 3; ++i) {  // each Sentinel's view of the others
        Diff di = e.diff(i);
        auto [r, m] = di.nodes({"SENTINEL", "SENTINELS", "mymaster"});
        compareRecords("SENTINEL SENTINELS on S" + std::to_string(i), r, m, Kind::Sentinel, e.rl, e.ml);
        auto [rm, mm] = di.nodes({"SENTINEL", "MASTER", "mymaster"});
        compareRecord("SENTINEL MASTER on S" + std::to_string(i), rm, mm, Kind::Master, e.rl, e.ml);
    }
    d.norm({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"});
    d.norm({"sentinel", "get-master-addr-by-name", "mymaster"});
    d({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"});
    d({"SENTINEL", "CKQUORUM", "mymaster"});
    d({"SENTINEL", "MYID"}, Mode::Shape);
    {
        auto [r, m] = d.nodes({"SENTINEL", "MYID"});
        CHECK(e.rl(r.text) == "ID0");
        CHECK(e.ml(m.text) == "ID0");
    }
    d({"SENTINEL", "INFO-CACHE", "mymaster"}, Mode::Shape);
    d({"SENTINEL", "INFO-CACHE", "mymaster", "nosuch", "mymaster"}, Mode::Shape);
    d({"SENTINEL", "INFO-CACHE", "nosuch"});
    std::string realMaster = portStr(e.real.master().port()), miniMaster = portStr(e.mini.node(0).port());
    d.each({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", realMaster, "0", "*"},
           {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", miniMaster, "0", "*"});
    // A run id with epoch 0 asks for no vote.
    d.each({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", realMaster, "0", std::string(40, 'f')},
           {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", miniMaster, "0", std::string(40, 'f')});
    d({"SENTINEL", "PENDING-SCRIPTS"});
    d({"SENTINEL", "CONFIG", "GET", "*"});
    d({"SENTINEL", "CONFIG", "GET", "resolve-hostnames"});
    d({"SENTINEL", "CONFIG", "GET", "announce-*"});
    d({"SENTINEL", "CONFIG", "GET", "ANNOUNCE-IP"});
    d({"SENTINEL", "HELP"});
    d({"SENTINEL", "SIMULATE-FAILURE", "help"});
    {
        // DEBUG: the same parameters in order; the values are each one's
        // periods (MiniSentinel's SentinelTiming), so only the shape.
        auto [r, m] = d.nodes({"SENTINEL", "DEBUG"});
        compare("SENTINEL DEBUG", encode(r), encode(m), Mode::Shape);
        std::vector<std::string> rk, mk;
        for (std::size_t i = 0; i < r.kids.size(); i += 2) rk.push_back(r.kids[i].text);
        for (std::size_t i = 0; i < m.kids.size(); i += 2) mk.push_back(m.kids[i].text);
        CHECK(rk == mk);
    }
}

TEST_CASE("RESP3: records are maps in an array, the unknown name is a RESP3 null") {
    Env& e = env();
    Diff d = e.diff();
    d({"HELLO", "3"}, Mode::IgnoreInts);
    d({"PING"});
    {
        auto [r, m] = d.nodes({"SENTINEL", "MASTERS"});
        compareRecords("RESP3 SENTINEL MASTERS", r, m, Kind::Master, e.rl, e.ml);
    }
    {
        auto [r, m] = d.nodes({"SENTINEL", "MASTER", "mymaster"});
        CHECK(r.type == '%');
        compareRecord("RESP3 SENTINEL MASTER", r, m, Kind::Master, e.rl, e.ml);
    }
    for (const char* sub : {"REPLICAS", "SLAVES"}) {
        auto [r, m] = d.nodes({"SENTINEL", sub, "mymaster"});
        compareRecords(std::string("RESP3 SENTINEL ") + sub, r, m, Kind::Replica, e.rl, e.ml);
    }
    {
        auto [r, m] = d.nodes({"SENTINEL", "SENTINELS", "mymaster"});
        compareRecords("RESP3 SENTINEL SENTINELS", r, m, Kind::Sentinel, e.rl, e.ml);
    }
    d.norm({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"});
    d({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"});
    d({"SENTINEL", "MASTER", "nosuch"});
    d({"SENTINEL", "CONFIG", "GET", "*"});
    d({"SENTINEL", "CONFIG", "GET", "nosuchparam"});
    d({"SENTINEL", "DEBUG"}, Mode::Shape);
    d({"SENTINEL", "INFO-CACHE", "mymaster"}, Mode::Shape);
    d({"SENTINEL", "INFO-CACHE", "nosuch"});
    d({"SENTINEL", "CKQUORUM", "mymaster"});
    d({"SENTINEL", "PENDING-SCRIPTS"});
    d({"SENTINEL", "MYID"}, Mode::Shape);
    d.each({"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", portStr(e.real.master().port()), "0", "*"},
           {"SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", portStr(e.mini.node(0).port()), "0", "*"});
    d({"ROLE"});
    d({"INFO"}, Mode::Shape);
    d({"INFO", "replication"});
    d({"CLIENT", "INFO"}, Mode::Shape);
    d({"CLIENT", "GETNAME"});
    d({"COMMAND", "INFO", "nosuch"});
    d({"ACL", "LIST"});
    d({"HELLO", "2"}, Mode::IgnoreInts);
    d({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"});
}

TEST_CASE("pub/sub: RESP2 subscribed context, RESP3 pushes, PUBLISH only for hellos") {
    Env& e = env();
    Diff d = e.diff();
    d({"SUBSCRIBE", "+switch-master"});
    d.call({"SUBSCRIBE", "+sdown", "-sdown"}, 2);
    d({"PING"});
    d({"PING", "x"});
    d({"SENTINEL", "MASTERS"});
    d({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"});
    d({"PUBLISH", "__sentinel__:hello", "x"});
    d({"ROLE"});
    d({"INFO"});
    d({"CLIENT", "SETNAME", "x"});
    d({"HELLO"});
    d({"AUTH", "x"});
    d({"FOO"});
    d({"PSUBSCRIBE", "*"});
    d.call({"PSUBSCRIBE", "+*", "-*"}, 2);
    d({"UNSUBSCRIBE", "+sdown"});
    d.unsubscribeAll({"UNSUBSCRIBE"}, 2);
    d.unsubscribeAll({"PUNSUBSCRIBE"}, 3);
    d({"UNSUBSCRIBE"});
    d({"PUNSUBSCRIBE"});
    d({"PING"});
    d({"SUBSCRIBE", "__sentinel__:hello"});
    d({"PUBLISH", "__sentinel__:hello", "x"});
    d({"UNSUBSCRIBE"});
    d({"PUBLISH", "foo", "bar"});

    Diff r3 = e.diff();
    r3({"HELLO", "3"}, Mode::IgnoreInts);
    r3({"SUBSCRIBE", "+switch-master"});
    r3({"PSUBSCRIBE", "*"});
    r3({"PING"});
    r3.norm({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"});
    r3({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"});
    r3({"UNSUBSCRIBE"});
    r3({"PUNSUBSCRIBE"});
    r3({"PING"});
}

TEST_CASE("DEVIATION: sub-commands MiniSentinel does not implement answer 'unknown subcommand'") {
    Env& e = env();
    // A separate connection each, so what they change on the real side
    // (tracking, a 1 ms pause) stays there.
    const std::map<std::string, std::vector<std::string>> args = {
        {"client|pause", {"1"}},       {"client|tracking", {"off"}}, {"client|caching", {"yes"}},
        {"client|no-evict", {"off"}},  {"client|reply", {"ON"}},     {"client|unblock", {"999999"}},
        {"acl|setuser", {"nobody-here", "off"}}, {"acl|deluser", {"nobody-here"}},
        {"acl|getuser", {"nobody-here"}}, {"acl|genpass", {}}, {"acl|log", {"RESET"}}, {"acl|save", {}},
        {"acl|load", {}}, {"acl|dryrun", {"default", "ping"}}, {"command|getkeys", {"sentinel", "masters"}},
        {"command|getkeysandflags", {"sentinel", "masters"}}};
    for (auto& full : kNotImplemented) {
        std::string parent = full.substr(0, full.find('|')), sub = full.substr(full.find('|') + 1);
        std::vector<std::string> argv{parent, sub};
        auto it = args.find(full);
        if (it != args.end()) argv.insert(argv.end(), it->second.begin(), it->second.end());
        RawClient real(e.realSentinel(0)), mini(e.miniSentinel(0));
        std::string r = real.call(argv), m = mini.call(argv);
        std::string command = describe(argv);
        std::string redis = escape(r), miniReply = escape(m);
        CAPTURE(command);
        CAPTURE(redis);
        CAPTURE(miniReply);
        // The real one knows it (a reply or an argument error, never
        // "unknown subcommand")...
        CHECK(r.find("unknown subcommand") == std::string::npos);
        // ...MiniSentinel answers as Redis does for a sub-command it lacks.
        std::string upper = sub;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::string parentUpper = parent;
        for (auto& c : parentUpper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CHECK(m == "-ERR unknown subcommand '" + sub + "'. Try " + parentUpper + " HELP.\r\n");
    }
}

TEST_CASE("COMMAND LIST: FILTERBY PATTERN, MODULE, ACLCAT and the syntax errors") {
    Env& e = env();
    Diff d = e.diff();
    // The lists, as sets, less what MiniSentinel does not implement.
    auto sameSet = [&](const std::vector<std::string>& argv) {
        auto [r, m] = d.nodes(argv);
        std::set<std::string> redis, mini;
        for (auto& n : r.kids)
            if (!kNotImplemented.count(n.text)) redis.insert(n.text);
        for (auto& n : m.kids) mini.insert(n.text);
        std::string command = describe(argv);
        CAPTURE(command);
        CHECK(r.type == m.type);
        CHECK(redis == mini);
    };
    sameSet({"COMMAND", "LIST"});
    sameSet({"command", "list", "filterby", "pattern", "*"});
    sameSet({"COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*"});
    sameSet({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|*"});  // the glob ignores case
    sameSet({"COMMAND", "LIST", "FILTERBY", "PATTERN", "*|*"});
    d({"COMMAND", "LIST", "FILTERBY", "PATTERN", ""});
    d({"COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"});
    d({"COMMAND", "LIST", "FILTERBY", "PATTERN", "[p]ing"});
    d({"COMMAND", "LIST", "FILTERBY", "MODULE", ""});
    d({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcategory"});
    d({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace"});
    d({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "PubSub"}, Mode::Unordered);
    Node cats = parse(d.real().call({"ACL", "CAT"}));
    for (auto& cat : cats.kids) sameSet({"COMMAND", "LIST", "FILTERBY", "ACLCAT", cat.text});
    // Arguments: exactly FILTERBY <type> <arg>, or a syntax error.
    for (auto argv : std::vector<std::vector<std::string>>{
             {"COMMAND", "LIST", "FILTERBY"},
             {"COMMAND", "LIST", "FILTERBY", "PATTERN"},
             {"COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "b"},
             {"COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "FILTERBY", "PATTERN", "b"},
             {"COMMAND", "LIST", "FILTERBY", "NOSUCH", "a"},
             {"COMMAND", "LIST", "PATTERN", "a", "b"},
             {"COMMAND", "LIST", "x", "y"},
             {"COMMAND", "LIST", "x", "FILTERBY", "PATTERN"},
         })
        d(argv);
    d({"PING"});
}

TEST_CASE("admin commands on a separate pair: replies, records and the +set/+monitor/-monitor/+reset-master events") {
    // The real side: a Sentinel monitoring its own master, and a second
    // master to MONITOR. The Mini side: the same with MiniRedis.
    // down-after-milliseconds 5000: a real Sentinel re-makes a dropped link
    // (SET auth-pass, RESET) up to a PING period (1 s) after the last one and
    // counts the wait against down-after; with 1000 it may flap
    // +sdown/-sdown in between the events compared here.
    RealServer realMaster(dataNode()), realOther(dataNode());
    RealServer realSentinel(sentinelProcess(monitorConfig("mymaster", realMaster.port(), 2, 5000)));
    REQUIRE(realSentinel.waitForLog("+monitor master mymaster", 10s));
    MiniRedis miniMaster, miniOther;
    MiniSentinelOptions so;
    so.timing = SentinelTiming::real();
    MiniSentinel miniSentinel(so);
    miniSentinel.monitor("mymaster", miniMaster, 2, 5000ms);
    miniSentinel.set("mymaster", "failover-timeout", "5000");

    Labels rl, ml;
    rl.add(portStr(realMaster.port()), "A");
    rl.add(portStr(realOther.port()), "O");
    rl.add(portStr(realSentinel.port()), "S");
    rl.add(sentinelId(realSentinel.port()), "ID");
    ml.add(portStr(miniMaster.port()), "A");
    ml.add(portStr(miniOther.port()), "O");
    ml.add(portStr(miniSentinel.port()), "S");
    ml.add(miniSentinel.runId(), "ID");

    Diff events(realSentinel.port(), miniSentinel.port(), rl, ml);
    events({"PSUBSCRIBE", "*"});
    Diff d(realSentinel.port(), miniSentinel.port(), rl, ml);
    // Runs argv on both, compares the reply (labels applied), then reads
    // the `n` events it publishes on each side and compares them.
    auto admin = [&](const std::vector<std::string>& argv, int n) {
        d.norm(argv);
        for (int i = 0; i < n; ++i) {
            std::string what = "event " + std::to_string(i + 1) + " of " + describe(argv);
            auto [r, m] = events.replies(what);
            compare(what + " (labels)", encode(rl(parse(r))), encode(ml(parse(m))), Mode::Exact);
        }
    };
    auto withPort = [](std::vector<std::string> argv, std::size_t i, int port) {
        argv[i] = portStr(port);
        return argv;
    };
    auto adminEach = [&](const std::vector<std::string>& argv, std::size_t portArg, int realPort, int miniPort, int n) {
        auto ra = withPort(argv, portArg, realPort), ma = withPort(argv, portArg, miniPort);
        d.real().send(encodeCommand(ra));
        d.mini().send(encodeCommand(ma));
        auto [r, m] = d.replies(describe(ra));
        compare(describe(ra) + " (labels)", encode(rl(parse(r))), encode(ml(parse(m))), Mode::Exact);
        for (int i = 0; i < n; ++i) {
            std::string what = "event " + std::to_string(i + 1) + " of " + describe(ra);
            auto [re, me] = events.replies(what);
            compare(what + " (labels)", encode(rl(parse(re))), encode(ml(parse(me))), Mode::Exact);
        }
    };

    admin({"SENTINEL", "SET", "mymaster", "down-after-milliseconds", "5000"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "quorum", "2", "parallel-syncs", "1"}, 2);
    admin({"SENTINEL", "SET", "mymaster", "failover-timeout", "5000"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "Quorum", "1", "nosuchoption", "5"}, 1);  // the first pair is applied
    {
        auto [r, m] = d.nodes({"SENTINEL", "MASTER", "mymaster"});
        CHECK(field(r, "quorum") == "1");
        compareRecord("MASTER after a half-applied SET", r, m, Kind::Master, rl, ml);
    }
    admin({"SENTINEL", "SET", "mymaster", "quorum", "2"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "quorum", "3", "parallel-syncs", "0"}, 1);  // an invalid second value
    admin({"SENTINEL", "SET", "mymaster", "quorum", "2"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "auth-pass", "secret"}, 1);  // the value is not published
    admin({"SENTINEL", "SET", "mymaster", "auth-pass", ""}, 1);
    admin({"SENTINEL", "SET", "mymaster", "auth-user", "someone"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "auth-user", ""}, 1);
    admin({"SENTINEL", "SET", "mymaster", "rename-command", "CONFIG", "MYCONFIG"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "master-reboot-down-after-period", "0"}, 1);
    admin({"SENTINEL", "SET", "mymaster", "notification-script", "/x"}, 0);
    admin({"SENTINEL", "SET", "mymaster", "client-reconfig-script", "/x"}, 0);

    // MONITOR: validation, in Redis's order.
    admin({"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "1", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "70000", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "16700", "0"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "16700", "abc"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "abc", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "abc", "0"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "70000", "0"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "70000", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "-5", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "::1", "70000", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "not-a-host.invalid", "16798", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "localhost", "16798", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "1.5", "2"}, 0);
    admin({"SENTINEL", "MONITOR", "x", "127.0.0.1", "1", "2.5"}, 0);
    // Port 0 is a valid port number to a Sentinel.
    admin({"SENTINEL", "MONITOR", "zero", "127.0.0.1", "0", "1"}, 1);
    admin({"SENTINEL", "REMOVE", "zero"}, 1);

    // MONITOR another master, look at it, FAILOVER it (no replica), REMOVE it.
    adminEach({"SENTINEL", "MONITOR", "other", "127.0.0.1", "", "1"}, 4, realOther.port(), miniOther.port(), 1);
    {
        // The link to the new master is still being made on the real side:
        // its flags and run id are compared further down.
        auto [r, m] = d.nodes({"SENTINEL", "MASTER", "other"});
        compareRecord("SENTINEL MASTER other", r, m, Kind::Master, rl, ml, {"flags", "runid"});
    }
    admin({"SENTINEL", "REPLICAS", "other"}, 0);
    admin({"SENTINEL", "SENTINELS", "other"}, 0);
    admin({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "other"}, 0);
    admin({"SENTINEL", "CKQUORUM", "other"}, 0);
    admin({"SENTINEL", "FAILOVER", "other"}, 0);
    admin({"SENTINEL", "MONITOR", "other", "127.0.0.1", "1", "1"}, 0);
    d({"ROLE"}, Mode::Unordered);
    {
        auto [r, m] = d.nodes({"SENTINEL", "MASTERS"});
        compareRecords("SENTINEL MASTERS (two)", r, m, Kind::Master, rl, ml, {"flags", "runid"});
        // INFO's masterN lines come in dict order on the real side.
        auto [ri, mi] = d.nodes({"INFO", "sentinel"});
        auto lines = [](const std::string& text) {
            std::multiset<std::string> out;
            for (auto& [tok, sep] : tokens(text, "\n")) {
                if (sep) continue;
                std::string line = tok;
                if (line.rfind("master", 0) == 0 && line.find(':') != std::string::npos) line = line.substr(line.find(':'));
                out.insert(line);
            }
            return out;
        };
        CHECK(lines(rl(ri.text)) == lines(ml(mi.text)));
    }
    admin({"SENTINEL", "REMOVE", "other"}, 1);
    admin({"SENTINEL", "MASTER", "other"}, 0);

    // RESET: pipelined with the queries, so both answer before reconnecting.
    admin({"SENTINEL", "RESET", "nosuch*"}, 0);
    d.send(encodeCommand({"SENTINEL", "RESET", "mymaster"}) + encodeCommand({"SENTINEL", "MASTER", "mymaster"}) +
           encodeCommand({"SENTINEL", "REPLICAS", "mymaster"}) + encodeCommand({"SENTINEL", "SENTINELS", "mymaster"}));
    {
        auto [r, m] = d.replies("SENTINEL RESET mymaster");
        compare("SENTINEL RESET mymaster", r, m, Mode::Exact);
        auto [rr, mr] = d.replies("SENTINEL MASTER mymaster after RESET");
        Node rn = parse(rr), mn = parse(mr);
        CHECK(field(rn, "flags") == "master,disconnected");
        CHECK(field(rn, "runid").empty());
        compareRecord("SENTINEL MASTER mymaster right after RESET", rn, mn, Kind::Master, rl, ml);
        auto [r2, m2] = d.replies("SENTINEL REPLICAS mymaster after RESET");
        compare("SENTINEL REPLICAS mymaster right after RESET", r2, m2, Mode::Exact);
        auto [r3, m3] = d.replies("SENTINEL SENTINELS mymaster after RESET");
        compare("SENTINEL SENTINELS mymaster right after RESET", r3, m3, Mode::Exact);
        auto [re, me] = events.replies("+reset-master");
        compare("+reset-master (labels)", encode(rl(parse(re))), encode(ml(parse(me))), Mode::Exact);
    }

    // Global configuration.
    d({"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no"});
    d({"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "maybe"});
    d({"SENTINEL", "CONFIG", "SET", "announce-hostnames", "x"});
    d({"SENTINEL", "CONFIG", "SET", "announce-port", "abc"});
    d({"SENTINEL", "CONFIG", "SET", "announce-port", "70000"});
    d({"SENTINEL", "CONFIG", "SET", "announce-port", "-1"});
    d({"SENTINEL", "CONFIG", "SET", "ANNOUNCE-PORT", "0"});
    d({"SENTINEL", "CONFIG", "SET", "announce-ip", "127.0.0.1"});
    d({"SENTINEL", "CONFIG", "GET", "announce-ip"});
    d({"SENTINEL", "CONFIG", "SET", "announce-ip", ""});
    d({"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "YES"});
    d({"SENTINEL", "CONFIG", "GET", "resolve-hostnames"});
    d({"SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no"});
    d({"SENTINEL", "CONFIG", "GET", "*"});
    d({"SENTINEL", "FLUSHCONFIG"});
    // DEBUG validates what it is given.
    d({"SENTINEL", "DEBUG", "info-period", "10000", "ping-period", "1000"});
    {
        // DEVIATION: MiniSentinel validates SENTINEL DEBUG's parameters but
        // does not apply them; its periods are its SentinelTiming's. Here the
        // real one was given its own defaults, so nothing changed there.
        auto [r, m] = d.nodes({"SENTINEL", "DEBUG"});
        CHECK(r.kids.at(1).text == "10000");
        CHECK(m.kids.at(1).text == "100");  // SentinelTiming::real()'s check period
    }
    d({"SENTINEL", "DEBUG", "info-period", "0"});
    d({"SENTINEL", "DEBUG", "info-period", "-5"});
    d({"SENTINEL", "DEBUG", "ping-period", "x"});
    d({"SENTINEL", "DEBUG", "info-period", "10000", "foo"});
    d({"SENTINEL", "DEBUG", "info-period", "10000", "ping-period"});
    d({"SENTINEL", "SIMULATE-FAILURE", "crash-after-election", "foo"});
    {
        // A failed SIMULATE-FAILURE keeps the flags set before the bad one.
        auto [r, m] = d.nodes({"INFO", "sentinel"});
        CHECK(rl(r.text) == ml(m.text));
    }
    d({"SENTINEL", "SIMULATE-FAILURE", "help"});  // clears them
    d({"SHUTDOWN", "NOSUCHARG"});
    d({"SHUTDOWN", "ABORT"});
    d({"SHUTDOWN", "NOSAVE", "SAVE"});
    d({"SHUTDOWN", "ABORT", "NOW"});
    d({"PING"});

    {
        // DEVIATION: MiniSentinel publishes no hellos on the data nodes'
        // __sentinel__:hello channel (the Sentinels of a process find each
        // other directly, see sentinel_core.hpp), so what CONFIG SET
        // announce-ip / announce-port change is seen nowhere but in CONFIG
        // GET. A real Sentinel publishes one every 2 s, with the announced
        // port once it is set.
        RawClient realHello(realMaster.port()), miniHello(miniMaster.port());
        CHECK(realHello.call({"SUBSCRIBE", "__sentinel__:hello"}) == miniHello.call({"SUBSCRIBE", "__sentinel__:hello"}));
        d({"SENTINEL", "CONFIG", "SET", "announce-port", "12345"});
        auto deadline = Clock::now() + 5s;
        std::string hello;
        while (hello.find(",12345,") == std::string::npos && Clock::now() < deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            hello = parse(realHello.reply(static_cast<int>(std::max<long long>(left, 1)))).kids.at(2).text;
        }
        // (Its ip field is what announce-ip was last set to above: "".)
        CHECK(rl(hello) == ",12345,ID,0,mymaster,127.0.0.1,A,0");
        CHECK(miniHello.silentFor(0));  // nothing in the 2 s the real one took
        d({"SENTINEL", "CONFIG", "SET", "announce-port", "0"});
    }
    // No event left unread on either side.
    if (!events.real().silentFor(0)) FAIL_CHECK("unread event: " << escape(events.real().reply()));
    CHECK(events.mini().silentFor(0));
}

TEST_CASE("a Sentinel with requirepass: NOAUTH, WRONGPASS, HELLO AUTH") {
    RealServerOptions ro = sentinelProcess("requirepass sekret\n");
    RealServer realSentinel(ro);
    MiniSentinelOptions so;
    so.requirePass = "sekret";
    MiniSentinel miniSentinel(so);
    Labels none;
    Diff d(realSentinel.port(), miniSentinel.port(), none, none);
    d({"PING"});
    d({"SENTINEL", "MASTERS"});
    d({"CLIENT", "SETNAME", "x"});
    d({"FOO"});
    d({"SENTINEL"});
    d({"HELLO", "3"});
    d({"HELLO"});
    d({"HELLO", "4"});
    d({"HELLO", "x"});
    d({"AUTH", "wrong"});
    d({"AUTH", "default", "wrong"});
    d({"AUTH", "nouser", "sekret"});
    d({"HELLO", "3", "AUTH", "default", "wrong"});
    d({"PING"});
    d({"QUIT"});
    d({"AUTH", "sekret"});
    d({"PING"});
    d({"SENTINEL", "MASTERS"});
    d({"ACL", "WHOAMI"});
    d({"ACL", "LIST"});  // the password's SHA-256
    d({"AUTH", "default", "sekret"});
    d({"AUTH", "wrong"});
    d({"PING"});  // a failed AUTH leaves the connection authenticated

    Diff h(realSentinel.port(), miniSentinel.port(), none, none);
    h({"HELLO", "3", "AUTH", "default", "sekret", "SETNAME", "c1"}, Mode::IgnoreInts);
    h({"PING"});
    h({"CLIENT", "GETNAME"});
    h({"HELLO", "2", "AUTH", "default", "sekret"}, Mode::IgnoreInts);
    h({"ACL", "USERS"});
}

// ---------------------------------------------------------------------------
// The failover

namespace {

struct Event {
    std::string channel, payload;
};

// Reads PSUBSCRIBE * messages until `until` says the stream is complete
// (or the deadline passes: then what arrived, and a failed check).
std::vector<Event> readEvents(RawClient& c, Clock::time_point deadline,
                              const std::function<bool(const std::vector<Event>&)>& until, const std::string& who) {
    std::vector<Event> out;
    while (!until(out)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            FAIL_CHECK(who << ": the event stream did not complete in time");
            break;
        }
        std::string bytes;
        try {
            bytes = c.reply(static_cast<int>(left));
        } catch (const std::exception& e) {
            FAIL_CHECK(who << ": " << e.what());
            break;
        }
        Node n = parse(bytes);
        REQUIRE(n.kids.size() == 4);
        REQUIRE(n.kids[0].text == "pmessage");
        out.push_back({n.kids[2].text, n.kids[3].text});
    }
    return out;
}

// Complete: +switch-master and then `slaves` +slave events.
auto switchedWith(int slaves) {
    return [slaves](const std::vector<Event>& ev) {
        int seen = -1;
        for (auto& e : ev) {
            if (e.channel == "+switch-master") seen = 0;
            else if (seen >= 0 && e.channel == "+slave") ++seen;
        }
        return seen >= slaves;
    };
}

// Events that come or not depending on when a Sentinel's INFO polls hit a
// node changing role: compared by format only.
bool optionalEvent(const std::string& channel) { return channel == "-role-change" || channel == "+role-change"; }

std::vector<std::string> names(const std::vector<Event>& ev) {
    std::vector<std::string> out;
    for (auto& e : ev)
        if (!optionalEvent(e.channel)) out.push_back(e.channel);
    return out;
}

std::string show(const std::vector<Event>& ev) {
    std::string out;
    for (auto& e : ev) out += "\n  " + e.channel + " " + e.payload;
    return out;
}

struct Failover {
    std::vector<std::vector<Event>> streams;  // per Sentinel; 0 is the leader
    long long leaderMs = 0;                   // FAILOVER sent -> leader's +switch-master
    long long firstOtherMs = 0;               // ... -> the first other's
    std::string again;                        // a second SENTINEL FAILOVER, right after the first
    Node during;                              // SENTINEL MASTER mymaster right after the first
};

// PSUBSCRIBE * on the three Sentinels, SENTINEL FAILOVER mymaster to the
// first, and each one's events up to its +switch-master and the two +slave
// events after it.
Failover runFailover(const std::vector<int>& sentinelPorts, const std::string& who) {
    std::vector<std::unique_ptr<RawClient>> subs;
    for (int port : sentinelPorts) {
        subs.push_back(std::make_unique<RawClient>(port));
        REQUIRE(subs.back()->call({"PSUBSCRIBE", "*"}) == "*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n");
    }
    RawClient admin(sentinelPorts[0]);
    auto t0 = Clock::now();
    // Pipelined with the FAILOVER: a second one (-INPROG) and the master's
    // record while the failover is in progress.
    admin.send(encodeCommand({"SENTINEL", "FAILOVER", "mymaster"}) + encodeCommand({"SENTINEL", "FAILOVER", "mymaster"}) +
               encodeCommand({"SENTINEL", "MASTER", "mymaster"}));
    REQUIRE(admin.reply() == "+OK\r\n");
    auto deadline = t0 + 20s;
    Failover f;
    f.again = admin.reply();
    f.during = parse(admin.reply());
    f.streams.resize(sentinelPorts.size());
    // The others switch first (~1.2 s on a real deployment), the leader
    // last (~2.2 s); each stream waits in its socket until read.
    for (std::size_t i = 1; i < subs.size(); ++i) {
        f.streams[i] = readEvents(*subs[i], deadline, switchedWith(2), who + " Sentinel " + std::to_string(i));
        if (i == 1)
            f.firstOtherMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    }
    f.streams[0] = readEvents(*subs[0], deadline, switchedWith(2), who + " leader");
    f.leaderMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    return f;
}

// The address pieces of a +switch-master payload: name oldip oldport newip newport.
std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    for (auto& [tok, sep] : tokens(s, " "))
        if (!sep) out.push_back(tok);
    return out;
}

// The port of the replica the leader selected.
std::string selectedPort(const Failover& f) {
    for (auto& e : f.streams[0])
        if (e.channel == "+selected-slave") return words(e.payload).at(3);
    return {};
}

// Checks one side's streams make sense on their own: every Sentinel
// switches from the old master to the replica the leader selected.
void checkConsistent(const Failover& f, const std::string& oldPort, const std::string& who) {
    std::string selected = selectedPort(f);
    CAPTURE(who);
    CHECK(!selected.empty());
    for (std::size_t i = 0; i < f.streams.size(); ++i) {
        for (auto& e : f.streams[i]) {
            if (e.channel != "+switch-master") continue;
            auto w = words(e.payload);
            REQUIRE(w.size() == 5);
            CHECK(w[0] == "mymaster");
            CHECK(w[2] == oldPort);
            CHECK(w[4] == selected);
        }
    }
}

void compareStreams(const std::vector<Event>& real, const std::vector<Event>& mini, const std::string& role) {
    std::string realStream = show(real), miniStream = show(mini);
    CAPTURE(role);
    CAPTURE(realStream);
    CAPTURE(miniStream);
    auto rn = names(real), mn = names(mini);
    CHECK_MESSAGE(rn == mn, "event names differ: " << join(rn) << "from Redis, " << join(mn) << "from MiniSentinel");
    // The format of each event, by position among the non-optional ones.
    std::vector<const Event*> rr, mm;
    for (auto& e : real)
        if (!optionalEvent(e.channel)) rr.push_back(&e);
    for (auto& e : mini)
        if (!optionalEvent(e.channel)) mm.push_back(&e);
    for (std::size_t i = 0; i < std::min(rr.size(), mm.size()); ++i) {
        if (rr[i]->channel != mm[i]->channel) break;
        CHECK_MESSAGE(format(rr[i]->payload) == format(mm[i]->payload),
                      rr[i]->channel << ": \"" << format(rr[i]->payload) << "\" from Redis, \""
                                     << format(mm[i]->payload) << "\" from MiniSentinel");
    }
    // Optional events, wherever they come: the real format.
    for (auto* side : {&real, &mini})
        for (auto& e : *side)
            if (optionalEvent(e.channel)) {
                std::string f = format(e.payload);
                CHECK_MESSAGE((f == "slave <ip>:<n> <ip> <n> @ mymaster <ip> <n> new reported role is master" ||
                               f == "slave <ip>:<n> <ip> <n> @ mymaster <ip> <n> new reported role is slave"),
                              e.channel << " " << e.payload);
            }
}

}  // namespace

TEST_CASE("a manual failover: the same events per Sentinel role, in the same formats") {
    Env& e = env();
    std::vector<int> realPorts, miniPorts;
    for (std::size_t i = 0; i < 3; ++i) {
        realPorts.push_back(e.realSentinel(i));
        miniPorts.push_back(e.miniSentinel(i));
    }
    Failover real = runFailover(realPorts, "Redis");
    Failover mini = runFailover(miniPorts, "MiniSentinel");
    MESSAGE("+switch-master after SENTINEL FAILOVER: Redis " << real.firstOtherMs << " ms (others), " << real.leaderMs
                                                             << " ms (leader); MiniSentinel " << mini.firstOtherMs
                                                             << " ms, " << mini.leaderMs << " ms");
    compare("SENTINEL FAILOVER while one is in progress", real.again, mini.again, Mode::Exact);
    CHECK(real.again == "-INPROG Failover already in progress\r\n");
    // The master's record while it fails over: the failover-state's value
    // depends on how far each got.
    CHECK(field(real.during, "flags") == "master,failover_in_progress,force_failover");
    compareRecord("SENTINEL MASTER during the failover", real.during, mini.during, Kind::Master, e.rl, e.ml,
                  {"failover-state"});
    checkConsistent(real, portStr(e.real.master().port()), "Redis");
    checkConsistent(mini, portStr(e.mini.node(0).port()), "MiniSentinel");
    compareStreams(real.streams[0], mini.streams[0], "leader (got SENTINEL FAILOVER)");
    compareStreams(real.streams[1], mini.streams[1], "other Sentinel 1");
    compareStreams(real.streams[2], mini.streams[2], "other Sentinel 2");
    // The leader's stream, as sentinel-wire B1 recorded it.
    CHECK(join(names(real.streams[0])) ==
          "+new-epoch +try-failover +vote-for-leader +elected-leader +failover-state-select-slave +selected-slave "
          "+failover-state-send-slaveof-noone +failover-state-wait-promotion +promoted-slave "
          "+failover-state-reconf-slaves +slave-reconf-sent +slave-reconf-inprog +slave-reconf-done +failover-end "
          "+switch-master +slave +slave ");
    CHECK(join(names(real.streams[1])) == "+new-epoch +config-update-from +switch-master +slave +slave ");

    // What each Sentinel answers after its +switch-master, with labels for
    // the roles: OLD (the old master), NEW (the promoted replica), OTHER.
    auto labels = [](const Labels& base, const std::string& oldPort, const std::string& newPort,
                     const std::vector<std::string>& replicaPorts) {
        Labels l = base;
        l.add(oldPort, "OLD");
        l.add(newPort, "NEW");
        for (auto& p : replicaPorts)
            if (p != newPort) l.add(p, "OTHER");
        return l;
    };
    Labels rl = labels(e.rl, portStr(e.real.master().port()), selectedPort(real),
                       {portStr(e.real.node(1).port()), portStr(e.real.node(2).port())});
    Labels ml = labels(e.ml, portStr(e.mini.node(0).port()), selectedPort(mini),
                       {portStr(e.mini.node(1).port()), portStr(e.mini.node(2).port())});
    // The instances are new (links being made, roles not yet read): their
    // flags, run ids and what INFO tells are not compared.
    const std::set<std::string> fresh = {"flags", "runid", "role-reported", "master-link-down-time",
                                         "master-link-status", "master-host", "master-port"};
    for (std::size_t i = 0; i < 3; ++i) {
        Diff d(e.realSentinel(i), e.miniSentinel(i), rl, ml);
        std::string on = " on S" + std::to_string(i) + " after the failover";
        d.norm({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"});
        auto [r, m] = d.nodes({"SENTINEL", "MASTER", "mymaster"});
        CHECK(field(r, "config-epoch") == "1");
        compareRecord("SENTINEL MASTER" + on, r, m, Kind::Master, rl, ml, fresh);
        auto [rr, mr] = d.nodes({"SENTINEL", "REPLICAS", "mymaster"});
        compareRecords("SENTINEL REPLICAS" + on, rr, mr, Kind::Replica, rl, ml, fresh);
        auto [rs, ms] = d.nodes({"SENTINEL", "SENTINELS", "mymaster"});
        compareRecords("SENTINEL SENTINELS" + on, rs, ms, Kind::Sentinel, rl, ml);
        auto [ri, mi] = d.nodes({"INFO", "sentinel"});
        CHECK(rl(ri.text) == ml(mi.text));
    }
}

// ===========================================================================

int main(int argc, char** argv) {
    for (const std::string& binary : {redisServerBinary(), redisSentinelBinary()}) {
        if (!sentinelpool::test::binaryExists(binary)) {
            std::fprintf(stderr,
                         "SKIP: %s not found (set SENTINELPOOL_REDIS_SERVER / SENTINELPOOL_REDIS_SENTINEL to use "
                         "others)\n",
                         binary.c_str());
            return 77;
        }
    }
    doctest::Context ctx;
    ctx.applyCommandLine(argc, argv);
    int rc = ctx.run();
    g_env.reset();  // the deployments stop before static destruction
    return rc;
}
