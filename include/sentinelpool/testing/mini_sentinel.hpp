#pragma once
// MiniSentinel: a Redis Sentinel that runs inside your test process, on real
// TCP, monitoring MiniRedis instances of the same process. Clients that
// speak to a Redis 7.0 Sentinel (redis-py, ioredis, Jedis, redis-cli, the
// sentinelpool client) cannot tell it from the real one: same commands,
// reply shapes, error texts and event stream. It fails over on SENTINEL
// FAILOVER, on failover() from the test, or by itself when a master stops
// answering for down-after-milliseconds, with the timing compressed to
// milliseconds by default and stretchable to a real Sentinel's.
//
//     MiniRedis master, replica;
//     replica.replicaOf(master);
//     MiniSentinel s1, s2, s3;
//     for (auto* s : {&s1, &s2, &s3}) s->monitor("mymaster", master, 2);
//     ... or just use Cluster (cluster.hpp) ...
//
// Sentinels that monitor the same master address find each other, as real
// ones do through the hello channel: they count each other for the quorum,
// vote, and share the new configuration after a failover.
//
// Threads: each MiniSentinel runs its own libuv loop thread; every public
// method may be called from any thread.

#include "sentinelpool/export.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sentinelpool::testing {

class MiniRedis;

namespace detail {
class SentinelCore;
}

// How long each phase of a failover takes. The defaults compress a failover
// to a few milliseconds; SentinelTiming::real() stretches each phase to what
// a Redis 7.0 Sentinel was measured to take (shared/reference/perf-baselines.md):
// promotion, then +switch-master from the other Sentinels, then the leader's.
struct SENTINELPOOL_TESTING_API SentinelTiming {
    // How often each Sentinel checks the instances it monitors (its PING and
    // INFO period). Detection of a down master takes down-after plus up to
    // one period.
    std::chrono::milliseconds checkPeriod{5};
    // +selected-slave -> the replica accepts writes (SLAVEOF NO ONE). Real: ~70 ms.
    std::chrono::milliseconds promotion{0};
    // promotion effective -> +promoted-slave on the leader (it polls INFO). Real: ~800 ms.
    std::chrono::milliseconds promotionReported{0};
    // +promoted-slave -> +switch-master on the other Sentinels (hello). Real: ~100 ms.
    std::chrono::milliseconds othersSwitch{0};
    // +promoted-slave -> +failover-end and +switch-master on the leader. Real: ~1100 ms.
    std::chrono::milliseconds leaderSwitch{0};
    // A master left over from a failover (still running, or back) -> +convert-to-slave. Real: ~10 s.
    // Never less than the time a leader needs to announce a promotion
    // (promotion + promotionReported + othersSwitch + two hello periods), so
    // a Sentinel never demotes a replica that was just promoted.
    std::chrono::milliseconds convertOldMaster{0};
    // Between Sentinels seeing odown, lower run ids start their election first
    // (this much apart per rank), so elections do not split. Real: random up to 1 s.
    std::chrono::milliseconds electionStagger{10};

    static SentinelTiming compressed() { return {}; }
    static SentinelTiming real();
};

struct MiniSentinelOptions {
    std::string host = "127.0.0.1";
    int port = 0;              // 0: the kernel picks a free port
    std::string requirePass;   // the Sentinel's own password (not the data nodes')
    SentinelTiming timing;
    bool start = true;
};

// An event as the Sentinel published it: channel and payload.
struct SentinelEvent {
    std::string channel;  // "+switch-master"
    std::string payload;  // "mymaster 127.0.0.1 16700 127.0.0.1 16701"
    std::chrono::steady_clock::time_point at;  // when it was published
};

class SENTINELPOOL_TESTING_API MiniSentinel {
public:
    MiniSentinel();
    explicit MiniSentinel(MiniSentinelOptions options);
    ~MiniSentinel();
    MiniSentinel(const MiniSentinel&) = delete;
    MiniSentinel& operator=(const MiniSentinel&) = delete;

    // ---- lifecycle ----
    // close(): the Sentinel process dies (listener and clients closed); its
    // configuration (monitored masters, epochs, run id) is kept, like its
    // config file. start(): it comes back on the same port and catches up
    // with the other Sentinels.
    void start();
    void close();
    bool running() const;
    std::string host() const;
    int port() const;
    std::string addr() const;
    std::string runId() const;  // SENTINEL MYID; the same across restarts

    // ---- configuration (as SENTINEL MONITOR / SET) ----
    void monitor(const std::string& name, const MiniRedis& master, int quorum,
                 std::chrono::milliseconds downAfter = std::chrono::milliseconds(250));
    void monitor(const std::string& name, const std::string& ip, int port, int quorum,
                 std::chrono::milliseconds downAfter = std::chrono::milliseconds(250));
    void remove(const std::string& name);
    // SENTINEL SET name option value (e.g. "auth-pass", "failover-timeout").
    void set(const std::string& name, const std::string& option, const std::string& value);
    // requirepass of the Sentinel itself (empty: none).
    void requireAuth(const std::string& pass);

    // ---- what it knows ----
    // SENTINEL GET-MASTER-ADDR-BY-NAME, as "ip:port"; nullopt for an unknown name.
    std::optional<std::string> masterAddr(const std::string& name) const;
    std::uint64_t configEpoch(const std::string& name) const;
    std::uint64_t currentEpoch() const;
    bool failoverInProgress(const std::string& name) const;
    // Replicas ("ip:port") and other Sentinels (run ids) it knows for a master.
    std::vector<std::string> knownReplicas(const std::string& name) const;
    std::vector<std::string> knownSentinels(const std::string& name) const;
    // Every event this Sentinel published, in order (for tests).
    std::vector<SentinelEvent> events() const;
    void clearEvents();

    // ---- actions ----
    // As SENTINEL FAILOVER name: false with the reason ("INPROG ...",
    // "NOGOODSLAVE ...") when it cannot start. Returns at once.
    bool failover(const std::string& name, std::string* error = nullptr);

    // ---- faults ----
    // Closes every pub/sub connection (clients' event subscriptions).
    std::size_t dropPubSubClients();
    // The next `count` events named `channel` are not published on this
    // Sentinel (a lost event); count < 0: all of them until resume().
    void dropEvents(const std::string& channel, int count = 1);
    // Events named `channel` reach subscribers `delay` late.
    void delayEvents(const std::string& channel, std::chrono::milliseconds delay);
    // Stops learning configuration changes from the other Sentinels and
    // from its own checks: it keeps answering the address it knows (stale).
    void freeze();
    // Enters TILT (+tilt): it keeps answering but stops acting, for `period`
    // (0: until resume()), then -tilt.
    void tilt(std::chrono::milliseconds period = std::chrono::milliseconds(0));
    // Ends dropEvents, delayEvents, freeze and tilt (applying what it missed).
    void resume();

    detail::SentinelCore& core() { return *core_; }

private:
    std::shared_ptr<detail::SentinelCore> core_;
};

}  // namespace sentinelpool::testing
