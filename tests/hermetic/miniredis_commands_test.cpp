// MiniRedis command groups, checked at the byte level: the replies and error
// texts are Redis 7's (the real suite compares them with a redis-server).

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::escape;
using sentinelpool::test::Hiredis;
using sentinelpool::test::RawClient;
using sentinelpool::test::str;
using sentinelpool::testing::MiniRedis;

namespace {

// Sends argv, returns the reply bytes.
struct Conn {
    explicit Conn(MiniRedis& m) : c(m.port()) {}
    std::string operator()(const std::vector<std::string>& argv) { return c.call(argv); }
    RawClient c;
};

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

}  // namespace

TEST_CASE("connection commands: PING ECHO SELECT QUIT") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"PING"}) == "+PONG\r\n");
    CHECK(r({"ping", "hi"}) == "$2\r\nhi\r\n");
    CHECK(r({"PING", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
    CHECK(r({"ECHO", "x y"}) == "$3\r\nx y\r\n");
    CHECK(r({"ECHO"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
    CHECK(r({"SELECT", "16"}) == "-ERR DB index is out of range\r\n");
    CHECK(r({"SELECT", "-1"}) == "-ERR DB index is out of range\r\n");
    CHECK(r({"SELECT", "x"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"SET", "k", "db0"}) == "+OK\r\n");
    CHECK(r({"SELECT", "3"}) == "+OK\r\n");
    CHECK(r({"GET", "k"}) == "$-1\r\n");
    CHECK(r({"SET", "k", "db3"}) == "+OK\r\n");
    CHECK(r({"SELECT", "0"}) == "+OK\r\n");
    CHECK(r({"GET", "k"}) == bulk("db0"));
    CHECK(r({"QUIT"}) == "+OK\r\n");
    CHECK(r.c.readUntilClosed().empty());
}

TEST_CASE("unknown commands and sub-commands get Redis's texts and keep the connection") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"FOO", "a", "b"}) == "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
    CHECK(r({"foo"}) == "-ERR unknown command 'foo', with args beginning with: \r\n");
    CHECK(r({"CLIENT"}) == "-ERR wrong number of arguments for 'client' command\r\n");
    CHECK(r({"client", "foo"}) == "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
    CHECK(r({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
    CHECK(r({"CLIENT", "SETNAME"}) == "-ERR wrong number of arguments for 'client|setname' command\r\n");
    CHECK(r({"PING"}) == "+PONG\r\n");
}

TEST_CASE("HELLO switches between RESP2 and RESP3 and reports the connection") {
    MiniRedis m;
    Conn r(m);
    std::string id = r({"CLIENT", "ID"});
    std::string idNum = id.substr(1, id.size() - 3);
    CHECK(r({"HELLO", "3"}) == "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
                                "$2\r\nid\r\n:" + idNum + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                                "$7\r\nmodules\r\n*0\r\n");
    CHECK(r({"GET", "nosuch"}) == "_\r\n");
    CHECK(r({"HSET", "h", "f", "v"}) == ":1\r\n");
    CHECK(r({"HGETALL", "h"}) == "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
    CHECK(r({"INFO", "keyspace"}) == "=48\r\ntxt:# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n");
    std::string hello2 = r({"HELLO", "2"});
    CHECK(hello2.rfind("*14\r\n", 0) == 0);
    CHECK(r({"GET", "nosuch"}) == "$-1\r\n");
    CHECK(r({"HELLO", "4"}) == "-NOPROTO unsupported protocol version\r\n");
    CHECK(r({"HELLO", "x"}) == "-ERR Protocol version is not an integer or out of range\r\n");
    CHECK(r({"HELLO", "3", "FOO"}) == "-ERR Syntax error in HELLO option 'FOO'\r\n");
    CHECK(r({"HELLO", "2", "SETNAME", "app"}).rfind("*14", 0) == 0);
    CHECK(r({"CLIENT", "GETNAME"}) == "$3\r\napp\r\n");
}

TEST_CASE("AUTH and HELLO AUTH with requirepass and with ACL users") {
    MiniRedis m;
    SUBCASE("no password configured") {
        Conn r(m);
        CHECK(r({"AUTH", "x"}) ==
              "-ERR AUTH <password> called without any password configured for the default user. Are you sure your "
              "configuration is correct?\r\n");
        CHECK(r({"AUTH", "default", "anything"}) == "+OK\r\n");
        CHECK(r({"AUTH", "a", "b", "c"}) == "-ERR syntax error\r\n");
    }
    SUBCASE("requirepass") {
        m.requireAuth("sekret");
        Conn r(m);
        CHECK(r({"PING"}) == "-NOAUTH Authentication required.\r\n");
        CHECK(r({"FOO"}) == "-ERR unknown command 'FOO', with args beginning with: \r\n");
        CHECK(r({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
        CHECK(r({"HELLO", "3"}) ==
              "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> "
              "<pass> option can be used to authenticate the client and select the RESP protocol version at the "
              "same time\r\n");
        CHECK(r({"AUTH", "wrong"}) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        CHECK(r({"HELLO", "3", "AUTH", "default", "wrong"}) ==
              "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        CHECK(r({"AUTH", "sekret"}) == "+OK\r\n");
        CHECK(r({"PING"}) == "+PONG\r\n");
        CHECK(r({"RESET"}) == "+RESET\r\n");
        CHECK(r({"PING"}) == "-NOAUTH Authentication required.\r\n");
        CHECK(r({"HELLO", "3", "AUTH", "default", "sekret", "SETNAME", "x"}).rfind("%7\r\n", 0) == 0);
        CHECK(r({"CLIENT", "GETNAME"}) == "$1\r\nx\r\n");
    }
    SUBCASE("ACL user") {
        m.requireAuth("app", "apppass");
        Conn r(m);
        CHECK(r({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
        CHECK(r({"AUTH", "app", "nope"}) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        CHECK(r({"AUTH", "apppass"}) == "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        CHECK(r({"AUTH", "app", "apppass"}) == "+OK\r\n");
        CHECK(r({"GET", "k"}) == "$-1\r\n");
        std::string info = r({"CLIENT", "INFO"});
        CHECK(info.find(" user=app ") != std::string::npos);
    }
}

TEST_CASE("CLIENT SETNAME GETNAME ID LIST INFO KILL SETINFO") {
    MiniRedis m;
    Conn a(m), b(m);
    CHECK(a({"CLIENT", "GETNAME"}) == "$-1\r\n");
    CHECK(a({"CLIENT", "SETNAME", "a b"}) == "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
    CHECK(a({"CLIENT", "SETNAME", "alpha"}) == "+OK\r\n");
    CHECK(a({"CLIENT", "GETNAME"}) == "$5\r\nalpha\r\n");
    CHECK(a({"CLIENT", "SETNAME", ""}) == "+OK\r\n");
    CHECK(a({"CLIENT", "GETNAME"}) == "$-1\r\n");
    CHECK(a({"CLIENT", "SETNAME", "alpha"}) == "+OK\r\n");
    std::string idB = b({"CLIENT", "ID"});
    CHECK(idB.front() == ':');
    std::string list = a({"CLIENT", "LIST"});
    CHECK(list.find("name=alpha") != std::string::npos);
    CHECK(list.find("cmd=client|list") != std::string::npos);
    CHECK(list.find("id=" + idB.substr(1, idB.size() - 3) + " ") != std::string::npos);
    std::string info = a({"CLIENT", "INFO"});
    CHECK(info.find("name=alpha age=") != std::string::npos);
    CHECK(info.find(" resp=2\n") != std::string::npos);
    CHECK(a({"CLIENT", "LIST", "TYPE", "foo"}) == "-ERR Unknown client type 'foo'\r\n");
    CHECK(a({"CLIENT", "LIST", "ID", "abc"}) == "-ERR Invalid client ID\r\n");
    CHECK(a({"CLIENT", "LIST", "ID", "999999"}) == "$0\r\n\r\n");
    CHECK(a({"CLIENT", "KILL", "1.2.3.4:5"}) == "-ERR No such client\r\n");
    CHECK(a({"CLIENT", "KILL", "ID", "abc"}) == "-ERR client-id should be greater than 0\r\n");
    CHECK(a({"CLIENT", "KILL", "TYPE", "foo"}) == "-ERR Unknown client type 'foo'\r\n");
    CHECK(a({"CLIENT", "KILL", "FOO", "bar"}) == "-ERR syntax error\r\n");
    CHECK(a({"CLIENT", "KILL", "ID", "1", "SKIPME", "maybe"}) == "-ERR syntax error\r\n");
    CHECK(a({"CLIENT", "SETINFO", "lib-name", "mylib"}) == "+OK\r\n");
    CHECK(a({"CLIENT", "SETINFO", "lib-ver", "1.0"}) == "+OK\r\n");
    CHECK(a({"CLIENT", "SETINFO", "foo", "1"}) == "-ERR Unrecognized option 'foo'\r\n");
    // Killing B by id: A gets :1, B's connection closes.
    CHECK(a({"CLIENT", "KILL", "ID", idB.substr(1, idB.size() - 3)}) == ":1\r\n");
    CHECK(b.c.readUntilClosed().empty());
    // TYPE normal skips the caller by default.
    CHECK(a({"CLIENT", "KILL", "TYPE", "normal"}) == ":0\r\n");
    CHECK(a({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}) == ":1\r\n");
    CHECK(a.c.readUntilClosed().empty());
}

TEST_CASE("keys: DEL UNLINK EXISTS TYPE RENAME RENAMENX RANDOMKEY DBSIZE FLUSHDB FLUSHALL KEYS") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"MSET", "a", "1", "b", "2", "c", "3"}) == "+OK\r\n");
    CHECK(r({"HSET", "h", "f", "v"}) == ":1\r\n");
    CHECK(r({"EXISTS", "a", "a", "nosuch"}) == ":2\r\n");
    CHECK(r({"TYPE", "a"}) == "+string\r\n");
    CHECK(r({"TYPE", "h"}) == "+hash\r\n");
    CHECK(r({"TYPE", "nosuch"}) == "+none\r\n");
    CHECK(r({"KEYS", "*"}) == "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nh\r\n");
    CHECK(r({"KEYS", "[ab]"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    CHECK(r({"DBSIZE"}) == ":4\r\n");
    CHECK(r({"DEL", "a", "nosuch"}) == ":1\r\n");
    CHECK(r({"UNLINK", "b"}) == ":1\r\n");
    CHECK(r({"RENAME", "nosuch", "x"}) == "-ERR no such key\r\n");
    CHECK(r({"RENAME", "c", "c"}) == "+OK\r\n");
    CHECK(r({"RENAME", "c", "d"}) == "+OK\r\n");
    CHECK(r({"GET", "d"}) == "$1\r\n3\r\n");
    CHECK(r({"RENAMENX", "d", "h"}) == ":0\r\n");
    CHECK(r({"RENAMENX", "d", "e"}) == ":1\r\n");
    std::string rk = r({"RANDOMKEY"});
    CHECK((rk == "$1\r\ne\r\n" || rk == "$1\r\nh\r\n"));
    CHECK(r({"FLUSHDB", "FOO"}) == "-ERR syntax error\r\n");
    CHECK(r({"FLUSHDB", "ASYNC"}) == "+OK\r\n");
    CHECK(r({"RANDOMKEY"}) == "$-1\r\n");
    CHECK(r({"SELECT", "1"}) == "+OK\r\n");
    CHECK(r({"SET", "x", "1"}) == "+OK\r\n");
    CHECK(r({"FLUSHALL"}) == "+OK\r\n");
    CHECK(r({"DBSIZE"}) == ":0\r\n");
}

TEST_CASE("expiry: EXPIRE family with NX XX GT LT, TTL, PTTL, PERSIST, EXPIRETIME") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"SET", "k", "v"}) == "+OK\r\n");
    CHECK(r({"TTL", "k"}) == ":-1\r\n");
    CHECK(r({"TTL", "nosuch"}) == ":-2\r\n");
    CHECK(r({"EXPIRE", "nosuch", "10"}) == ":0\r\n");
    CHECK(r({"EXPIRE", "k", "10", "XX"}) == ":0\r\n");
    CHECK(r({"EXPIRE", "k", "10", "NX"}) == ":1\r\n");
    CHECK(r({"EXPIRE", "k", "20", "NX"}) == ":0\r\n");
    CHECK(r({"EXPIRE", "k", "5", "GT"}) == ":0\r\n");
    CHECK(r({"EXPIRE", "k", "20", "GT"}) == ":1\r\n");
    CHECK(r({"EXPIRE", "k", "30", "LT"}) == ":0\r\n");
    CHECK(r({"TTL", "k"}) == ":20\r\n");
    CHECK(r({"EXPIRE", "k", "10", "NX", "XX"}) ==
          "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
    CHECK(r({"EXPIRE", "k", "10", "GT", "LT"}) == "-ERR GT and LT options at the same time are not compatible\r\n");
    CHECK(r({"EXPIRE", "k", "10", "FOO"}) == "-ERR Unsupported option FOO\r\n");
    CHECK(r({"EXPIRE", "k", "abc"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"EXPIRE", "k", "9223372036854775807"}) == "-ERR invalid expire time in 'expire' command\r\n");
    std::string pttl = r({"PTTL", "k"});
    long long ms = std::stoll(pttl.substr(1));
    CHECK(ms > 19000);
    CHECK(ms <= 20000);
    CHECK(r({"PERSIST", "k"}) == ":1\r\n");
    CHECK(r({"PERSIST", "k"}) == ":0\r\n");
    CHECK(r({"EXPIRETIME", "k"}) == ":-1\r\n");
    CHECK(r({"PEXPIREAT", "k", "99999999999999"}) == ":1\r\n");
    CHECK(r({"PEXPIRETIME", "k"}) == ":99999999999999\r\n");
    CHECK(r({"EXPIRETIME", "k"}) == ":100000000000\r\n");  // rounded, as Redis does
    CHECK(r({"EXPIRE", "k", "-1"}) == ":1\r\n");  // a past time deletes
    CHECK(r({"EXISTS", "k"}) == ":0\r\n");
}

TEST_CASE("expired keys disappear when the clock moves forward") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"SET", "k", "v", "EX", "10"}) == "+OK\r\n");
    CHECK(r({"SET", "keep", "v"}) == "+OK\r\n");
    m.fastForward(std::chrono::seconds(9));
    CHECK(r({"GET", "k"}) == "$1\r\nv\r\n");
    CHECK(r({"TTL", "k"}) == ":1\r\n");
    m.fastForward(std::chrono::seconds(2));
    CHECK(r({"GET", "k"}) == "$-1\r\n");
    CHECK(r({"DBSIZE"}) == ":1\r\n");
    CHECK(r({"GET", "keep"}) == "$1\r\nv\r\n");
}

TEST_CASE("SCAN visits every key once across calls, with MATCH COUNT TYPE") {
    MiniRedis m;
    for (int i = 0; i < 57; ++i) m.set("key:" + std::to_string(i), "v");
    m.hset("hash:1", "f", "v");
    Hiredis c(m.port());
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        auto rep = c.cmd({"SCAN", cursor, "COUNT", "10"});
        REQUIRE(rep);
        REQUIRE(rep->type == REDIS_REPLY_ARRAY);
        cursor = rep->element[0]->str;
        for (size_t i = 0; i < rep->element[1]->elements; ++i) {
            std::string k = rep->element[1]->element[i]->str;
            CHECK(seen.insert(k).second);
        }
        ++calls;
    } while (cursor != "0" && calls < 100);
    CHECK(seen.size() == 58);
    CHECK(calls >= 6);
    auto typed = c.cmd({"SCAN", "0", "COUNT", "1000", "TYPE", "hash"});
    CHECK(str(typed.get()) == "[0, [hash:1]]");
    auto matched = c.cmd({"SCAN", "0", "COUNT", "1000", "MATCH", "key:1?"});
    CHECK(matched->element[1]->elements == 10);
    Conn r(m);
    CHECK(r({"SCAN", "abc"}) == "-ERR invalid cursor\r\n");
    CHECK(r({"SCAN", "0", "COUNT", "0"}) == "-ERR syntax error\r\n");
    CHECK(r({"SCAN", "0", "FOO"}) == "-ERR syntax error\r\n");
    CHECK(r({"SCAN", "0", "COUNT", "1000", "TYPE", "foo"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_CASE("strings: SET options, GET, MGET, MSET, MSETNX, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"SET", "k", "v", "NX"}) == "+OK\r\n");
    CHECK(r({"SET", "k", "w", "NX"}) == "$-1\r\n");
    CHECK(r({"SET", "k", "w", "XX", "GET"}) == "$1\r\nv\r\n");
    CHECK(r({"SET", "nosuch", "w", "XX"}) == "$-1\r\n");
    CHECK(r({"SET", "k", "1", "EX", "0"}) == "-ERR invalid expire time in 'set' command\r\n");
    CHECK(r({"SET", "k", "1", "EX", "10", "PX", "10"}) == "-ERR syntax error\r\n");
    CHECK(r({"SET", "k", "1", "KEEPTTL", "EX", "1"}) == "-ERR syntax error\r\n");
    CHECK(r({"SET", "k", "1", "NX", "XX"}) == "-ERR syntax error\r\n");
    CHECK(r({"SET", "k", "1", "EX", "x"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"SET", "k", "v", "EX", "100"}) == "+OK\r\n");
    CHECK(r({"SET", "k", "v2", "KEEPTTL"}) == "+OK\r\n");
    CHECK(r({"TTL", "k"}) == ":100\r\n");
    CHECK(r({"SET", "k", "v3"}) == "+OK\r\n");
    CHECK(r({"TTL", "k"}) == ":-1\r\n");
    CHECK(r({"SET", "k", "v", "PXAT", "99999999999999"}) == "+OK\r\n");
    CHECK(r({"PEXPIRETIME", "k"}) == ":99999999999999\r\n");
    CHECK(r({"HSET", "h", "f", "v"}) == ":1\r\n");
    CHECK(r({"GET", "h"}) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    CHECK(r({"SET", "h", "x", "GET"}) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    CHECK(r({"MSET", "a", "1", "b"}) == "-ERR wrong number of arguments for 'mset' command\r\n");
    CHECK(r({"MSET", "a", "1", "b", "2"}) == "+OK\r\n");
    CHECK(r({"MGET", "a", "h", "nosuch", "b"}) == "*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n2\r\n");
    CHECK(r({"MSETNX", "a", "9", "z", "9"}) == ":0\r\n");
    CHECK(r({"MSETNX", "y", "9", "z", "9"}) == ":1\r\n");
    CHECK(r({"SETNX", "y", "0"}) == ":0\r\n");
    CHECK(r({"SETEX", "s", "0", "v"}) == "-ERR invalid expire time in 'setex' command\r\n");
    CHECK(r({"SETEX", "s", "10", "v"}) == "+OK\r\n");
    CHECK(r({"TTL", "s"}) == ":10\r\n");
    CHECK(r({"PSETEX", "p", "-5", "v"}) == "-ERR invalid expire time in 'psetex' command\r\n");
    CHECK(r({"PSETEX", "p", "10000", "v"}) == "+OK\r\n");
    CHECK(r({"GETSET", "p", "new"}) == "$1\r\nv\r\n");
    CHECK(r({"TTL", "p"}) == ":-1\r\n");
    CHECK(r({"GETDEL", "p"}) == "$3\r\nnew\r\n");
    CHECK(r({"GETDEL", "p"}) == "$-1\r\n");
    CHECK(r({"GETEX", "s", "PERSIST", "EX", "1"}) == "-ERR syntax error\r\n");
    CHECK(r({"GETEX", "s", "PERSIST"}) == "$1\r\nv\r\n");
    CHECK(r({"TTL", "s"}) == ":-1\r\n");
    CHECK(r({"GETEX", "s", "EX", "50"}) == "$1\r\nv\r\n");
    CHECK(r({"TTL", "s"}) == ":50\r\n");
    CHECK(r({"GETEX", "nosuch"}) == "$-1\r\n");
}

TEST_CASE("strings: INCR family, INCRBYFLOAT, APPEND, STRLEN, GETRANGE, SETRANGE") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"INCR", "n"}) == ":1\r\n");
    CHECK(r({"INCRBY", "n", "41"}) == ":42\r\n");
    CHECK(r({"DECR", "n"}) == ":41\r\n");
    CHECK(r({"DECRBY", "n", "40"}) == ":1\r\n");
    CHECK(r({"INCRBY", "n", "x"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"DECRBY", "n", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");
    CHECK(r({"SET", "big", "9223372036854775807"}) == "+OK\r\n");
    CHECK(r({"INCR", "big"}) == "-ERR increment or decrement would overflow\r\n");
    CHECK(r({"SET", "s", "abc"}) == "+OK\r\n");
    CHECK(r({"INCR", "s"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"SET", "f", "10.5"}) == "+OK\r\n");
    CHECK(r({"INCRBYFLOAT", "f", "0.1"}) == "$4\r\n10.6\r\n");
    CHECK(r({"INCRBYFLOAT", "f", "5.0e3"}) == "$22\r\n5010.60000000000000009\r\n");  // long double, as Redis
    CHECK(r({"INCRBYFLOAT", "f", "x"}) == "-ERR value is not a valid float\r\n");
    CHECK(r({"INCRBYFLOAT", "s", "1"}) == "-ERR value is not a valid float\r\n");
    CHECK(r({"APPEND", "s", "def"}) == ":6\r\n");
    CHECK(r({"APPEND", "new", "xy"}) == ":2\r\n");
    CHECK(r({"STRLEN", "s"}) == ":6\r\n");
    CHECK(r({"STRLEN", "nosuch"}) == ":0\r\n");
    CHECK(r({"GETRANGE", "s", "1", "3"}) == "$3\r\nbcd\r\n");
    CHECK(r({"GETRANGE", "s", "-2", "-1"}) == "$2\r\nef\r\n");
    CHECK(r({"GETRANGE", "s", "5", "1"}) == "$0\r\n\r\n");
    CHECK(r({"GETRANGE", "nosuch", "0", "-1"}) == "$0\r\n\r\n");
    CHECK(r({"SETRANGE", "s", "-1", "x"}) == "-ERR offset is out of range\r\n");
    CHECK(r({"SETRANGE", "s", "536870912", "x"}) ==
          "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
    CHECK(r({"SETRANGE", "s", "8", "XY"}) == ":10\r\n");
    CHECK(r({"GET", "s"}) == std::string("$10\r\nabcdef\0\0XY\r\n", 17));
    CHECK(r({"SETRANGE", "empty", "3", ""}) == ":0\r\n");
    CHECK(r({"EXISTS", "empty"}) == ":0\r\n");
}

TEST_CASE("hashes: every command, errors included") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"HSET", "h", "a", "1", "b"}) == "-ERR wrong number of arguments for 'hset' command\r\n");
    CHECK(r({"HSET", "h", "a", "1", "b", "2"}) == ":2\r\n");
    CHECK(r({"HSET", "h", "a", "10"}) == ":0\r\n");
    CHECK(r({"HGET", "h", "a"}) == "$2\r\n10\r\n");
    CHECK(r({"HGET", "h", "nosuch"}) == "$-1\r\n");
    CHECK(r({"HSETNX", "h", "a", "x"}) == ":0\r\n");
    CHECK(r({"HSETNX", "h", "c", "3"}) == ":1\r\n");
    CHECK(r({"HMSET", "h", "d", "4"}) == "+OK\r\n");
    CHECK(r({"HMGET", "h", "a", "nosuch", "d"}) == "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n4\r\n");
    CHECK(r({"HGETALL", "h"}) ==
          "*8\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n");
    CHECK(r({"HKEYS", "h"}) == "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n");
    CHECK(r({"HVALS", "h"}) == "*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n");
    CHECK(r({"HLEN", "h"}) == ":4\r\n");
    CHECK(r({"HSTRLEN", "h", "a"}) == ":2\r\n");
    CHECK(r({"HEXISTS", "h", "a"}) == ":1\r\n");
    CHECK(r({"HEXISTS", "h", "z"}) == ":0\r\n");
    CHECK(r({"HINCRBY", "h", "a", "5"}) == ":15\r\n");
    CHECK(r({"HINCRBY", "h", "a", "x"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"HSET", "h", "s", "str"}) == ":1\r\n");
    CHECK(r({"HINCRBY", "h", "s", "1"}) == "-ERR hash value is not an integer\r\n");
    CHECK(r({"HINCRBYFLOAT", "h", "s", "1"}) == "-ERR hash value is not a float\r\n");
    CHECK(r({"HINCRBYFLOAT", "h", "a", "1.5"}) == "$4\r\n16.5\r\n");
    CHECK(r({"HRANDFIELD", "h", "0"}) == "*0\r\n");
    CHECK(r({"HRANDFIELD", "nosuch"}) == "$-1\r\n");
    CHECK(r({"HRANDFIELD", "nosuch", "2"}) == "*0\r\n");
    CHECK(r({"HRANDFIELD", "h", "2", "FOO"}) == "-ERR syntax error\r\n");
    CHECK(r({"HRANDFIELD", "h", "-9223372036854775808"}) ==
          "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n");
    Hiredis c(m.port());
    auto distinct = c.cmd({"HRANDFIELD", "h", "100"});
    CHECK(distinct->elements == 5);
    auto repeated = c.cmd({"HRANDFIELD", "h", "-7", "WITHVALUES"});
    CHECK(repeated->elements == 14);
    CHECK(r({"HSCAN", "h", "0", "MATCH", "[ab]"}) == "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$4\r\n16.5\r\n$1\r\nb\r\n$1\r\n2\r\n");
    CHECK(r({"HSCAN", "h", "0", "COUNT", "0"}) == "-ERR syntax error\r\n");
    CHECK(r({"HDEL", "h", "a", "b", "c", "d", "s", "nosuch"}) == ":5\r\n");
    CHECK(r({"EXISTS", "h"}) == ":0\r\n");  // an emptied hash is deleted
    CHECK(r({"SET", "str", "v"}) == "+OK\r\n");
    CHECK(r({"HGET", "str", "f"}) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    CHECK(r({"HSET", "str", "f", "v"}) == "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    CHECK(r({"HELLO", "3"}).rfind("%7", 0) == 0);
    CHECK(r({"HSET", "h3", "x", "1"}) == ":1\r\n");
    CHECK(r({"HRANDFIELD", "h3", "2", "WITHVALUES"}) == "*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
}

TEST_CASE("server: INFO sections, ROLE, TIME, COMMAND, CONFIG") {
    MiniRedis m;
    Conn r(m);
    std::string info = r({"INFO"});
    for (const char* section : {"# Server\r\n", "# Clients\r\n", "# Replication\r\n", "# Keyspace\r\n"}) {
        CAPTURE(section);
        CHECK(info.find(section) != std::string::npos);
    }
    CHECK(info.find("redis_version:7.0.15\r\n") != std::string::npos);
    CHECK(info.find("tcp_port:" + std::to_string(m.port()) + "\r\n") != std::string::npos);
    CHECK(info.find("run_id:" + m.runId() + "\r\n") != std::string::npos);
    CHECK(r({"INFO", "nosuchsection"}) == "$0\r\n\r\n");
    std::string two = r({"INFO", "keyspace", "server"});
    CHECK(two.find("# Server") < two.find("# Keyspace"));
    CHECK(r({"ROLE"}).rfind("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", 0) == 0);
    Hiredis c(m.port());
    auto t = c.cmd({"TIME"});
    REQUIRE(t->elements == 2);
    CHECK(std::stoll(t->element[0]->str) > 1700000000);
    auto count = c.cmd({"COMMAND", "COUNT"});
    CHECK(count->integer > 60);
    auto docs = c.cmd({"COMMAND", "DOCS", "get"});
    REQUIRE(docs->elements == 2);
    CHECK(std::string(docs->element[0]->str) == "get");
    auto infoGet = c.cmd({"COMMAND", "INFO", "get", "nosuch"});
    REQUIRE(infoGet->elements == 2);
    CHECK(infoGet->element[0]->elements == 10);
    CHECK(infoGet->element[0]->element[1]->integer == 2);
    CHECK(infoGet->element[1]->type == REDIS_REPLY_NIL);
    CHECK(r({"COMMAND", "FOO"}) == "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
    CHECK(r({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
    CHECK(r({"CONFIG", "GET", "*priority*"}) ==
          "*4\r\n$16\r\nreplica-priority\r\n$3\r\n100\r\n$14\r\nslave-priority\r\n$3\r\n100\r\n");
    CHECK(r({"CONFIG", "SET", "replica-priority", "5"}) == "+OK\r\n");
    CHECK(r({"CONFIG", "GET", "slave-priority"}) == "*2\r\n$14\r\nslave-priority\r\n$1\r\n5\r\n");
    CHECK(r({"CONFIG", "SET", "foo", "bar"}) == "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
    CHECK(r({"CONFIG", "SET", "databases", "3"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n");
    CHECK(r({"CONFIG", "SET", "maxmemory", "abc"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n");
    CHECK(r({"CONFIG", "SET", "replica-read-only", "maybe"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'replica-read-only') - argument must be 'yes' or 'no'\r\n");
    CHECK(r({"CONFIG", "SET", "maxmemory", "10", "maxmemory", "20"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n");
    CHECK(r({"CONFIG", "SET", "requirepass", "pw"}) == "+OK\r\n");
    Conn fresh(m);
    CHECK(fresh({"PING"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(r({"PING"}) == "+PONG\r\n");  // connected before: still authenticated, as in Redis
    CHECK(r({"WAIT", "0", "-1"}) == "-ERR timeout is negative\r\n");
    CHECK(r({"WAIT", "0", "x"}) == "-ERR timeout is not an integer or out of range\r\n");
    CHECK(r({"WAIT", "x", "0"}) == "-ERR value is not an integer or out of range\r\n");
    CHECK(r({"WAIT", "0", "0"}) == ":0\r\n");
    CHECK(r({"WAIT", "1", "30"}) == ":0\r\n");  // no replica: times out with 0
}

TEST_CASE("details the real suite found against Redis 7.0.15") {
    MiniRedis m;
    Conn r(m);
    CHECK(r({"SELECT", "2147483648"}) == "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
    CHECK(r({"GETEX", "nosuch", "EX", "0"}) == "$-1\r\n");  // the key is looked up before the time is checked
    CHECK(r({"HSCAN", "nosuch", "0", "COUNT", "0"}) == "*2\r\n$1\r\n0\r\n*0\r\n");
    CHECK(r({"SCAN", ""}) == "*2\r\n$1\r\n0\r\n*0\r\n");  // strtoul: an empty cursor is 0
    CHECK(r({"HSET", "h", "f", "1"}) == ":1\r\n");
    CHECK(r({"HINCRBYFLOAT", "h", "f", "inf"}) == "-ERR value is NaN or Infinity\r\n");
    CHECK(r({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}) == "-ERR value is out of range\r\n");
    CHECK(r({"CLIENT", "LIST", "ID", "0"}) == "$0\r\n\r\n");
    CHECK(r({"CLIENT", "KILL", "USER", "nosuch"}) == "-ERR No such user 'nosuch'\r\n");
    CHECK(r({"CLIENT", "INFO"}).find(" argv-mem=10 ") != std::string::npos);
    CHECK(r({"COMMAND", "INFO", "nosuch"}) == "*1\r\n$-1\r\n");
    CHECK(r({"PUBSUB", "CHANNELS", "a", "b"}) ==
          "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n");
    CHECK(r({"FOO", std::string(200, 'a')}) ==
          "-ERR unknown command 'FOO', with args beginning with: '" + std::string(128, 'a') + "' \r\n");
    CHECK(r({std::string("FO\0O", 4)}) == "-ERR unknown command 'FO', with args beginning with: \r\n");
    CHECK(r({"CONFIG", "GET", "MAXMEMORY"}) == "*2\r\n$9\r\nMAXMEMORY\r\n$1\r\n0\r\n");
    CHECK(r({"CONFIG", "SET", "maxmemory", "1mb"}) == "+OK\r\n");
    CHECK(r({"CONFIG", "GET", "maxmemory"}) == "*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n");
    CHECK(r({"CONFIG", "SET", "maxmemory", "1", "hz"}) == "-ERR syntax error\r\n");
    CHECK(r({"CONFIG", "SET", "maxmemory", "abc", "databases", "3"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n");
    CHECK(r({"CONFIG", "SET", "slave-priority", "-1"}) ==
          "-ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument must be between 0 and "
          "2147483647 inclusive\r\n");
    CHECK(r({"CONFIG", "SET", "hz", "1000"}) == "+OK\r\n");
    CHECK(r({"CONFIG", "GET", "hz"}) == "*2\r\n$2\r\nhz\r\n$3\r\n500\r\n");
    // An HTTP request: the connection is dropped, unanswered.
    RawClient http(m.port());
    http.send("PING\r\nPOST / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    CHECK(http.readUntilClosed().empty());
}
