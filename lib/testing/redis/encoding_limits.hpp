#pragma once
// The CONFIG fields that bound values: those that decide a collection's encoding (and so OBJECT
// ENCODING's answer and, where the encoding fixes it, the reply order),
// with Redis 7.0.15's defaults. MiniRedisCore keeps one, refreshed by
// CONFIG SET; read it with the data lock held.

namespace sentinelpool::testing::detail {

struct EncodingLimits {
    long long hashMaxListpackEntries = 512;  // hash-max-listpack-entries (hash-max-ziplist-entries)
    long long hashMaxListpackValue = 64;     // hash-max-listpack-value (hash-max-ziplist-value)
    long long listMaxListpackSize = -2;      // list-max-listpack-size (list-max-ziplist-size)
    long long listCompressDepth = 0;         // list-compress-depth
    long long setMaxIntsetEntries = 512;     // set-max-intset-entries
    long long zsetMaxListpackEntries = 128;  // zset-max-listpack-entries (zset-max-ziplist-entries)
    long long zsetMaxListpackValue = 64;     // zset-max-listpack-value (zset-max-ziplist-value)
    long long streamNodeMaxBytes = 4096;     // stream-node-max-bytes
    long long streamNodeMaxEntries = 100;    // stream-node-max-entries
    long long hllSparseMaxBytes = 3000;      // hll-sparse-max-bytes
    long long protoMaxBulkLen = 512LL * 1024 * 1024;  // proto-max-bulk-len: the largest string value
};

}  // namespace sentinelpool::testing::detail
