// The request parser: RESP arrays through hiredis's reader, inline commands,
// and Redis's exact protocol errors, fed byte by byte where it matters.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "server/request_parser.hpp"

using sentinelpool::testing::detail::RequestParser;
using Status = RequestParser::Status;

namespace {

// Feeds `bytes` (in chunks of `chunk`) and collects every request.
struct Parsed {
    std::vector<std::vector<std::string>> requests;
    std::string error;
};

Parsed parseAll(const std::string& bytes, std::size_t chunk = 0, bool unauth = false) {
    RequestParser p;
    p.setUnauthenticated(unauth);
    Parsed out;
    if (chunk == 0) chunk = bytes.size() ? bytes.size() : 1;
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
        p.feed(bytes.data() + i, std::min(chunk, bytes.size() - i));
        for (;;) {
            auto s = p.next();
            if (s == Status::NeedMore) break;
            if (s == Status::Error) {
                out.error = p.error();
                return out;
            }
            out.requests.emplace_back(p.argv().begin(), p.argv().end());
        }
    }
    return out;
}

}  // namespace

TEST_CASE("a RESP array of bulk strings is one request, whole or byte by byte") {
    std::string bytes = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nx!\r\n";
    for (std::size_t chunk : {0u, 1u, 2u, 7u}) {
        CAPTURE(chunk);
        auto r = parseAll(bytes, chunk);
        CHECK(r.error.empty());
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0] == std::vector<std::string>{"SET", "k", "v\r\nx!"});
    }
}

TEST_CASE("pipelined requests come out in order, binary-safe") {
    std::string bytes;
    for (int i = 0; i < 100; ++i) bytes += "*2\r\n$3\r\nGET\r\n$" + std::to_string(std::to_string(i).size()) + "\r\n" + std::to_string(i) + "\r\n";
    bytes += std::string("*1\r\n$3\r\na\0b\r\n", 14);
    auto r = parseAll(bytes, 5);
    REQUIRE(r.requests.size() == 101);
    CHECK(r.requests[42][1] == "42");
    CHECK(r.requests[100][0] == std::string("a\0b", 3));
}

TEST_CASE("inline commands are split like Redis's sdssplitargs") {
    auto r = parseAll("PING\r\nSET  k  \"a b\\x41\\n\"\r\nECHO 'it\\'s'\n\r\n\n");
    CHECK(r.error.empty());
    REQUIRE(r.requests.size() == 3);
    CHECK(r.requests[0] == std::vector<std::string>{"PING"});
    CHECK(r.requests[1] == std::vector<std::string>{"SET", "k", "a bA\n"});
    CHECK(r.requests[2] == std::vector<std::string>{"ECHO", "it's"});
}

TEST_CASE("inline and RESP requests mix on one connection") {
    auto r = parseAll("PING\r\n*1\r\n$4\r\nPING\r\nECHO x\r\n", 3);
    REQUIRE(r.requests.size() == 3);
    CHECK(r.requests[2] == std::vector<std::string>{"ECHO", "x"});
}

TEST_CASE("empty and negative array headers are skipped, as Redis does") {
    auto r = parseAll("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
    CHECK(r.error.empty());
    REQUIRE(r.requests.size() == 1);
}

TEST_CASE("malformed requests get Redis's exact protocol errors") {
    struct Case {
        std::string bytes, error;
    };
    std::vector<Case> cases = {
        {"*abc\r\n", "ERR Protocol error: invalid multibulk length"},
        {"*01\r\n", "ERR Protocol error: invalid multibulk length"},
        {"*+1\r\n", "ERR Protocol error: invalid multibulk length"},
        {"*3\r\n$3\r\nSET\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
        {"*1\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"},
        {"*2\r\n$1\r\na\r\n+OK\r\n", "ERR Protocol error: expected '$', got '+'"},
        {"*1\r\nPING\r\n", "ERR Protocol error: expected '$', got 'P'"},
        {"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
        {"*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"},
        {"*1\r\n$600000000\r\n", "ERR Protocol error: invalid bulk length"},
        {"PING \"a\r\n", "ERR Protocol error: unbalanced quotes in request"},
        {"PING \"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request"},
        {"PING 'a\r\n", "ERR Protocol error: unbalanced quotes in request"},
    };
    for (auto& c : cases) {
        for (std::size_t chunk : {0u, 1u}) {
            CAPTURE(c.bytes);
            CAPTURE(chunk);
            CHECK(parseAll(c.bytes, chunk).error == c.error);
        }
    }
}

TEST_CASE("requests before a protocol error are still delivered") {
    auto r = parseAll("*1\r\n$4\r\nPING\r\n*1\r\n:5\r\n");
    CHECK(r.requests.size() == 1);
    CHECK(r.error == "ERR Protocol error: expected '$', got ':'");
}

TEST_CASE("a huge announced bulk length is refused from its header, before its bytes") {
    RequestParser p;
    std::string head = "*1\r\n$536870913\r\n";
    p.feed(head.data(), head.size());
    CHECK(p.next() == Status::Error);
    CHECK(p.error() == "ERR Protocol error: invalid bulk length");
}

TEST_CASE("a header with no line end is refused once it passes 64 KiB") {
    std::string inl(70000, 'a');
    CHECK(parseAll(inl).error == "ERR Protocol error: too big inline request");
    CHECK(parseAll("*" + std::string(70000, '1')).error == "ERR Protocol error: too big mbulk count string");
    CHECK(parseAll("*1\r\n$" + std::string(70000, '1')).error == "ERR Protocol error: too big bulk count string");
}

TEST_CASE("unauthenticated clients get Redis's stricter limits") {
    CHECK(parseAll("*11\r\n", 0, true).error == "ERR Protocol error: unauthenticated multibulk length");
    CHECK(parseAll("*2\r\n$4\r\nAUTH\r\n$20000\r\n", 0, true).error == "ERR Protocol error: unauthenticated bulk length");
    std::string big(20000, 'x');
    CHECK(parseAll("*2\r\n$4\r\nAUTH\r\n$20000\r\n" + big + "\r\n", 0, true).error ==
          "ERR Protocol error: unauthenticated bulk length");
    CHECK(parseAll("*11\r\n", 0, false).error.empty());
}

TEST_CASE("the parser stays in error after a protocol error") {
    RequestParser p;
    std::string bad = "*x\r\n*1\r\n$4\r\nPING\r\n";
    p.feed(bad.data(), bad.size());
    CHECK(p.next() == Status::Error);
    CHECK(p.next() == Status::Error);
}

TEST_CASE("a long inline stream does not grow the buffer without bound") {
    RequestParser p;
    std::string line = "PING\r\n";
    for (int i = 0; i < 20000; ++i) {
        p.feed(line.data(), line.size());
        REQUIRE(p.next() == Status::Request);
        REQUIRE(p.next() == Status::NeedMore);
    }
    CHECK(p.pending() == 0);
}

TEST_CASE("the multibulk header ends at '\\r' and any byte, as in Redis") {
    auto r = parseAll("*1\rX$4\r\nPING\r\n", 1);
    CHECK(r.error.empty());
    REQUIRE(r.requests.size() == 1);
    CHECK(r.requests[0] == std::vector<std::string>{"PING"});
}

TEST_CASE("a NUL byte hides the line end, as Redis's strchr does") {
    RequestParser p;
    std::string bytes("ECHO a\0b\r\nPING\r\n", 16);
    p.feed(bytes.data(), bytes.size());
    CHECK(p.next() == Status::NeedMore);  // waits, as Redis does
    std::string more(70000, 'x');
    p.feed(more.data(), more.size());
    CHECK(p.next() == Status::Error);
    CHECK(p.error() == "ERR Protocol error: too big inline request");
    CHECK(parseAll(std::string("*1\0\r\n", 5) + std::string(70000, 'x')).error ==
          "ERR Protocol error: too big mbulk count string");
}
