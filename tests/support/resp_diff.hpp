#pragma once
// Comparing what a real Redis binary and an embedded fake (MiniRedis,
// MiniSentinel) answer to the same request, for the `real` test suite.
//
// Replies are parsed into trees (Node) so that values which must differ
// between two servers (run ids, times, client ids, ports) can be compared by
// a mode the test names:
//   Exact      the same bytes
//   Unordered  the same values, elements of every aggregate in any order
//   IgnoreInts the same, except the values of integers
//   Shape      same types, aggregate lengths, map keys, simple strings and
//              errors; the contents of bulk strings and numbers are ignored
// or rewritten first (a port becomes a label) and then compared exactly.

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "resp_client.hpp"

namespace sentinelpool::test {

enum class Mode { Exact, Unordered, IgnoreInts, Shape };

// One RESP2/RESP3 value.
struct Node {
    char type = 0;           // the RESP type byte
    bool null = false;       // "$-1" / "*-1"
    std::string text;        // line, or bulk payload
    std::vector<Node> kids;  // maps: key, value, key, value ...
};

// Parses exactly one value (throws std::runtime_error on truncated input or
// trailing bytes).
Node parse(std::string_view bytes);
Node parseNode(std::string_view bytes, std::size_t& pos);
// The value as RESP bytes again (parse(encode(n)) == n).
std::string encode(const Node& n);
// An encoding with the children of every aggregate sorted (map entries as
// key+value units), so equal multisets encode the same.
std::string canonical(const Node& n);

bool isMap(const Node& n);
bool isAggregate(char type);
bool isNumber(char type);
bool isBulk(char type);  // '$', '=' (verbatim) or '!' (blob error)

// Empty when `mini` matches `redis` under `mode`; else where and how not.
std::string differs(const Node& redis, const Node& mini, Mode mode, const std::string& path);
std::string differs(const std::string& redisBytes, const std::string& miniBytes, Mode mode);

const char* modeName(Mode m);
// A command line for messages: arguments space separated, escaped, long
// ones cut.
std::string describe(const std::vector<std::string>& argv);

// The CHECK every comparison goes through: reports the command, the mode
// and both replies when they differ.
inline void compare(const std::string& what, const std::string& redisBytes, const std::string& miniBytes, Mode mode) {
    std::string why = differs(redisBytes, miniBytes, mode);
    std::string command = what;
    std::string mode_ = modeName(mode);
    std::string redis = escape(redisBytes);
    std::string mini = escape(miniBytes);
    CAPTURE(command);
    CAPTURE(mode_);
    CAPTURE(redis);
    CAPTURE(mini);
    CHECK_MESSAGE(why.empty(), why);
}

}  // namespace sentinelpool::test
