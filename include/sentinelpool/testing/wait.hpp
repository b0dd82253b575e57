#pragma once
// Waiting without sleeping: waitUntil re-evaluates a condition each time
// something changes in the embedded servers of this process (a Sentinel
// publishes an event, a node changes role or replication link, a client
// connects or disconnects, a server starts or stops), until it holds or the
// timeout passes.
//
//     CHECK(sentinelpool::testing::waitUntil([&] { return sentinel.masterAddr("mymaster") == newAddr; }));
//
// The condition runs on the calling thread, with no lock held; it may call
// any MiniRedis / MiniSentinel / Cluster method. Any thread.

#include "sentinelpool/export.hpp"

#include <chrono>
#include <functional>

namespace sentinelpool::testing {

SENTINELPOOL_TESTING_API bool waitUntil(const std::function<bool()>& condition,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace sentinelpool::testing
