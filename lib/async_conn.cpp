#include "async_conn.hpp"

#include <hiredis.h>

#include <cstring>

namespace sentinelpool::detail {

void ReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }

bool isNumericHost(const std::string& host) {
    sockaddr_in a4{};
    sockaddr_in6 a6{};
    return uv_ip4_addr(host.c_str(), 0, &a4) == 0 || uv_ip6_addr(host.c_str(), 0, &a6) == 0;
}

namespace {
struct WriteReq {
    uv_write_t req{};
    std::string data;
};
}  // namespace

AsyncConn* AsyncConn::create(uv_loop_t* loop) {
    auto* c = new AsyncConn;
    c->loop_ = loop;
    c->reader_ = redisReaderCreate();
    uv_tcp_init(loop, &c->tcp_);
    uv_timer_init(loop, &c->timer_);
    c->tcp_.data = c;
    c->timer_.data = c;
    c->openHandles_ = 2;
    return c;
}

AsyncConn::~AsyncConn() {
    if (reader_) redisReaderFree(reader_);
}

void AsyncConn::connect(const std::string& ip, int port, std::uint64_t timeoutMs,
                        std::function<void(const std::string&)> cb) {
    sockaddr_storage addr{};
    int rc;
    if (ip.find(':') != std::string::npos)
        rc = uv_ip6_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr));
    else
        rc = uv_ip4_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
    connectCb_ = std::move(cb);
    if (rc != 0) {
        fail("invalid address " + ip);
        return;
    }
    state_ = State::Connecting;
    connectReq_.data = this;
    connectTimeoutMs_ = timeoutMs;
    connectDeadline_ = timeoutMs ? uv_now(loop_) + timeoutMs : 0;
    rc = uv_tcp_connect(&connectReq_, &tcp_, reinterpret_cast<const sockaddr*>(&addr), &AsyncConn::onConnect);
    if (rc != 0) {
        fail(uv_strerror(rc));
        return;
    }
    armTimer();
}

void AsyncConn::onConnect(uv_connect_t* req, int status) {
    auto* c = static_cast<AsyncConn*>(req->data);
    if (c->state_ == State::Closing) return;
    if (status < 0) {
        c->fail(uv_strerror(status));
        return;
    }
    c->state_ = State::Connected;
    c->connectDeadline_ = 0;
    uv_tcp_nodelay(&c->tcp_, 1);
    uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp_), &AsyncConn::onAlloc, &AsyncConn::onRead);
    c->armTimer();
    auto cb = std::move(c->connectCb_);
    c->connectCb_ = nullptr;
    if (cb) cb("");
}

void AsyncConn::write(std::string bytes) {
    auto* w = new WriteReq;
    w->data = std::move(bytes);
    w->req.data = w;
    uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
    int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, [](uv_write_t* req, int) {
        delete static_cast<WriteReq*>(req->data);
    });
    if (rc != 0) {
        delete w;
        fail(uv_strerror(rc));
    }
}

namespace {
std::string format(const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    char* cmd = nullptr;
    int n = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), ptrs.data(), lens.data());
    std::string out;
    if (n > 0) out.assign(cmd, static_cast<std::size_t>(n));
    redisFreeCommand(cmd);
    return out;
}
}  // namespace

void AsyncConn::command(const std::vector<std::string>& argv, std::uint64_t timeoutMs, Done cb) {
    if (state_ != State::Connected) {
        cb(nullptr, "not connected");
        return;
    }
    pending_.push_back(Pending{std::move(cb), timeoutMs ? uv_now(loop_) + timeoutMs : 0});
    write(format(argv));
    armTimer();
}

void AsyncConn::send(const std::vector<std::string>& argv) {
    if (state_ != State::Connected) return;
    write(format(argv));
}

void AsyncConn::onAlloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    auto* c = static_cast<AsyncConn*>(h->data);
    *buf = uv_buf_init(c->readBuf_, sizeof c->readBuf_);
}

void AsyncConn::onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    auto* c = static_cast<AsyncConn*>(s->data);
    if (c->state_ == State::Closing) return;
    if (n < 0) {
        c->fail(n == UV_EOF ? "connection closed by the server" : uv_strerror(static_cast<int>(n)));
        return;
    }
    if (n == 0) return;
    redisReaderFeed(c->reader_, buf->base, static_cast<std::size_t>(n));
    for (;;) {
        void* r = nullptr;
        if (redisReaderGetReply(c->reader_, &r) != REDIS_OK) {
            c->fail(std::string("protocol error: ") + c->reader_->errstr);
            return;
        }
        if (!r) break;
        ReplyPtr reply(static_cast<redisReply*>(r));
        if (!c->pending_.empty()) {
            auto cb = std::move(c->pending_.front().cb);
            c->pending_.pop_front();
            cb(std::move(reply), "");
        } else if (c->push_) {
            c->push_(std::move(reply));
        }
        // A callback may have closed us.
        if (c->state_ == State::Closing) return;
    }
    c->armTimer();
}

void AsyncConn::armTimer() {
    if (state_ == State::Closing) return;
    std::uint64_t next = 0;
    if (state_ == State::Connecting) next = connectDeadline_;
    for (auto& p : pending_)
        if (p.deadline && (!next || p.deadline < next)) next = p.deadline;
    if (!next) {
        uv_timer_stop(&timer_);
        return;
    }
    std::uint64_t now = uv_now(loop_);
    uv_timer_start(&timer_, &AsyncConn::onTimer, next > now ? next - now : 0, 0);
}

void AsyncConn::onTimer(uv_timer_t* t) {
    auto* c = static_cast<AsyncConn*>(t->data);
    if (c->state_ == State::Connecting) {
        c->fail("connect timed out after " + std::to_string(c->connectTimeoutMs_) + " ms");
        return;
    }
    std::uint64_t now = uv_now(c->loop_);
    for (auto& p : c->pending_) {
        if (p.deadline && p.deadline <= now) {
            // Replies come in order: a late one makes the connection unusable.
            c->fail("no reply in time");
            return;
        }
    }
    c->armTimer();
}

void AsyncConn::fail(const std::string& reason) {
    if (state_ == State::Closing) return;
    state_ = State::Closing;
    auto pending = std::move(pending_);
    pending_.clear();
    auto connectCb = std::move(connectCb_);
    connectCb_ = nullptr;
    auto closed = std::move(closed_);
    closed_ = nullptr;
    if (connectCb) connectCb(reason);
    for (auto& p : pending) p.cb(nullptr, reason);
    if (closed) closed(reason);
    closeHandles();
}

void AsyncConn::destroy() {
    if (state_ == State::Closing) return;
    state_ = State::Closing;
    auto pending = std::move(pending_);
    pending_.clear();
    auto connectCb = std::move(connectCb_);
    connectCb_ = nullptr;
    closed_ = nullptr;
    push_ = nullptr;
    if (connectCb) connectCb("closed");
    for (auto& p : pending) p.cb(nullptr, "closed");
    closeHandles();
}

void AsyncConn::closeHandles() {
    uv_timer_stop(&timer_);
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &AsyncConn::onClose);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &AsyncConn::onClose);
}

void AsyncConn::onClose(uv_handle_t* h) {
    auto* c = static_cast<AsyncConn*>(h->data);
    if (--c->openHandles_ == 0) delete c;
}

}  // namespace sentinelpool::detail
