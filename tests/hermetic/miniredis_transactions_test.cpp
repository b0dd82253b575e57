// MULTI/EXEC/DISCARD/WATCH/UNWATCH on MiniRedis: queueing, EXECABORT,
// errors in place, WATCH broken by each kind of write, atomicity,
// replication as one block, read-only replicas, RESP3.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "resp_client.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

using sentinelpool::test::RawClient;
using sentinelpool::testing::MiniRedis;

TEST_CASE("MULTI queues commands with +QUEUED; EXEC answers every reply in order, errors in place") {
    MiniRedis m;
    RawClient c(m.port());
    CHECK(c.call({"MULTI"}) == "+OK\r\n");
    CHECK(c.call({"INCR", "n"}) == "+QUEUED\r\n");
    CHECK(c.call({"SET", "n", "x"}) == "+QUEUED\r\n");
    CHECK(c.call({"INCR", "n"}) == "+QUEUED\r\n");
    CHECK(c.call({"GET", "n"}) == "+QUEUED\r\n");
    CHECK(c.call({"EXEC"}) == "*4\r\n:1\r\n+OK\r\n-ERR value is not an integer or out of range\r\n$1\r\nx\r\n");
    CHECK(c.call({"MULTI"}) == "+OK\r\n");
    CHECK(c.call({"EXEC"}) == "*0\r\n");
}

TEST_CASE("an error while queueing aborts EXEC with EXECABORT; the rest answer Redis's texts") {
    MiniRedis m;
    RawClient c(m.port());
    SUBCASE("unknown command") {
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"NOPE"}) == "-ERR unknown command 'NOPE', with args beginning with: \r\n");
        CHECK(c.call({"SET", "k", "v"}) == "+QUEUED\r\n");
        CHECK(c.call({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
        CHECK(m.checkNotExists("k"));
    }
    SUBCASE("wrong arity") {
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"GET"}) == "-ERR wrong number of arguments for 'get' command\r\n");
        CHECK(c.call({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
    }
    SUBCASE("EXEC itself refused: the transaction is discarded and says why") {
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"SET", "k", "v"}) == "+QUEUED\r\n");
        CHECK(c.call({"EXEC", "x"}) ==
              "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
        CHECK(c.call({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
        CHECK(m.checkNotExists("k"));
    }
    SUBCASE("nesting, EXEC/DISCARD without MULTI, WATCH inside MULTI") {
        CHECK(c.call({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
        CHECK(c.call({"DISCARD"}) == "-ERR DISCARD without MULTI\r\n");
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"MULTI"}) == "-ERR MULTI calls can not be nested\r\n");
        CHECK(c.call({"WATCH", "k"}) == "-ERR WATCH inside MULTI is not allowed\r\n");
        CHECK(c.call({"SET", "k", "v"}) == "+QUEUED\r\n");
        CHECK(c.call({"EXEC"}) == "*1\r\n+OK\r\n");  // those errors do not abort
    }
    SUBCASE("DISCARD and RESET drop the queue") {
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"SET", "k", "v"}) == "+QUEUED\r\n");
        CHECK(c.call({"DISCARD"}) == "+OK\r\n");
        CHECK(c.call({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"SET", "k", "v"}) == "+QUEUED\r\n");
        CHECK(c.call({"RESET"}) == "+RESET\r\n");
        CHECK(c.call({"EXEC"}) == "-ERR EXEC without MULTI\r\n");
        CHECK(m.checkNotExists("k"));
    }
}

TEST_CASE("WATCH: EXEC answers a null reply once a watched key is touched") {
    MiniRedis m;
    RawClient c(m.port());
    auto watchedExec = [&](auto&& touch, bool broken) {
        CHECK(c.call({"WATCH", "w"}) == "+OK\r\n");
        touch();
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"PING"}) == "+QUEUED\r\n");
        CHECK(c.call({"EXEC"}) == (broken ? "*-1\r\n" : "*1\r\n+PONG\r\n"));
    };
    SUBCASE("untouched") { watchedExec([] {}, false); }
    SUBCASE("FLUSHALL with the key present breaks it; without, it does not") {
        m.set("w", "1");
        watchedExec([&] { RawClient(m.port()).call({"FLUSHALL"}); }, true);
        watchedExec([&] { RawClient(m.port()).call({"FLUSHALL"}); }, false);
    }
    SUBCASE("FLUSHDB of the key's database") {
        m.set("w", "1");
        watchedExec([&] { RawClient(m.port()).call({"FLUSHDB"}); }, true);
    }
    SUBCASE("the direct API's flushAll") {
        m.set("w", "1");
        watchedExec([&] { m.flushAll(); }, true);
    }
    SUBCASE("expiry on the virtual clock (fastForward)") {
        m.set("w", "1");
        m.setTTL("w", std::chrono::milliseconds(1000));
        watchedExec([&] { m.fastForward(std::chrono::milliseconds(2000)); }, true);
    }
    SUBCASE("UNWATCH forgets") {
        m.set("w", "1");
        CHECK(c.call({"WATCH", "w"}) == "+OK\r\n");
        CHECK(c.call({"UNWATCH"}) == "+OK\r\n");
        RawClient(m.port()).call({"FLUSHALL"});
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"EXEC"}) == "*0\r\n");
    }
    SUBCASE("a full resynchronisation of a replica touches what it watched") {
        MiniRedis master;
        m.set("w", "1");
        watchedExec([&] {
            m.replicaOf(master);
            REQUIRE(m.waitForSync());
        }, true);
    }
    SUBCASE("RESP3: the null reply is _") {
        CHECK(c.call({"HELLO", "3"}).rfind("%7\r\n", 0) == 0);
        m.set("w", "1");
        CHECK(c.call({"WATCH", "w"}) == "+OK\r\n");
        RawClient(m.port()).call({"FLUSHALL"});
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"EXEC"}) == "_\r\n");
    }
}

TEST_CASE("blocking commands inside MULTI do not block: WAIT answers at once") {
    MiniRedis m;
    RawClient c(m.port());
    CHECK(c.call({"MULTI"}) == "+OK\r\n");
    CHECK(c.call({"WAIT", "1", "0"}) == "+QUEUED\r\n");
    CHECK(c.call({"EXEC"}, 2000) == "*1\r\n:0\r\n");
}

TEST_CASE("EXEC is atomic: another client never sees half of a transaction") {
    MiniRedis m;
    std::atomic<bool> stop{false};
    std::atomic<int> torn{0}, reads{0};
    std::thread reader([&] {
        RawClient r(m.port());
        while (!stop.load()) {
            std::string got = r.call({"MGET", "a", "b"});
            // "*2\r\n" then two bulks: both the same bytes.
            std::string rest = got.substr(4);
            if (rest.substr(0, rest.size() / 2) != rest.substr(rest.size() / 2)) ++torn;
            ++reads;
        }
    });
    RawClient w(m.port());
    for (int i = 0; i < 300 || reads.load() < 100; ++i) {
        std::string v = std::to_string(1000 + i % 9000);
        w.send(sentinelpool::test::encodeCommand({"MULTI"}) + sentinelpool::test::encodeCommand({"SET", "a", v}) +
               sentinelpool::test::encodeCommand({"SET", "b", v}) + sentinelpool::test::encodeCommand({"EXEC"}));
        CHECK(w.reply() == "+OK\r\n");
        CHECK(w.reply() == "+QUEUED\r\n");
        CHECK(w.reply() == "+QUEUED\r\n");
        CHECK(w.reply() == "*2\r\n+OK\r\n+OK\r\n");
    }
    stop = true;
    reader.join();
    CHECK(torn.load() == 0);
}

TEST_CASE("a transaction's writes replicate as one block; a replica's data equals the master's") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    RawClient c(master.port());
    CHECK(c.call({"MULTI"}) == "+OK\r\n");
    CHECK(c.call({"INCR", "n"}) == "+QUEUED\r\n");
    CHECK(c.call({"SELECT", "3"}) == "+QUEUED\r\n");
    CHECK(c.call({"SET", "in3", "x"}) == "+QUEUED\r\n");
    CHECK(c.call({"INCR", "n"}) == "+QUEUED\r\n");
    CHECK(c.call({"EXEC"}) == "*4\r\n:1\r\n+OK\r\n+OK\r\n:1\r\n");
    REQUIRE(replica.waitForSync());
    CHECK(replica.checkGet("n", "1"));
    replica.select(3);
    CHECK(replica.checkGet("in3", "x"));
    CHECK(replica.checkGet("n", "1"));
    CHECK(master.replication().offset == replica.replication().offset);
}

TEST_CASE("a read-only replica refuses write transactions as Redis does") {
    MiniRedis master, replica;
    replica.replicaOf(master);
    REQUIRE(replica.waitForSync());
    RawClient r(replica.port());
    CHECK(r.call({"MULTI"}) == "+OK\r\n");
    CHECK(r.call({"GET", "k"}) == "+QUEUED\r\n");
    CHECK(r.call({"SET", "k", "v"}) == "-READONLY You can't write against a read only replica.\r\n");
    CHECK(r.call({"EXEC"}) == "-EXECABORT Transaction discarded because of previous errors.\r\n");
    CHECK(r.call({"MULTI"}) == "+OK\r\n");
    CHECK(r.call({"GET", "k"}) == "+QUEUED\r\n");
    CHECK(r.call({"EXEC"}) == "*1\r\n$-1\r\n");
}

TEST_CASE("a client closed in the middle of MULTI or with WATCHed keys leaves nothing behind") {
    MiniRedis m;
    {
        RawClient c(m.port());
        CHECK(c.call({"WATCH", "a", "b"}) == "+OK\r\n");
        CHECK(c.call({"MULTI"}) == "+OK\r\n");
        CHECK(c.call({"SET", "a", "1"}) == "+QUEUED\r\n");
    }
    REQUIRE(m.waitForClients(0));
    RawClient c(m.port());
    CHECK(c.call({"SET", "a", "2"}) == "+OK\r\n");
    CHECK(m.checkGet("a", "2"));
}
