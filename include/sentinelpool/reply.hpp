#pragma once
// An owning hiredis reply. Move-only; frees the redisReply on destruction.

#include "sentinelpool/export.hpp"

#include <cstddef>
#include <string>
#include <string_view>

struct redisReply;

namespace sentinelpool {

class SENTINELPOOL_API Reply {
public:
    Reply() = default;
    explicit Reply(redisReply* r) : r_(r) {}
    ~Reply();
    Reply(Reply&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    Reply& operator=(Reply&& o) noexcept;
    Reply(const Reply&) = delete;
    Reply& operator=(const Reply&) = delete;

    explicit operator bool() const { return r_ != nullptr; }
    redisReply* get() const { return r_; }
    redisReply* release();

    // Reply type checks (false on an empty Reply).
    bool isString() const;  // bulk string
    bool isStatus() const;
    bool isError() const;
    bool isInteger() const;
    bool isNil() const;
    bool isArray() const;
    // The text of a bulk string, status or error ("" otherwise).
    std::string_view str() const;
    long long integer() const;
    std::size_t size() const;  // array elements
    // A view of element i of an array; does not own it.
    const redisReply* element(std::size_t i) const;
    // "OK", "(nil)", "(integer) 3", "ERR ...", "[a, b]"; for messages and tests.
    std::string toString() const;

private:
    redisReply* r_ = nullptr;
};

SENTINELPOOL_API std::string describeReply(const redisReply* r);

}  // namespace sentinelpool
