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

// One connection to the real server and one to the fake; every call goes to
// both and the replies are compared (the differential tests' workhorse).
// `realName` and `fakeName` ("Redis", "MiniRedis") name the sides in
// failure messages.
class PairedClients {
public:
    PairedClients(int realPort, int fakePort, std::string realName, std::string fakeName);

    // Sends argv to both, compares one reply.
    void operator()(const std::vector<std::string>& argv, Mode mode = Mode::Exact) { call(argv, 1, mode); }
    // Sends argv to both, compares `replies` replies (SUBSCRIBE a b: 2).
    void call(const std::vector<std::string>& argv, int replies, Mode mode = Mode::Exact);
    // Different arguments for each side (ids, ports), one reply compared.
    void each(const std::vector<std::string>& realArgv, const std::vector<std::string>& fakeArgv,
              Mode mode = Mode::Exact);
    void send(const std::string& bytes);
    // Reads one reply from each side and compares them.
    void expect(const std::string& what, Mode mode = Mode::Exact);
    // One reply from each side (a missing one fails the test).
    std::pair<std::string, std::string> replies(const std::string& what);
    // Sends argv to both; the replies, for checks a mode cannot express.
    std::pair<std::string, std::string> both(const std::vector<std::string>& argv);
    // The same, parsed.
    std::pair<Node, Node> nodes(const std::vector<std::string>& argv);
    // UNSUBSCRIBE / PUNSUBSCRIBE without arguments: `replies` confirmations
    // whose names come in each server's dict order. Compared: the
    // confirmations with the names left out, in order (kinds, counts), and
    // the names in any order.
    void unsubscribeAll(const std::vector<std::string>& argv, int replies);
    // Everything each side sends until it closes the connection: the same.
    void expectClose(const std::string& what);

    RawClient& real() { return real_; }
    RawClient& fake() { return fake_; }

private:
    RawClient real_;
    RawClient fake_;
    std::string realName_, fakeName_;
};

}  // namespace sentinelpool::test
