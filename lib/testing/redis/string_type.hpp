#pragma once
// The string type: bytes, and the encoding Redis would report for them.
// HyperLogLogs and bitmaps are strings too (their commands live in
// cmd_bitmaps.cpp / cmd_hyperloglog.cpp).
//
// Redis 7.0 picks a string's encoding when it stores it: "int" for a
// canonical 64-bit integer of at most 20 characters, "embstr" up to 44
// bytes, "raw" above; a string changed in place (APPEND, SETRANGE, SETBIT,
// PFADD, BITOP's result) is "raw" whatever it holds, and INCRBYFLOAT's
// result is never "int". OBJECT ENCODING answers from these rules.

#include <cstdint>
#include <string>

namespace sentinelpool::testing::detail {

enum class StrEnc : std::uint8_t {
    Auto,   // by content: int, embstr or raw
    NoInt,  // embstr or raw (INCRBYFLOAT's result)
    Raw,    // changed in place: raw
};

struct StringValue {
    std::string bytes;
    StrEnc enc = StrEnc::Auto;

    // OBJECT ENCODING's answer.
    const char* encoding() const;
};

}  // namespace sentinelpool::testing::detail
