#pragma once
// The command table of an embedded server: names, arities and flags checked
// in one place (Server::dispatch), handlers registered by one file per
// command group. Built once before the server starts; read-only afterwards
// except for the per-command call counters.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentinelpool::testing::detail {

class Server;
struct Peer;
class Reply;
struct Command;

enum CommandFlag : unsigned {
    kCmdWrite = 1u << 0,    // refused on a read-only replica; replicated
    kCmdNoAuth = 1u << 1,   // allowed before authentication
    kCmdPubSub = 1u << 2,   // allowed in RESP2 subscribed context
    kCmdAdmin = 1u << 3,
    kCmdFast = 1u << 4,
    kCmdNoLock = 1u << 5,   // the app runs it without its data lock
};

// One command invocation, on the loop thread of the server.
struct Call {
    Server& server;
    Peer& peer;
    const std::vector<std::string_view>& argv;
    Reply& reply;
    const Command& cmd;

    std::size_t argc() const { return argv.size(); }
    std::string_view arg(std::size_t i) const { return argv[i]; }
    // Case-insensitive comparison of argument i with a keyword.
    bool is(std::size_t i, std::string_view keyword) const;
};

using Handler = std::function<void(Call&)>;

struct CommandDoc {
    std::string summary;
    std::string since;
    std::string group;
    std::string complexity;
};

struct Command {
    std::string name;  // lower case; "client|setname" for a sub-command
    int arity = 0;     // Redis convention: N exact, -N at least N
    unsigned flags = 0;
    Handler handler;
    CommandDoc doc;
    std::map<std::string, std::unique_ptr<Command>> subcommands;
    std::size_t id = 0;  // dense index, for per-server counters
    // COMMAND INFO's first key, last key (-1: the last argument, -2: the one
    // before) and step; all 0: no keys. keySpecSet false: derived from the
    // group (the older string/hash/generic commands).
    int firstKey = 0, lastKey = 0, keyStep = 0;
    bool keySpecSet = false;
    bool movableKeys = false;  // keys found by parsing (ZUNION numkeys, SORT ... STORE)

    // Chained after CommandTable::add: t.add(...).keys(1, -1, 1).
    Command& keys(int first, int last, int step, bool movable = false) {
        firstKey = first;
        lastKey = last;
        keyStep = step;
        movableKeys = movable;
        keySpecSet = true;
        return *this;
    }

    bool isContainer() const { return !subcommands.empty(); }
};

class CommandTable {
public:
    Command& add(std::string name, int arity, unsigned flags, Handler handler, CommandDoc doc = {});
    // A container command (CLIENT, CONFIG, ...) is added with a null handler
    // and its sub-commands here; `sub` is the bare sub-command name.
    Command& addSub(const std::string& parent, const std::string& sub, int arity, unsigned flags,
                    Handler handler, CommandDoc doc = {});
    // Case-insensitive; nullptr when unknown.
    const Command* find(std::string_view name) const;
    static const Command* findSub(const Command& parent, std::string_view sub);
    const std::map<std::string, std::unique_ptr<Command>>& all() const { return commands_; }
    // Number of commands and sub-commands (ids are 0..count()-1).
    std::size_t count() const { return count_; }
    // "get", "client|setname"; nullptr when unknown.
    const Command* findFullName(std::string_view name) const;

private:
    std::map<std::string, std::unique_ptr<Command>> commands_;
    std::size_t count_ = 0;
};

// Redis's error texts, shared by every command group.
namespace err {
inline constexpr const char* kSyntax = "ERR syntax error";
inline constexpr const char* kNotInt = "ERR value is not an integer or out of range";
inline constexpr const char* kNotFloat = "ERR value is not a valid float";
inline constexpr const char* kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char* kNoAuth = "NOAUTH Authentication required.";
inline constexpr const char* kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr const char* kReadOnly = "READONLY You can't write against a read only replica.";
inline constexpr const char* kOverflow = "ERR increment or decrement would overflow";
inline constexpr const char* kNoSuchKey = "ERR no such key";
inline constexpr const char* kDbIndex = "ERR DB index is out of range";
}  // namespace err

std::string wrongArity(std::string_view name);

}  // namespace sentinelpool::testing::detail
