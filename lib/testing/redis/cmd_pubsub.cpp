// Pub/sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, and
// sharded pub/sub: SSUBSCRIBE SUNSUBSCRIBE SPUBLISH PUBSUB SHARDCHANNELS/SHARDNUMSUB.
// Replies are pushes in RESP3 and arrays in RESP2; the subscription count
// includes patterns, as in Redis.

#include <algorithm>

#include "redis/mini_redis_core.hpp"

namespace sentinelpool::testing::detail {

namespace {

void confirm(Call& c, std::string_view kind, const std::string* name, bool shard = false) {
    c.reply.push(3);
    c.reply.bulk(kind);
    if (name)
        c.reply.bulk(*name);
    else
        c.reply.null();
    c.reply.integer(static_cast<long long>(shard ? c.peer.shardChannels.size() : c.peer.classicSubscriptions()));
}

void ssubscribe(Call& c) {
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string ch(c.arg(i));
        c.server.ssubscribe(c.peer, ch);
        confirm(c, "ssubscribe", &ch, true);
    }
}

void sunsubscribe(Call& c) {
    if (c.argc() == 1) {
        if (c.peer.shardChannels.empty()) {
            confirm(c, "sunsubscribe", nullptr, true);
            return;
        }
        for (auto ch : std::set<std::string>(c.peer.shardChannels)) {
            c.server.sunsubscribe(c.peer, ch);
            confirm(c, "sunsubscribe", &ch, true);
        }
        return;
    }
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string ch(c.arg(i));
        c.server.sunsubscribe(c.peer, ch);
        confirm(c, "sunsubscribe", &ch, true);
    }
}

void spublish(Call& c) {
    c.reply.integer(static_cast<long long>(c.server.spublish(c.arg(1), c.arg(2))));
    MiniRedisCore::of(c).touch();  // replicated, as PUBLISH, outside a cluster
}

void pubsubShardchannels(Call& c) {
    if (c.argc() > 3) {
        c.reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(c.arg(1)) +
                      "'. Try PUBSUB HELP.");
        return;
    }
    auto channels = c.server.activeShardChannels(c.argc() == 3 ? c.arg(2) : std::string_view());
    std::sort(channels.begin(), channels.end());
    c.reply.array(channels.size());
    for (auto& ch : channels) c.reply.bulk(ch);
}

void pubsubShardnumsub(Call& c) {
    c.reply.array((c.argc() - 2) * 2);  // a flat array in RESP3 too, as Redis 7.0
    for (std::size_t i = 2; i < c.argc(); ++i) {
        c.reply.bulk(c.arg(i));
        c.reply.integer(static_cast<long long>(c.server.numShardSubscribers(std::string(c.arg(i)))));
    }
}

void subscribe(Call& c) {
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string ch(c.arg(i));
        c.server.subscribe(c.peer, ch);
        confirm(c, "subscribe", &ch);
    }
}

void psubscribe(Call& c) {
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string pat(c.arg(i));
        c.server.psubscribe(c.peer, pat);
        confirm(c, "psubscribe", &pat);
    }
}

void unsubscribe(Call& c) {
    if (c.argc() == 1) {
        if (c.peer.channels.empty()) {
            confirm(c, "unsubscribe", nullptr);
            return;
        }
        for (auto ch : std::set<std::string>(c.peer.channels)) {
            c.server.unsubscribe(c.peer, ch);
            confirm(c, "unsubscribe", &ch);
        }
        return;
    }
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string ch(c.arg(i));
        c.server.unsubscribe(c.peer, ch);
        confirm(c, "unsubscribe", &ch);
    }
}

void punsubscribe(Call& c) {
    if (c.argc() == 1) {
        if (c.peer.patterns.empty()) {
            confirm(c, "punsubscribe", nullptr);
            return;
        }
        for (auto pat : std::set<std::string>(c.peer.patterns)) {
            c.server.punsubscribe(c.peer, pat);
            confirm(c, "punsubscribe", &pat);
        }
        return;
    }
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string pat(c.arg(i));
        c.server.punsubscribe(c.peer, pat);
        confirm(c, "punsubscribe", &pat);
    }
}

void publish(Call& c) {
    c.reply.integer(static_cast<long long>(c.server.publish(c.arg(1), c.arg(2))));
    MiniRedisCore::of(c).touch();  // Redis replicates PUBLISH to replicas
}

void pubsubChannels(Call& c) {
    if (c.argc() > 3) {
        c.reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(c.arg(1)) +
                      "'. Try PUBSUB HELP.");
        return;
    }
    auto channels = c.server.activeChannels(c.argc() == 3 ? c.arg(2) : std::string_view());
    std::sort(channels.begin(), channels.end());
    c.reply.array(channels.size());
    for (auto& ch : channels) c.reply.bulk(ch);
}

void pubsubNumsub(Call& c) {
    c.reply.array((c.argc() - 2) * 2);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        c.reply.bulk(c.arg(i));
        c.reply.integer(static_cast<long long>(c.server.numSubscribers(std::string(c.arg(i)))));
    }
}

void pubsubNumpat(Call& c) { c.reply.integer(static_cast<long long>(c.server.numPatterns())); }

}  // namespace

void registerPubSubCommands(CommandTable& t, bool sentinel) {
    const unsigned ps = kCmdNoLock | kCmdPubSub;
    t.add("subscribe", -2, ps, subscribe, {"Listens for messages published to channels.", "2.0.0", "pubsub", "O(N)"});
    t.add("unsubscribe", -1, ps, unsubscribe, {"Stops listening to messages posted to channels.", "2.0.0", "pubsub", "O(N)"});
    t.add("psubscribe", -2, ps, psubscribe, {"Listens for messages published to channels that match one or more patterns.", "2.0.0", "pubsub", "O(N)"});
    t.add("punsubscribe", -1, ps, punsubscribe, {"Stops listening to messages published to channels that match one or more patterns.", "2.0.0", "pubsub", "O(N+M)"});
    if (sentinel) return;  // a Sentinel has its own PUBLISH and no PUBSUB
    t.add("publish", 3, kCmdFast, publish, {"Posts a message to a channel.", "2.0.0", "pubsub", "O(N+M)"});
    t.add("pubsub", -2, kCmdNoLock, nullptr, {"A container for Pub/Sub commands.", "2.8.0", "pubsub", "Depends on subcommand."});
    t.addSub("pubsub", "channels", -2, kCmdNoLock, pubsubChannels, {"Returns the active channels.", "2.8.0", "pubsub", "O(N)"});
    t.addSub("pubsub", "numsub", -2, kCmdNoLock, pubsubNumsub, {"Returns a count of subscribers to channels.", "2.8.0", "pubsub", "O(N)"});
    t.addSub("pubsub", "numpat", 2, kCmdNoLock, pubsubNumpat, {"Returns a count of unique pattern subscriptions.", "2.8.0", "pubsub", "O(1)"});
    // Sharded pub/sub, as a non-cluster Redis 7.0 serves it: channels of
    // their own, counted on their own, in the subscribed context.
    t.add("ssubscribe", -2, ps, ssubscribe, {"Listens for messages published to shard channels.", "7.0.0", "pubsub", "O(N)"}).keys(1, -1, 1);
    t.add("sunsubscribe", -1, ps, sunsubscribe, {"Stops listening to messages posted to shard channels.", "7.0.0", "pubsub", "O(N)"}).keys(1, -1, 1);
    t.add("spublish", 3, kCmdFast, spublish, {"Post a message to a shard channel", "7.0.0", "pubsub", "O(N)"}).keys(1, 1, 1);
    t.addSub("pubsub", "shardchannels", -2, kCmdNoLock, pubsubShardchannels, {"Returns the active shard channels.", "7.0.0", "pubsub", "O(N)"});
    t.addSub("pubsub", "shardnumsub", -2, kCmdNoLock, pubsubShardnumsub, {"Returns the count of subscribers of shard channels.", "7.0.0", "pubsub", "O(N)"});
}

}  // namespace sentinelpool::testing::detail
