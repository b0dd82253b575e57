#pragma once
// Splits a client's byte stream into commands. RESP requests (arrays of bulk
// strings) are parsed by hiredis's reader with our own object builders, the
// "*N" header line here; inline commands ("PING\r\n") are split here. Errors carry the exact text
// Redis 7 sends ("Protocol error: ..."), and limits are enforced from the
// headers, before the announced bytes arrive, so a hostile length never
// makes us allocate.
//
// One parser per connection; only the loop thread that owns the connection
// uses it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace sentinelpool::testing::detail {

class RequestParser {
public:
    enum class Status { NeedMore, Request, Error };

    RequestParser();
    ~RequestParser();
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    void feed(const char* data, std::size_t len);
    // Parses the next request. After Request, argv() holds it until the
    // next call; after Error, error() holds the reply text (without '-')
    // and the parser stays in error.
    Status next();
    const std::vector<std::string_view>& argv() const { return argv_; }
    const std::string& error() const { return error_; }
    // Unauthenticated clients get Redis's stricter limits (at most 10
    // arguments of at most 16 KiB), so they cannot make us buffer much.
    void setUnauthenticated(bool on) { unauthenticated_ = on; }
    // Bytes received and not parsed yet.
    std::size_t pending() const;

    // Limits, as in Redis 7.0.
    static constexpr std::size_t kInlineMax = 64 * 1024;
    static constexpr long long kMaxBulk = 512LL * 1024 * 1024;
    static constexpr long long kMaxMultibulk = 2147483647LL;
    static constexpr long long kUnauthMultibulk = 10;
    static constexpr long long kUnauthBulk = 16384;

private:
    friend struct ParserCallbacks;
    Status fail(std::string msg);
    Status parseInline();
    bool checkPendingBulkHeader();
    void finishArgv();

    redisReader* reader_;
    bool inResp_ = false;        // inside a RESP request (its header was read)
    std::size_t expected_ = 0;   // its number of arguments
    bool unauthenticated_ = false;
    bool failed_ = false;
    std::string error_;          // set by callbacks or by our own checks
    std::string arena_;          // argument bytes of the current request
    std::vector<std::pair<std::size_t, std::size_t>> spans_;
    std::vector<std::string_view> argv_;
};

}  // namespace sentinelpool::testing::detail
