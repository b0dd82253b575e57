#include "resp_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sentinelpool::test {

namespace {

// Parses one value starting at pos; returns the position after it or npos.
std::size_t skipValue(std::string_view b, std::size_t pos) {
    if (pos >= b.size()) return std::string_view::npos;
    char type = b[pos];
    std::size_t eol = b.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::string_view::npos;
    std::string_view head = b.substr(pos + 1, eol - pos - 1);
    std::size_t next = eol + 2;
    switch (type) {
    case '+': case '-': case ':': case '_': case ',': case '#': case '(':
        return next;
    case '$': case '=': case '!': {
        long long n = std::stoll(std::string(head));
        if (n < 0) return next;
        std::size_t end = next + static_cast<std::size_t>(n) + 2;
        return end <= b.size() ? end : std::string_view::npos;
    }
    case '*': case '~': case '>': case '%': case '|': {
        long long n = std::stoll(std::string(head));
        if (type == '%' || type == '|') n *= 2;
        std::size_t p = next;
        for (long long i = 0; i < n; ++i) {
            p = skipValue(b, p);
            if (p == std::string_view::npos) return p;
        }
        if (type == '|') return skipValue(b, p);  // an attribute precedes a value
        return p;
    }
    default:
        throw std::runtime_error("not RESP: " + escape(b.substr(pos, 40)));
    }
}

}  // namespace

std::size_t respFrameLength(std::string_view buf) {
    std::size_t end = skipValue(buf, 0);
    return end == std::string_view::npos ? 0 : end;
}

std::string escape(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        if (c == '\r')
            out += "\\r";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\\')
            out += "\\\\";
        else if (c < 32 || c >= 127) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else
            out += static_cast<char>(c);
    }
    return out;
}

std::string encodeCommand(const std::vector<std::string>& argv) {
    std::string out = "*" + std::to_string(argv.size()) + "\r\n";
    for (auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    return out;
}

RawClient::RawClient(int port, const std::string& host) {
    fd_ = ::socket(host.find(':') == std::string::npos ? AF_INET : AF_INET6, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc;
    if (host.find(':') == std::string::npos) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, host.c_str(), &a.sin_addr);
        rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    } else {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET6, host.c_str(), &a.sin6_addr);
        rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    if (rc != 0) {
        int e = errno;
        ::close(fd_);
        throw std::runtime_error("connect to " + host + ":" + std::to_string(port) + " failed: " + std::strerror(e));
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) ::close(fd_);
}

void RawClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool RawClient::fill(int timeoutMs) {
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, timeoutMs);
    if (rc == 0) throw std::runtime_error("timed out waiting for the server; have: " + escape(buf_));
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
}

std::string RawClient::reply(int timeoutMs) {
    for (;;) {
        if (std::size_t len = respFrameLength(buf_)) {
            std::string r = buf_.substr(0, len);
            buf_.erase(0, len);
            return r;
        }
        if (!fill(timeoutMs)) throw std::runtime_error("connection closed; have: " + escape(buf_));
    }
}

std::string RawClient::readUntilClosed(int timeoutMs) {
    while (fill(timeoutMs)) {
    }
    std::string all;
    all.swap(buf_);
    return all;
}

bool RawClient::silentFor(int timeoutMs) {
    if (!buf_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) == 0;
}

Hiredis::Hiredis(int port, const std::string& host) {
    timeval tv{5, 0};
    ctx_ = redisConnectWithTimeout(host.c_str(), port, tv);
    if (!ctx_ || ctx_->err) {
        std::string why = ctx_ ? ctx_->errstr : "out of memory";
        if (ctx_) redisFree(ctx_);
        throw std::runtime_error("hiredis connect failed: " + why);
    }
    redisSetTimeout(ctx_, tv);
}

Hiredis::~Hiredis() {
    if (ctx_) redisFree(ctx_);
}

ReplyPtr Hiredis::cmd(const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    void* r = redisCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data());
    return ReplyPtr(static_cast<redisReply*>(r));
}

std::string str(const redisReply* r) {
    if (!r) return "(connection error)";
    switch (r->type) {
    case REDIS_REPLY_STRING: return std::string(r->str, r->len);
    case REDIS_REPLY_STATUS: return std::string(r->str, r->len);
    case REDIS_REPLY_ERROR: return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER: return "(integer) " + std::to_string(r->integer);
    case REDIS_REPLY_NIL: return "(nil)";
    case REDIS_REPLY_ARRAY: {
        std::string out = "[";
        for (size_t i = 0; i < r->elements; ++i) {
            if (i) out += ", ";
            out += str(r->element[i]);
        }
        return out + "]";
    }
    default: return "(type " + std::to_string(r->type) + ")";
    }
}

}  // namespace sentinelpool::test
