#include "sentinelpool/error.hpp"

#include <ostream>

#include "sentinelpool/events.hpp"

namespace sentinelpool {

std::ostream& operator<<(std::ostream& os, Errc e) { return os << errcName(e); }
std::ostream& operator<<(std::ostream& os, Stage s) { return os << stageName(s); }

const char* errcName(Errc e) {
    switch (e) {
    case Errc::NoSentinelReachable: return "no Sentinel reachable";
    case Errc::MasterNameUnknown: return "master name unknown";
    case Errc::RoleMismatch: return "role mismatch";
    case Errc::NoReplicaAvailable: return "no replica available";
    case Errc::PoolExhausted: return "pool exhausted";
    case Errc::ConnectionError: return "connection error";
    case Errc::AuthenticationFailed: return "authentication failed";
    case Errc::ServerError: return "server error";
    case Errc::Timeout: return "timeout";
    case Errc::ClientClosed: return "client closed";
    case Errc::InvalidArgument: return "invalid argument";
    }
    return "?";
}

const char* stageName(Stage s) {
    switch (s) {
    case Stage::Resolve: return "resolve";
    case Stage::RoleCheck: return "role check";
    case Stage::Connect: return "connect";
    case Stage::Pool: return "pool";
    case Stage::Command: return "command";
    case Stage::Admin: return "admin";
    case Stage::Startup: return "startup";
    }
    return "?";
}

const char* detectorName(Detector d) {
    switch (d) {
    case Detector::Resolution: return "resolution";
    case Detector::Event: return "event";
    case Detector::Reconcile: return "reconcile";
    case Detector::PoolError: return "pool error";
    case Detector::RoleCheck: return "role check";
    }
    return "?";
}

namespace {
std::string render(Errc code, Stage stage, const std::string& message, const std::vector<SentinelFailure>& sentinels,
                   const Address& node) {
    std::string out = std::string(errcName(code)) + " (" + stageName(stage) + "): " + message;
    if (!node.host.empty()) out += " [node " + node.toString() + "]";
    for (auto& s : sentinels) out += "; " + s.sentinel.toString() + ": " + s.reason;
    return out;
}
}  // namespace

Error::Error(Errc code, Stage stage, std::string message, std::vector<SentinelFailure> sentinels, Address node)
    : std::runtime_error(render(code, stage, message, sentinels, node)),
      code_(code),
      stage_(stage),
      sentinels_(std::move(sentinels)),
      node_(std::move(node)) {}

bool Error::sentinelError() const {
    switch (code_) {
    case Errc::NoSentinelReachable:
    case Errc::MasterNameUnknown: return true;
    case Errc::Timeout: return stage_ == Stage::Resolve;
    case Errc::ServerError: return stage_ == Stage::Admin;
    default: return false;
    }
}

}  // namespace sentinelpool
