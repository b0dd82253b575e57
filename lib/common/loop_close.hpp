#pragma once
// Closes a libuv loop whose thread has ended. Every handle must be closed
// by then; one left open is a bug: name its type and abort, rather than
// leak it silently. Shared by the embedded servers and the client's watcher.

#include <cstdio>
#include <cstdlib>

#include <uv.h>

namespace sentinelpool::detail {

inline void closeLoopOrAbort(uv_loop_t* loop, const char* who) {
    if (uv_loop_close(loop) == 0) return;
    uv_walk(
        loop,
        [](uv_handle_t* h, void* arg) {
            std::fprintf(stderr, "%s: handle left open: %s\n", static_cast<const char*>(arg),
                         uv_handle_type_name(uv_handle_get_type(h)));
        },
        const_cast<char*>(who));
    std::abort();
}

}  // namespace sentinelpool::detail
