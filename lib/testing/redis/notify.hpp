#pragma once
// Keyspace notifications (notify-keyspace-events): Redis 7.0's event
// classes, and the flag string conversions CONFIG SET / CONFIG GET use.
// MiniRedisCore::notify publishes them.

#include <optional>
#include <string>
#include <string_view>

namespace sentinelpool::testing::detail {

enum NotifyClass : unsigned {
    kNotifyKeyspace = 1u << 0,   // K: __keyspace@<db>__:<key> <event>
    kNotifyKeyevent = 1u << 1,   // E: __keyevent@<db>__:<event> <key>
    kNotifyGeneric = 1u << 2,    // g: del, expire, rename_from, ...
    kNotifyString = 1u << 3,     // $
    kNotifyList = 1u << 4,       // l
    kNotifySet = 1u << 5,        // s
    kNotifyHash = 1u << 6,       // h
    kNotifyZset = 1u << 7,       // z
    kNotifyExpired = 1u << 8,    // x
    kNotifyEvicted = 1u << 9,    // e
    kNotifyStream = 1u << 10,    // t
    kNotifyKeyMiss = 1u << 11,   // m (not in A)
    kNotifyLoaded = 1u << 12,    // module only
    kNotifyModule = 1u << 13,    // d
    kNotifyNew = 1u << 14,       // n (not in A)
    kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZset |
                 kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,  // A
};

// keyspaceEventsStringToFlags: nullopt on a character Redis refuses.
std::optional<unsigned> parseNotifyFlags(std::string_view s);
// keyspaceEventsFlagsToString: what CONFIG GET answers ("AK", not "KA").
std::string formatNotifyFlags(unsigned flags);

}  // namespace sentinelpool::testing::detail
