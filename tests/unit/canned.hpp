#pragma once
// Replies built from raw RESP bytes (e.g. captured from a real Sentinel), for
// the unit tests of the parsers.

#include <memory>
#include <stdexcept>
#include <string>

#include <hiredis.h>

namespace sentinelpool::test {

struct FreeReply {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Canned = std::unique_ptr<redisReply, FreeReply>;

inline Canned fromBytes(const std::string& bytes) {
    redisReader* r = redisReaderCreate();
    redisReaderFeed(r, bytes.data(), bytes.size());
    void* reply = nullptr;
    if (redisReaderGetReply(r, &reply) != REDIS_OK || !reply) {
        redisReaderFree(r);
        throw std::runtime_error("incomplete or invalid RESP in a canned reply");
    }
    redisReaderFree(r);
    return Canned(static_cast<redisReply*>(reply));
}

}  // namespace sentinelpool::test
