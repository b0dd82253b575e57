// The RESP writer: RESP2 and RESP3 forms of every reply type.

#include <doctest/doctest.h>

#include "server/resp_writer.hpp"

using sentinelpool::testing::detail::Reply;

TEST_CASE("RESP2 and RESP3 encodings differ only where Redis's do") {
    std::string b2, b3;
    Reply r2(b2, 2), r3(b3, 3);
    for (Reply* r : {&r2, &r3}) {
        r->null();
        r->nullArray();
        r->map(1);
        r->set(2);
        r->push(3);
        r->verbatim("hi");
        r->integer(-5);
        r->error("ERR a\r\nb");
    }
    CHECK(b2 == "$-1\r\n*-1\r\n*2\r\n*2\r\n*3\r\n$2\r\nhi\r\n:-5\r\n-ERR a  b\r\n");
    CHECK(b3 == "_\r\n_\r\n%1\r\n~2\r\n>3\r\n=6\r\ntxt:hi\r\n:-5\r\n-ERR a  b\r\n");
}
