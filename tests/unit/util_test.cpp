// Redis-compatible number parsing and formatting, and the glob matcher.

#include <doctest/doctest.h>

#include <climits>

#include "util.hpp"

using namespace sentinelpool::testing::detail;

TEST_CASE("parseInt follows Redis's string2ll") {
    CHECK(parseInt("0") == 0);
    CHECK(parseInt("-12") == -12);
    CHECK(parseInt("9223372036854775807") == LLONG_MAX);
    CHECK(parseInt("-9223372036854775808") == LLONG_MIN);
    for (const char* bad : {"", "-", "+1", "01", "-0", " 1", "1 ", "1a", "9223372036854775808", "1.0"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseInt(bad));
    }
}

TEST_CASE("INCRBYFLOAT arithmetic and printing match Redis's long double rules") {
    CHECK(formatLongDouble(*parseLongDouble("10.5") + *parseLongDouble("0.1")) == "10.6");
    CHECK(formatLongDouble(3.0L) == "3");
    CHECK(formatLongDouble(-0.0L) == "0");
    CHECK(formatLongDouble(*parseLongDouble("5.0e3")) == "5000");
    CHECK_FALSE(parseLongDouble("nan"));
    CHECK_FALSE(parseLongDouble(" 1"));
    CHECK_FALSE(parseLongDouble("1x"));
    CHECK(parseLongDouble("1e400"));  // fits a long double, as in Redis
}

TEST_CASE("globMatch follows Redis's stringmatchlen") {
    CHECK(globMatch("*", "anything"));
    CHECK_FALSE(globMatch("*", ""));  // as Redis: KEYS special-cases "*"
    CHECK(globMatch("h?llo", "hello"));
    CHECK(globMatch("h[ae]llo", "hallo"));
    CHECK_FALSE(globMatch("h[^e]llo", "hello"));
    CHECK(globMatch("h[a-b]llo", "hbllo"));
    CHECK(globMatch("h\\*llo", "h*llo"));
    CHECK_FALSE(globMatch("h\\*llo", "hello"));
    CHECK(globMatch("__sentinel__:*", "__sentinel__:hello"));
    CHECK(globMatch("HeLLo", "hello", true));
    CHECK(globMatch("a*b*c", "axxbyyc"));
}

TEST_CASE("a pathological glob pattern finishes quickly") {
    std::string s(5000, 'a');
    CHECK_FALSE(globMatch("a*a*a*a*a*a*a*a*a*a*a*b", s));
}
