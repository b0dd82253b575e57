#pragma once
// Test-side clients for the embedded servers:
// - RawClient speaks bytes: send exactly what a test wants (garbage
//   included) and read back one reply as its exact bytes, to compare with
//   what Redis sends.
// - Hiredis wraps a hiredis context for tests that go through the client
//   library real users have.
// Both block with timeouts (poll), never sleep.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis.h>

namespace sentinelpool::test {

// Length of the first complete RESP2/RESP3 value in buf, 0 if incomplete.
std::size_t respFrameLength(std::string_view buf);

// "\r\n" shown as "\\r\\n" etc., for CAPTURE and failure messages.
std::string escape(std::string_view bytes);

std::string encodeCommand(const std::vector<std::string>& argv);

class RawClient {
public:
    explicit RawClient(int port, const std::string& host = "127.0.0.1");
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void send(std::string_view bytes);
    // One reply as its exact bytes; throws on timeout or EOF.
    std::string reply(int timeoutMs = 5000);
    std::string call(const std::vector<std::string>& argv, int timeoutMs = 5000) {
        send(encodeCommand(argv));
        return reply(timeoutMs);
    }
    // Waits for the server to close the connection; returns what it sent
    // before closing. Throws on timeout.
    std::string readUntilClosed(int timeoutMs = 5000);
    // True if nothing arrives within timeoutMs (for "never answers" checks).
    bool silentFor(int timeoutMs);
    int fd() const { return fd_; }

private:
    bool fill(int timeoutMs);  // false on EOF
    int fd_ = -1;
    std::string buf_;
};

struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

class Hiredis {
public:
    explicit Hiredis(int port, const std::string& host = "127.0.0.1");
    ~Hiredis();
    Hiredis(const Hiredis&) = delete;
    Hiredis& operator=(const Hiredis&) = delete;
    // Null reply (connection error) is returned as nullptr.
    ReplyPtr cmd(const std::vector<std::string>& argv);
    redisContext* get() { return ctx_; }

private:
    redisContext* ctx_ = nullptr;
};

// Short descriptions for checks: "OK", "(nil)", "(integer) 3", "ERR ...".
std::string str(const redisReply* r);

}  // namespace sentinelpool::test
