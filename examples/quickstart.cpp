// Quickstart: an embedded Redis in this process, used through plain hiredis.
// Run it with no servers around: everything it needs starts here.

#include <cstdio>

#include <hiredis.h>

#include "sentinelpool/testing/mini_redis.hpp"

int main() {
    sentinelpool::testing::MiniRedis redis;  // 127.0.0.1, a free port
    std::printf("MiniRedis listening on %s\n", redis.addr().c_str());

    redisContext* c = redisConnect(redis.host().c_str(), redis.port());
    if (!c || c->err) {
        std::fprintf(stderr, "connect failed: %s\n", c ? c->errstr : "out of memory");
        return 1;
    }
    auto* r = static_cast<redisReply*>(redisCommand(c, "SET %s %s", "greeting", "hello from sentinelpool"));
    std::printf("SET greeting -> %s\n", r ? r->str : c->errstr);
    freeReplyObject(r);
    r = static_cast<redisReply*>(redisCommand(c, "GET %s", "greeting"));
    std::printf("GET greeting -> %s\n", r && r->str ? r->str : "(nil)");
    freeReplyObject(r);
    redisFree(c);

    // Tests can read the data directly, without a client.
    bool ok = redis.checkGet("greeting", "hello from sentinelpool").ok();
    std::printf("direct check: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
