#pragma once
// Typed records of Sentinel replies, parsed by field name (never by
// position): SENTINEL MASTER(S), REPLICAS, SENTINELS. Every field of the
// reply is kept in `fields`; the ones clients use are also typed.

#include "sentinelpool/export.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sentinelpool/address.hpp"
#include "sentinelpool/error.hpp"

namespace sentinelpool {

using Fields = std::map<std::string, std::string>;

// "s_down,master,disconnected" split on commas.
SENTINELPOOL_API std::vector<std::string> splitFlags(const std::string& flags);

struct SENTINELPOOL_API MasterRecord {
    std::string name;
    Address address;
    std::string runId;
    std::vector<std::string> flags;
    int quorum = 0;
    std::uint64_t configEpoch = 0;
    int numSlaves = 0;
    int numOtherSentinels = 0;
    std::string failoverState;  // empty when none
    Fields fields;

    bool hasFlag(const std::string& f) const;
    bool isDown() const { return hasFlag("s_down") || hasFlag("o_down"); }
};

struct SENTINELPOOL_API ReplicaRecord {
    std::string name;  // "ip:port"
    Address address;
    std::string runId;
    std::vector<std::string> flags;
    bool linkOk = false;  // master-link-status "ok"
    std::int64_t linkDownMs = 0;
    Address masterAddress;  // master-host / master-port ("?" and 0 when unknown)
    int priority = 100;
    std::int64_t replOffset = 0;
    Fields fields;

    bool hasFlag(const std::string& f) const;
    // Not s_down/o_down/disconnected, and its link to the master is ok.
    bool healthy() const;
};

struct SENTINELPOOL_API SentinelRecord {
    std::string runId;
    Address address;
    std::vector<std::string> flags;
    Fields fields;

    bool hasFlag(const std::string& f) const;
};

struct CkquorumResult {
    bool ok = false;
    std::string message;  // "OK 3 usable Sentinels. ..." or "NOQUORUM 1 usable ..."
};

// What a configuration command (MONITOR, REMOVE, SET, RESET, FLUSHCONFIG)
// did on each Sentinel: it is sent to every Sentinel the Client knows.
struct AdminReport {
    std::vector<Address> applied;               // Sentinels that accepted it
    std::vector<SentinelFailure> unreachable;   // Sentinels that could not be asked
    std::vector<SentinelFailure> rejected;      // Sentinels that answered an error reply (its text)
    long long count = 0;                        // RESET: masters reset, summed over Sentinels
};

// Thrown by the configuration calls when a Sentinel answered an error
// reply. Others may have applied the command: report() says which did,
// which rejected it (and why) and which could not be asked. Catching
// Error catches it too.
class SENTINELPOOL_API AdminError : public Error {
public:
    AdminError(Errc code, const std::string& message, AdminReport report)
        : Error(code, Stage::Admin, message, report.unreachable), report_(std::move(report)) {}
    const AdminReport& report() const { return report_; }

private:
    AdminReport report_;
};

}  // namespace sentinelpool
