#pragma once
// The generic part of an embedded server: one libuv loop on its own thread,
// a listening socket, connections (peers), request parsing, command dispatch
// with the checks every command shares (arity, auth, subscribed context),
// pub/sub delivery, faults, and cross-thread calls. Redis behaviour lives in
// the command groups and in the ServerApp (MiniRedis, MiniSentinel).
//
// Threads: start/stop/post/runSync and the fault setters may be called from
// any thread. Everything else is for the loop thread only (handlers run
// there), unless a comment says otherwise.
//
// libuv rule kept throughout: every handle that was initialised is closed,
// and memory is freed only in its close callback. stop() returns once the
// loop has no handle left and uv_loop_close() succeeded.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <uv.h>

#include "server/command_table.hpp"
#include "common/loop_timers.hpp"
#include "server/request_parser.hpp"
#include "server/resp_writer.hpp"

namespace sentinelpool::testing::detail {

class Server;

// Which clients CLIENT KILL TYPE / closeClients() selects.
enum class ClientType { Normal, PubSub, Any };

struct Peer {
    Server* server = nullptr;
    std::uint64_t id = 0;
    uv_tcp_t tcp{};
    uv_write_t writeReq{};
    RequestParser parser;
    std::string out;       // replies not handed to the socket yet
    std::string inflight;  // bytes of the uv_write in progress
    Reply reply{out};

    bool writing = false;
    bool closing = false;
    bool closeAfterReply = false;
    bool dirty = false;
    bool readPaused = false;
    bool blocked = false;  // waiting (WAIT): input is kept, not processed
    bool overLimit = false;  // past its output buffer limit: closed at the next flush, nothing more written
    std::int64_t softLimitSinceMs = 0;  // when its output went over the soft limit (0: it is not)

    int db = 0;
    bool authenticated = false;
    std::string user = "default";
    std::string name;
    std::string libName, libVer;
    std::string addr, laddr;
    std::int64_t createdMs = 0;
    std::int64_t lastMs = 0;
    std::string lastCmd = "NULL";
    std::set<std::string> channels;
    std::set<std::string> patterns;
    std::set<std::string> shardChannels;  // SSUBSCRIBE

    // App state carried by the connection (MiniRedis: WAIT bookkeeping).
    std::uint64_t lastWriteOffset = 0;

    // Every subscription: what puts a RESP2 client in the subscribed
    // context and in the pubsub client class.
    std::size_t subscriptions() const { return channels.size() + patterns.size() + shardChannels.size(); }
    // What SUBSCRIBE/UNSUBSCRIBE confirmations count (SSUBSCRIBE's count its own).
    std::size_t classicSubscriptions() const { return channels.size() + patterns.size(); }
    std::size_t outputBytes() const { return out.size() + inflight.size(); }
    int proto() const { return reply.proto(); }
};

// What an app (MiniRedis, MiniSentinel) adds to the generic server.
class ServerApp {
public:
    virtual ~ServerApp() = default;
    // An error line to answer instead of running `cmd` (e.g. READONLY), or
    // empty to go on. Called after lookup, arity, auth and context checks.
    virtual std::string precheck(Peer&, const Command&) { return {}; }
    // After every check passed: true if the app took the command instead of
    // running it (MULTI queues it and answers +QUEUED).
    virtual bool queue(Peer&, const Command&, const std::vector<std::string_view>&) { return false; }
    // A command (null: unknown) was refused before it ran (unknown, arity,
    // auth, context, precheck) with `msg`: a transaction being queued is
    // flagged (EXECABORT). True if the app wrote the reply itself.
    virtual bool rejected(Peer&, const Command*, std::string_view) { return false; }
    // Runs the handler. Apps wrap it to lock their state or replicate writes.
    virtual void execute(Call& call) { call.cmd.handler(call); }
    // HELLO's "mode" and "role" (empty role: the field is left out).
    virtual std::string_view mode() const { return "standalone"; }
    virtual std::string_view role() const { return {}; }
    virtual void onPeerClosed(Peer&) {}
    // RESET: the app drops what it keeps for the connection (MULTI, WATCH).
    virtual void onReset(Peer&) {}
    // Called on the loop thread while the server stops, before handles close.
    virtual void onStop() {}
};

// Redis's client-output-buffer-limit classes and one class's limits (bytes;
// 0: none).
enum class OutputClass { Normal = 0, Replica = 1, PubSub = 2 };
struct OutputLimit {
    unsigned long long hard = 0;
    unsigned long long soft = 0;
    long long softSeconds = 0;
};

struct ServerStats {
    std::uint64_t connectionsReceived = 0;
    std::uint64_t connectedClients = 0;
    std::uint64_t commandsProcessed = 0;
    std::uint64_t rejectedConnections = 0;
    std::uint64_t handlerExceptions = 0;  // caught by the exception firewall
    std::uint64_t outputLimitDisconnections = 0;  // client_output_buffer_limit_disconnections
};

class Server {
public:
    Server(const CommandTable& table, ServerApp& app);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds host:port (port 0: the kernel picks) and starts the loop thread.
    // Throws std::runtime_error when the address cannot be bound.
    void start(const std::string& host, int port);
    // Closes the listener and every connection, joins the thread. Idempotent.
    void stop();
    bool running() const { return running_.load(); }
    int port() const { return port_.load(); }
    std::string host() const;
    bool onLoopThread() const { return std::this_thread::get_id() == loopThread_.load(); }

    // Runs fn on the loop thread. Dropped if the server is not running.
    void post(std::function<void()> fn);
    // Runs fn on the loop thread and waits; runs it here when the server is
    // not running or when called from the loop thread itself.
    void runSync(const std::function<void()>& fn);

    // Faults (any thread).
    void setHang(bool on);                // accept and read, never answer
    void setRefuse(bool on);              // close the listening socket
    void setErrorReply(std::string msg);  // every command answers -msg
    bool hung() const { return hang_.load(); }
    std::string errorReply() const;
    bool refusing() const { return refuse_.load(); }
    // Closes matching client connections now; returns how many (any thread).
    std::size_t closeClients(ClientType type);

    // Authentication (any thread). An empty password removes the default
    // user's password; a named user makes authentication required.
    void setDefaultPassword(const std::string& pass);
    void addUser(const std::string& user, const std::string& pass);
    bool checkPassword(const std::string& user, const std::string& pass) const;
    bool defaultUserHasPassword() const;
    std::string defaultPassword() const;
    // "default" and the users added with addUser().
    bool userExists(const std::string& user) const;
    bool authRequiredFor(const Peer& p) const { return authRequired_.load() && !p.authenticated; }

    ServerStats stats() const;
    // Blocks until exactly n clients are connected (any thread, never the
    // loop thread). False on timeout.
    bool waitForClients(std::size_t n, std::int64_t timeoutMs) const;
    // Calls of one command on this server (any thread).
    std::uint64_t commandCalls(const Command& cmd) const { return calls_[cmd.id].load(); }
    std::uint64_t nextClientId() { return nextClientId_.fetch_add(1); }

    // ---- loop thread only ----
    uv_loop_t* loop() { return &loop_; }
    const CommandTable& table() const { return table_; }
    ServerApp& app() { return app_; }
    std::int64_t startedMs() const { return startedMs_; }
    Peer* findPeer(std::uint64_t id);
    template <class F>
    void forEachPeer(F&& f) {
        for (auto& kv : peers_) f(*kv.second);
    }
    void closePeer(Peer& p);
    // The process "dies" without the thread ending (loop thread): listener
    // and every connection closed. stop() still has to be called.
    void killFromLoop();
    void markDirty(Peer& p);
    // The exception firewall's answer: what a command wrote after `mark` is
    // replaced by an error, and the event counted and logged.
    void commandFailed(Peer& p, std::size_t mark, const std::string& what, const char* why);
    // Resumes processing a peer's buffered input (after WAIT or a fault).
    void unblock(Peer& p);

    // Output buffer limits (client-output-buffer-limit), checked whenever a
    // client's output grows, whether or not a write is pending; a client
    // past its limit gets nothing more and is closed at the next flush.
    // Defaults: Redis's (normal none, replica 256mb 64mb 60, pubsub 32mb 8mb 60).
    void setOutputLimit(OutputClass c, OutputLimit limit) { outputLimits_[static_cast<int>(c)] = limit; }
    OutputLimit outputLimit(OutputClass c) const { return outputLimits_[static_cast<int>(c)]; }

    // Pub/sub.
    void subscribe(Peer& p, const std::string& channel);
    void unsubscribe(Peer& p, const std::string& channel);
    void psubscribe(Peer& p, const std::string& pattern);
    void punsubscribe(Peer& p, const std::string& pattern);
    std::size_t publish(std::string_view channel, std::string_view message);
    // Sharded pub/sub (SSUBSCRIBE, SPUBLISH): channels of their own.
    void ssubscribe(Peer& p, const std::string& channel);
    void sunsubscribe(Peer& p, const std::string& channel);
    std::size_t spublish(std::string_view channel, std::string_view message);
    std::vector<std::string> activeShardChannels(std::string_view pattern) const;
    std::size_t numShardSubscribers(const std::string& channel) const;
    std::vector<std::string> activeChannels(std::string_view pattern) const;
    std::size_t numSubscribers(const std::string& channel) const;
    std::size_t numPatterns() const;

    // One-shot timers owned by the server: closed by stop(). Returns an id.
    std::uint64_t setTimeout(std::uint64_t ms, std::function<void()> fn);
    void cancelTimeout(std::uint64_t id);

    static constexpr std::size_t kOutputHighWater = 4 * 1024 * 1024;

private:
    static void onConnection(uv_stream_t* listener, int status);
    static void onAlloc(uv_handle_t*, std::size_t, uv_buf_t* buf);
    static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    static void onWrite(uv_write_t* req, int status);
    static void onAsync(uv_async_t* async);
    static void onPrepare(uv_prepare_t* prepare);

    bool bindListener(std::string& error);
    void closeListener();
    void processInput(Peer& p);
    void resumeReading(Peer& p);
    void dispatch(Peer& p);
    void flush(Peer& p);
    void runTasks();
    void shutdownOnLoop();
    void dropSubscriptions(Peer& p);
    bool checkOutputLimit(Peer& p);
    void reject(Peer& p, std::string_view msg, const Command* cmd = nullptr);
    // Runs fn; an exception is counted and logged, never let out of the loop.
    void guarded(const char* what, const std::function<void()>& fn);

    const CommandTable& table_;
    ServerApp& app_;

    uv_loop_t loop_{};
    uv_async_t async_{};
    uv_prepare_t prepare_{};
    uv_tcp_t* listener_ = nullptr;
    std::thread thread_;
    std::atomic<std::thread::id> loopThread_{};
    std::atomic<bool> running_{false};
    std::atomic<int> port_{0};
    std::string host_;
    std::int64_t startedMs_ = 0;
    mutable std::mutex hostMu_;

    std::mutex lifecycleMu_;  // serialises start() and stop()
    std::mutex tasksMu_;
    std::condition_variable stoppedCv_;
    bool accepting_ = false;   // guarded by tasksMu_: tasks may be queued
    bool loopActive_ = false;  // guarded by tasksMu_: the loop thread runs
    std::vector<std::function<void()>> tasks_;

    std::map<std::uint64_t, std::unique_ptr<Peer>> peers_;
    std::vector<Peer*> dirty_;
    std::unordered_map<std::string, std::vector<Peer*>> channels_;
    std::map<std::string, std::vector<Peer*>> patterns_;
    std::unordered_map<std::string, std::vector<Peer*>> shardChannels_;
    sentinelpool::detail::LoopTimers timers_;
    char readBuf_[64 * 1024];

    std::atomic<bool> hang_{false};
    std::atomic<bool> refuse_{false};
    mutable std::mutex errorMu_;
    std::string errorReply_;
    std::atomic<bool> hasErrorReply_{false};

    mutable std::mutex authMu_;
    std::string defaultPass_;
    bool defaultHasPass_ = false;
    std::map<std::string, std::string> users_;
    std::atomic<bool> authRequired_{false};

    mutable std::mutex clientsMu_;  // with clientsCv_: waitForClients
    mutable std::condition_variable clientsCv_;
    void clientsChanged(long delta);
    std::unique_ptr<std::atomic<std::uint64_t>[]> calls_;
    std::atomic<std::uint64_t> nextClientId_{3};
    std::atomic<std::uint64_t> connectionsReceived_{0};
    std::atomic<std::uint64_t> connectedClients_{0};
    std::atomic<std::uint64_t> commandsProcessed_{0};
    std::atomic<std::uint64_t> rejectedConnections_{0};
    std::atomic<std::uint64_t> handlerExceptions_{0};
    std::atomic<std::uint64_t> outputLimitDisconnections_{0};
    OutputLimit outputLimits_[3] = {{}, {256ULL << 20, 64ULL << 20, 60}, {32ULL << 20, 8ULL << 20, 60}};
};

}  // namespace sentinelpool::testing::detail
