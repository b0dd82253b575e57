#pragma once
// The result of a check helper (MiniRedis::checkGet and friends): true when
// the check held, and printable, so a failing CHECK(...) in doctest (or
// EXPECT_TRUE in GoogleTest) shows what was expected and what was found.

#include "sentinelpool/export.hpp"

#include <ostream>
#include <string>
#include <utility>

namespace sentinelpool::testing {

class Check {
public:
    Check(bool ok, std::string message) : ok_(ok), message_(std::move(message)) {}
    explicit operator bool() const { return ok_; }
    bool ok() const { return ok_; }
    // "GET foo: expected \"bar\", got \"baz\"" (or "... ok" when it held).
    const std::string& message() const { return message_; }
    friend std::ostream& operator<<(std::ostream& os, const Check& c) { return os << c.message_; }

private:
    bool ok_;
    std::string message_;
};

}  // namespace sentinelpool::testing
