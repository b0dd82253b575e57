// CONFIG parameters whose parsing and normalisation MiniRedis copies from
// Redis 7.0.15: notify-keyspace-events, client-output-buffer-limit, the
// encoding thresholds and their aliases, proto-max-bulk-len.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "miniredis_diff.hpp"

using sentinelpool::test::MiniRedisDiff;
using sentinelpool::test::MiniRedisDiffServers;

TEST_CASE("config: notify-keyspace-events is validated and normalised as Redis does") {
    MiniRedisDiffServers s;
    MiniRedisDiff d(s);
    for (const char* flags : {"", "KA", "AK", "EA", "gK", "gKn", "AKEmn", "xe$", "d", "n", "m", "Km", "lshzxetd",
                              "KEA", "Ag$lshzxeKEtmdn", "Q", "K A", "a"}) {
        d({"CONFIG", "SET", "notify-keyspace-events", flags});
        d({"CONFIG", "GET", "notify-keyspace-events"});
    }
}

TEST_CASE("config: client-output-buffer-limit is validated, merged and normalised as Redis does") {
    MiniRedisDiffServers s;
    MiniRedisDiff d(s);
    d({"CONFIG", "GET", "client-output-buffer-limit"});
    for (const char* v : {"pubsub 1mb", "foo 1 2 3", "master 1 2 3", "pubsub 1mb 2mb x", "pubsub -1 2 3",
                          "pubsub 1 2 -3", "pubsub 1mb 512kb 10", "replica 1 2 3 normal 5 6 7", "slave 1gb 2k 0",
                          "PUBSUB 1 1 1", "", "  normal   0 0 0  "}) {
        d({"CONFIG", "SET", "client-output-buffer-limit", v});
        d({"CONFIG", "GET", "client-output-buffer-limit"});
    }
}

TEST_CASE("config: encoding thresholds take their aliases and bounds") {
    MiniRedisDiffServers s;
    MiniRedisDiff d(s);
    for (const char* name : {"hash-max-listpack-entries", "hash-max-ziplist-entries", "hash-max-listpack-value",
                             "hash-max-ziplist-value", "list-max-listpack-size", "list-max-ziplist-size",
                             "list-compress-depth", "set-max-intset-entries", "zset-max-listpack-entries",
                             "zset-max-ziplist-entries", "zset-max-listpack-value", "zset-max-ziplist-value",
                             "stream-node-max-bytes", "stream-node-max-entries", "hll-sparse-max-bytes",
                             "proto-max-bulk-len"}) {
        d({"CONFIG", "GET", name});
        for (const char* v : {"-1", "0", "7", "1kb", "x", "2147483648", "-2147483649", "9223372036854775807"}) {
            d({"CONFIG", "SET", name, v});
            d({"CONFIG", "GET", name});
        }
    }
}

int main(int argc, char** argv) { return sentinelpool::test::miniredisDiffMain(argc, argv); }
