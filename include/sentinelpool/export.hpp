#pragma once
// What the shared libraries export, and the language check of every public
// header (each one includes this file first).
//
// The libraries are compiled with -fvisibility=hidden: only declarations
// marked here are exported. Mark every public class whose members are
// defined in the library (or that is thrown: its typeinfo must be shared)
// and every free function defined in it; never anything in a detail
// namespace (the exported-symbols test fails on those). Types that are
// plain data with inline members only need no mark.

#if !(__cplusplus >= 201703L || (defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error "sentinelpool needs C++17 or later: compile with -std=c++17 (or -std=gnu++17, c++20, ...)"
#endif

#if defined(__GNUC__) || defined(__clang__)
// The client library (libsentinelpool).
#define SENTINELPOOL_API __attribute__((visibility("default")))
// A member of an exported class that only the library itself calls.
#define SENTINELPOOL_HIDDEN __attribute__((visibility("hidden")))
#else
#define SENTINELPOOL_API
#define SENTINELPOOL_HIDDEN
#endif

// The testing library (libsentinelpool-testing: MiniRedis, MiniSentinel,
// Cluster). The same on ELF; a separate name so each library could get its
// own import/export switch where that matters.
#define SENTINELPOOL_TESTING_API SENTINELPOOL_API
