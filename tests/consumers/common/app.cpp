// A consumer's program on sentinelpool: counts its runs in a key on the
// current master of "mymaster", found through the Sentinels named on the
// command line, with getMaster / putMaster and the raw hiredis context.
//   app 127.0.0.1:26379 [127.0.0.1:26380 ...]
#include <cstdio>
#include <utility>

#include <hiredis.h>
#include <sentinelpool/sentinelpool.hpp>

int main(int argc, char** argv) try {
    sentinelpool::Options opts;
    for (int i = 1; i < argc; ++i) {
        auto address = sentinelpool::Address::parse(argv[i]);
        if (!address) {
            std::fprintf(stderr, "not an address: %s\n", argv[i]);
            return 2;
        }
        opts.sentinels.push_back(*address);
    }
    sentinelpool::Client client(opts);

    sentinelpool::Connection c = client.getMaster("mymaster");
    auto* r = static_cast<redisReply*>(redisCommand(c.get(), "INCR %s", "app:runs"));
    bool ok = r && r->type == REDIS_REPLY_INTEGER;
    std::printf("sentinelpool %s, master %s: app:runs = %lld\n", SENTINELPOOL_VERSION_STRING,
                c.address().toString().c_str(), ok ? r->integer : -1);
    freeReplyObject(r);
    client.putMaster("mymaster", std::move(c));
    return ok ? 0 : 1;
} catch (const sentinelpool::Error& e) {
    std::fprintf(stderr, "sentinelpool error: %s\n", e.what());
    return 1;
}
