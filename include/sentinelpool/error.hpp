#pragma once
// Errors of the sentinelpool client: one exception type, a code saying what
// went wrong, the stage where it went wrong, and, when Sentinels were asked,
// what each of them answered. Thrown by Client calls; any thread.

#include "sentinelpool/export.hpp"

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "sentinelpool/address.hpp"

namespace sentinelpool {

enum class Errc {
    NoSentinelReachable,   // no Sentinel answered (see sentinelFailures())
    MasterNameUnknown,     // every Sentinel that answered does not know the name
    RoleMismatch,          // the node the Sentinels named is not in the role asked for
    NoReplicaAvailable,    // no healthy replica (and no fallback to the master)
    PoolExhausted,         // every connection stayed checked out for the wait timeout
    ConnectionError,       // connecting to or talking to a data node failed
    AuthenticationFailed,  // a data node refused the credentials
    ServerError,           // a server answered an error reply
    Timeout,               // a deadline passed (resolution, failover fence)
    ClientClosed,          // the Client was closed
    InvalidArgument,       // bad options or arguments
};

// Where the failure happened.
enum class Stage {
    Resolve,    // asking the Sentinels
    RoleCheck,  // checking the node the Sentinels named
    Connect,    // connecting / authenticating to a data node
    Pool,       // waiting for a pooled connection
    Command,    // running a command
    Admin,      // a Sentinel admin command
    Startup,
};

SENTINELPOOL_API const char* errcName(Errc e);
SENTINELPOOL_API const char* stageName(Stage s);
SENTINELPOOL_API std::ostream& operator<<(std::ostream& os, Errc e);
SENTINELPOOL_API std::ostream& operator<<(std::ostream& os, Stage s);

// What one Sentinel answered during a resolution or admin call.
struct SentinelFailure {
    Address sentinel;
    std::string reason;  // "connection refused", "timed out after 250 ms", "WRONGPASS ...", "unknown master name"
};

class SENTINELPOOL_API Error : public std::runtime_error {
public:
    Error(Errc code, Stage stage, std::string message, std::vector<SentinelFailure> sentinels = {},
          Address node = {});
    Errc code() const { return code_; }
    Stage stage() const { return stage_; }
    // True when the cause is on the Sentinel side (radix's SentinelErr):
    // unreachable Sentinels, an unknown name, their errors.
    bool sentinelError() const;
    const std::vector<SentinelFailure>& sentinelFailures() const { return sentinels_; }
    // The data node involved, if any.
    const Address& node() const { return node_; }

private:
    Errc code_;
    Stage stage_;
    std::vector<SentinelFailure> sentinels_;
    Address node_;
};

}  // namespace sentinelpool
