// Redis-compatible number parsing and formatting, and the glob matcher.

#include <doctest/doctest.h>

#include <climits>
#include <string>

#include "server/util.hpp"

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

TEST_CASE("sha256Hex: the FIPS 180-4 test vectors, and a password as Redis's ACL LIST shows it") {
    CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256Hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    // redis-sentinel 7.0.15 with "requirepass sekret": ACL LIST shows this hash.
    CHECK(sha256Hex("sekret") == "bb757689c39373a6cac9ef6ba55616c6249d7500ca4d443f1130c4766453a412");
}
