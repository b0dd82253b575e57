#pragma once
// The inside of a MiniSentinel. One SentinelCore is an actor: all its state
// lives on its own loop thread (timers, commands, messages from other
// Sentinels); the public MiniSentinel reaches it with Server::runSync.
//
// Sentinels talk to each other only by posting messages to each other's
// loops, mirroring what real ones send over TCP: the hello (discovery, epochs,
// the master's configuration) and IS-MASTER-DOWN-BY-ADDR (down state and
// votes). They read data nodes directly through MiniRedisCore's thread-safe
// calls, and change them (promote, re-point, kill clients) the same way.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sentinelpool/testing/mini_sentinel.hpp"
#include "server/server.hpp"

namespace sentinelpool::testing::detail {

class MiniRedisCore;
class SentinelCore;

const CommandTable& sentinelCommands();
void registerSentinelCommands(CommandTable& t);
// A 7.0 Sentinel's ACL categories (ACL CAT), and the commands and
// sub-commands ("client|kill") of one of them as a Sentinel lists them
// (ACL CAT <category>, COMMAND LIST FILTERBY ACLCAT); false for an unknown
// category (case-insensitive, as Redis).
const std::vector<const char*>& sentinelAclCategories();
bool sentinelAclCategory(const CommandTable& table, std::string_view category, std::vector<std::string>& out);

// What a Sentinel knows of one data node (a master or a replica).
struct NodeView {
    std::string ip;
    int port = 0;
    std::string runId;
    bool isMaster = false;  // the role the configuration gives it
    bool sdown = false;
    std::int64_t sdownSinceMs = 0;
    bool disconnected = true;
    std::int64_t lastOkMs = 0;       // last valid reply
    std::int64_t lastPingMs = 0;     // last reply of any kind
    std::int64_t lastCheckMs = 0;    // last PING/INFO sent (a check)
    std::int64_t infoRefreshMs = 0;  // last role/replication read
    std::int64_t createdMs = 0;
    bool roleKnown = false;
    bool reportsMaster = true;  // role-reported
    std::int64_t roleReportedMs = 0;
    std::string masterHost;     // replicas: what they replicate from
    int masterPort = 0;
    bool linkUp = false;
    std::int64_t linkDownSinceMs = -1;
    int priority = 100;
    std::int64_t offset = 0;
    // Failover flags of a replica.
    bool promoted = false, reconfSent = false, reconfInprog = false, reconfDone = false;
    std::int64_t wrongRoleSinceMs = -1;  // a replica reporting master, or re-pointed elsewhere

    std::string key() const;  // "ip:port"
};

struct PeerView {
    std::weak_ptr<SentinelCore> core;
    std::string runId, ip;
    int port = 0;
    bool sdown = false;
    std::int64_t lastOkMs = 0;
    std::int64_t lastHelloMs = 0;
    bool masterDown = false;  // its last IS-MASTER-DOWN-BY-ADDR answer
    std::int64_t downReplyMs = 0;
    std::string leader;  // its last vote
    std::uint64_t leaderEpoch = 0;
};

enum class FailoverState { None, WaitStart, SelectSlave, SendSlaveofNoone, WaitPromotion, ReconfSlaves, UpdateConfig };
const char* failoverStateName(FailoverState s);

struct MasterView {
    std::string name;
    NodeView node;
    int quorum = 2;
    std::int64_t downAfterMs = 30000;
    std::int64_t failoverTimeoutMs = 180000;
    int parallelSyncs = 1;
    std::string authUser, authPass;
    std::map<std::string, std::string> extraOptions;  // scripts, rename-command...
    std::uint64_t configEpoch = 0;
    std::uint64_t advertisedEpoch = 0;  // what hellos carry until the switch is announced
    bool odown = false;
    std::int64_t odownSinceMs = 0;
    std::vector<NodeView> replicas;  // in discovery order, like Sentinel's events
    std::vector<PeerView> peers;
    // This Sentinel's vote for this master.
    std::string leader;
    std::uint64_t leaderEpoch = 0;
    // Failover (this Sentinel as leader or candidate).
    FailoverState state = FailoverState::None;
    std::uint64_t failoverEpoch = 0;
    std::int64_t stateSinceMs = 0;
    std::int64_t failoverStartMs = 0;
    std::int64_t nextFailoverAllowedMs = 0;
    std::int64_t odownSeenMs = -1;  // when this Sentinel first saw odown (election stagger)
    bool forced = false;
    std::string promoted;  // replica key
    std::int64_t promotedMs = 0;
    std::int64_t promotionDueMs = 0;

    std::string describe() const;  // "master mymaster 127.0.0.1 6379"
    NodeView* replica(const std::string& key);
};

// Messages between Sentinels.
struct Hello {
    std::string runId, ip;
    int port = 0;
    std::uint64_t currentEpoch = 0;
    std::string masterName, masterIp;
    int masterPort = 0;
    std::uint64_t masterConfigEpoch = 0;
    std::weak_ptr<SentinelCore> from;
};

class SentinelCore final : public ServerApp, public std::enable_shared_from_this<SentinelCore> {
public:
    explicit SentinelCore(MiniSentinelOptions options);
    ~SentinelCore() override;

    static SentinelCore& of(Call& call) { return static_cast<SentinelCore&>(call.server.app()); }

    // ---- lifecycle (any thread) ----
    void start();
    void stop();
    Server& server() { return server_; }
    const std::string& runId() const { return runId_; }
    // INFO's run_id: the process's, new at every start (not MYID).
    const std::string& processRunId() const { return processRunId_; }
    const std::string& host() const { return options_.host; }
    int port() const { return server_.port(); }
    const SentinelTiming& timing() const { return options_.timing; }

    // ---- ServerApp ----
    std::string_view mode() const override { return "sentinel"; }
    std::string_view role() const override { return {}; }
    void onStop() override;

    // ---- loop thread (commands, runSync from the public API) ----
    // Errors are Redis's reply texts without '-'; empty on success.
    std::string monitor(const std::string& name, const std::string& ip, int port, int quorum,
                        std::int64_t downAfterMs, bool publish = true);
    std::string remove(const std::string& name);
    std::string setOption(MasterView& m, const std::string& option, const std::string& value);
    // SENTINEL SET name rename-command <command> <renamed>.
    void renameCommand(MasterView& m, const std::string& option, const std::string& command,
                       const std::string& renamed);
    // SENTINEL CONFIG GET/SET: the global parameters, in Redis's order.
    const std::vector<std::pair<std::string, std::string>>& globalConfig() const { return config_; }
    // Error text (without '-') or empty on success.
    std::string setGlobalConfig(const std::string& name, const std::string& value);
    bool resolveHostnames() const;
    int reset(const std::string& pattern);
    std::string startManualFailover(const std::string& name);
    MasterView* master(const std::string& name);
    const std::map<std::string, std::unique_ptr<MasterView>>& masters() const { return masters_; }
    // The address clients are given: the promoted replica from
    // +failover-state-reconf-slaves on, as a real leader does.
    std::pair<std::string, int> currentAddress(const MasterView& m) const;
    std::uint64_t currentEpoch() const { return currentEpoch_; }
    bool tilted() const { return tilt_; }
    // Running and not crashed (SHUTDOWN, SIMULATE-FAILURE): what other
    // Sentinels see when they ping this one. Any thread.
    bool alive() const { return server_.running() && !crashed_.load(); }
    std::int64_t tiltSinceMs() const { return tiltSinceMs_; }
    unsigned simulateFailureFlags() const { return simFailure_; }
    void setSimulateFailureFlags(unsigned f) { simFailure_ = f; }
    std::int64_t startedMs() const { return startedMs_; }
    // IS-MASTER-DOWN-BY-ADDR: this Sentinel's down state and vote.
    struct DownAnswer {
        bool down = false;
        std::string leader = "*";
        std::uint64_t leaderEpoch = 0;
    };
    DownAnswer isMasterDownByAddr(const std::string& ip, int port, std::uint64_t epoch, const std::string& runId);
    // A usable count for CKQUORUM: this Sentinel plus the others not down.
    int usableSentinels(const MasterView& m) const;
    std::vector<SentinelEvent> events() const { return events_; }
    void clearEvents() { events_.clear(); }

    // Faults (loop thread).
    void dropEvents(const std::string& channel, int count) { drops_[channel] = count; }
    void delayEvents(const std::string& channel, std::int64_t ms) { delays_[channel] = ms; }
    void setFrozen(bool on);
    void enterTilt(std::int64_t periodMs);
    void resumeFaults();
    void simulateCrash();  // SIMULATE-FAILURE: the process "exits"

    // Messages from other Sentinels (posted to this loop).
    void receiveHello(const Hello& h);
    void receiveAskDown(const std::weak_ptr<SentinelCore>& from, const std::string& masterName, const std::string& ip,
                        int port, std::uint64_t epoch, const std::string& candidate);
    void receiveDownReply(const std::string& fromRunId, const std::string& masterName, bool down,
                          const std::string& leader, std::uint64_t leaderEpoch);

private:
    friend struct FailoverEngine;
    void tick();
    void scheduleTick();
    void checkMaster(MasterView& m, std::int64_t now);
    void checkNode(MasterView& m, NodeView& n, std::int64_t now);
    void checkPeers(MasterView& m, std::int64_t now);
    void checkOdown(MasterView& m, std::int64_t now);
    void checkReplicaRoles(MasterView& m, std::int64_t now);
    void discoverPeers(MasterView& m);
    void sendHellos(MasterView& m);
    void askPeers(MasterView& m, const std::string& candidate);
    void applyConfig(MasterView& m, const std::string& ip, int port, std::uint64_t configEpoch, const PeerView* from);
    void switchToAddress(MasterView& m, const std::string& ip, int port);
    void publishEvent(const std::string& channel, const std::string& payload);
    void scheduleStep(const std::string& name, std::int64_t delayMs);
    PeerView* peer(MasterView& m, const std::string& runId);
    std::string describeReplica(const MasterView& m, const NodeView& n) const;
    std::string describePeer(const MasterView& m, const PeerView& p) const;
    void registerInDirectory(const MasterView& m);
    void unregisterFromDirectory(const std::string& name);

    // Failover (sentinel_failover.cpp).
    void startFailover(MasterView& m, bool forced, std::int64_t now);
    void stepFailover(MasterView& m, std::int64_t now);
    void abortFailover(MasterView& m, const char* why);
    NodeView* selectReplica(MasterView& m);
    void voteFor(MasterView& m, const std::string& candidate, std::uint64_t epoch);
    // This Sentinel's place among the live ones (by run id) times the
    // election stagger: when two would try at once, the lower goes first.
    std::int64_t staggerMs(const MasterView& m) const;
    std::string electedLeader(MasterView& m, std::uint64_t epoch, int& votes);
    void bumpEpoch(std::uint64_t epoch, const MasterView& m);

    MiniSentinelOptions options_;
    std::string runId_;
    std::string processRunId_;
    std::vector<std::pair<std::string, std::string>> config_ = {
        {"resolve-hostnames", "no"}, {"announce-hostnames", "no"}, {"announce-ip", ""},
        {"announce-port", "0"},      {"sentinel-user", ""},        {"sentinel-pass", ""}};
    std::uint64_t currentEpoch_ = 0;
    std::map<std::string, std::unique_ptr<MasterView>> masters_;
    std::vector<SentinelEvent> events_;
    std::map<std::string, int> drops_;
    std::map<std::string, std::int64_t> delays_;
    bool frozen_ = false;
    std::vector<Hello> missedHellos_;
    bool tilt_ = false;
    std::int64_t tiltSinceMs_ = -1;
    std::int64_t tiltUntilMs_ = 0;
    unsigned simFailure_ = 0;
    std::atomic<bool> crashed_{false};
    std::int64_t startedMs_ = 0;
    std::uint64_t ticks_ = 0;
    std::uint64_t tickTimer_ = 0;

    Server server_;  // last: its loop runs code that uses the members above
};

// Which Sentinels announce hellos for a master (name @ address): how
// Sentinels of a process find each other, as hellos on the master's
// __sentinel__:hello channel do between processes. Thread-safe.
class SentinelDirectory {
public:
    static SentinelDirectory& instance();
    void add(const std::string& key, const std::shared_ptr<SentinelCore>& s);
    void remove(const std::string& key, const SentinelCore* s);
    void removeAll(const SentinelCore* s);
    std::vector<std::shared_ptr<SentinelCore>> find(const std::string& key);
    static std::string key(const std::string& name, const std::string& ip, int port);

private:
    std::mutex mu_;
    std::multimap<std::string, std::weak_ptr<SentinelCore>> entries_;
};

}  // namespace sentinelpool::testing::detail
