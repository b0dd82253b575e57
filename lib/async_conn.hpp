#pragma once
// One RESP connection on a libuv loop, for the watcher: connect with a
// deadline, pipelined commands each with a deadline, pushes (pub/sub
// messages), close. Requests are encoded with hiredis's command formatter
// and replies parsed with its reader.
//
// Lifetime (libuv's rule): created with create(), freed after its handles
// closed. destroy() by the owner: pending callbacks get "closed", the closed
// handler is not called. A failure (I/O error, peer closed, a deadline
// passed): pending callbacks get the reason, then the closed handler, then
// the object destroys itself; the owner must drop its pointer in the closed
// handler. Loop thread only.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <uv.h>

struct redisReader;
struct redisReply;

namespace sentinelpool::detail {

struct ReplyDeleter {
    void operator()(redisReply* r) const;
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

class AsyncConn {
public:
    // error is empty on success.
    using Done = std::function<void(ReplyPtr reply, const std::string& error)>;
    using Push = std::function<void(ReplyPtr reply)>;
    using Closed = std::function<void(const std::string& reason)>;

    static AsyncConn* create(uv_loop_t* loop);

    // ip must be numeric (v4 or v6). timeoutMs 0: no deadline.
    void connect(const std::string& ip, int port, std::uint64_t timeoutMs, std::function<void(const std::string&)> cb);
    // A command whose reply goes to cb. timeoutMs 0: no deadline.
    void command(const std::vector<std::string>& argv, std::uint64_t timeoutMs, Done cb);
    // A command whose replies go to the push handler (SUBSCRIBE ...).
    void send(const std::vector<std::string>& argv);
    void setPushHandler(Push p) { push_ = std::move(p); }
    void setClosedHandler(Closed c) { closed_ = std::move(c); }
    bool connected() const { return state_ == State::Connected; }
    // Shuts the socket down now; see the class comment.
    void destroy();

private:
    AsyncConn() = default;
    ~AsyncConn();
    enum class State { Idle, Connecting, Connected, Closing };
    struct Pending {
        Done cb;
        std::uint64_t deadline;  // uv_now() based, 0: none
    };
    void fail(const std::string& reason);
    void closeHandles();
    void armTimer();
    void write(std::string bytes);
    static void onConnect(uv_connect_t* req, int status);
    static void onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
    static void onAlloc(uv_handle_t* h, std::size_t, uv_buf_t* buf);
    static void onTimer(uv_timer_t* t);
    static void onClose(uv_handle_t* h);

    uv_loop_t* loop_ = nullptr;
    uv_tcp_t tcp_{};
    uv_timer_t timer_{};
    uv_connect_t connectReq_{};
    State state_ = State::Idle;
    int openHandles_ = 0;
    redisReader* reader_ = nullptr;
    std::function<void(const std::string&)> connectCb_;
    std::uint64_t connectDeadline_ = 0;
    std::uint64_t connectTimeoutMs_ = 0;
    std::deque<Pending> pending_;
    Push push_;
    Closed closed_;
    char readBuf_[16 * 1024];
};

// Numeric address check and conversion (no DNS).
bool isNumericHost(const std::string& host);

}  // namespace sentinelpool::detail
