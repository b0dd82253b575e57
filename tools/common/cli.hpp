#pragma once
// What miniredis and minisentinel share around their work: argument parsing
// (CLI11: --opt=value and --opt value, --help, --version) and the signals
// that end them.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include <CLI/CLI.hpp>

#include "sentinelpool/version.hpp"

namespace sentinelpool::tools {

// Opens /dev/null on any of descriptors 0-2 that is closed (`tool <&-`);
// first thing in main(). A socket must never land on them: libuv refuses to
// close a descriptor <= 2, and a print would go down the socket.
inline void openStandardDescriptors() {
    for (int fd = 0; fd <= 2; ++fd)
        if (::fcntl(fd, F_GETFD) < 0) {
            // The lowest free descriptor: this one.
            ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        }
}

inline void addVersionFlag(CLI::App& app, const std::string& tool) {
    app.set_version_flag("--version", tool + " (sentinelpool) " SENTINELPOOL_VERSION_STRING);
}

// Parses the command line. Returns -1 to go on, or the status to exit with:
// 0 after --help or --version (printed on stdout), 2 after a usage error
// (printed on stderr with a pointer to --help).
inline int parseArgs(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
        return -1;
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
}

// SIGINT and SIGTERM, blocked in this thread and every thread started after
// (call it before the servers start their loops), to be taken with sigwait
// or a signalfd. Their disposition is reset first: a non-interactive shell
// starts a background job (`minisentinel &`) with SIGINT ignored, and the
// tool must still end on it.
inline sigset_t blockStopSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

}  // namespace sentinelpool::tools
