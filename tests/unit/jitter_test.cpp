// Timer jitter: Clients started together must not fire in lockstep.

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "common/jitter.hpp"

using sentinelpool::detail::Jitter;

TEST_CASE("jitter: seeds one apart give first factors spread over the whole range") {
    // As Clients started within the same microsecond: consecutive seeds.
    std::vector<double> first;
    for (std::uint64_t seed = 1000; seed < 1100; ++seed) {
        Jitter j(seed);
        first.push_back(j(0.8, 1.2));
    }
    auto [lo, hi] = std::minmax_element(first.begin(), first.end());
    CHECK(*lo >= 0.8);
    CHECK(*hi < 1.2);
    CHECK(*hi - *lo > 0.3);  // not bunched (a plain xorshift step gave ~0.05)
    int low = 0;
    for (double f : first) low += f < 1.0;
    CHECK(low > 30);
    CHECK(low < 70);
}

TEST_CASE("jitter: fresh seeds differ between objects and calls") {
    int a = 0, b = 0;
    CHECK(Jitter::freshSeed(&a) != Jitter::freshSeed(&b));
    CHECK(Jitter::freshSeed(&a) != Jitter::freshSeed(&a));
}
