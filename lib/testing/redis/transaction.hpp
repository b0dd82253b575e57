#pragma once
// MULTI/EXEC/WATCH state of one client, kept by MiniRedisCore under its data
// lock (WATCH is touched by writes from any thread: commands, the direct
// API, expiry, replication). The commands are in cmd_transactions.cpp.

#include <cstdint>
#include <string>
#include <vector>

namespace sentinelpool::testing::detail {

struct Command;

struct QueuedCommand {
    const Command* cmd = nullptr;
    std::vector<std::string> argv;
};

struct WatchedKey {
    int db = 0;
    std::string key;
    bool expired = false;  // already logically expired when WATCHed (Redis 7.0's rule)
};

struct Transaction {
    bool inMulti = false;
    bool dirtyExec = false;  // a command was refused while queueing: EXECABORT
    bool dirtyCas = false;   // a watched key was touched: EXEC answers null
    std::vector<QueuedCommand> queued;
    std::vector<WatchedKey> watched;
};

}  // namespace sentinelpool::testing::detail
