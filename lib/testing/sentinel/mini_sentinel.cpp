// MiniSentinel's public API: a handle on SentinelCore. Every call runs on the
// Sentinel's loop thread (Server::runSync), where all its state lives.

#include "sentinelpool/testing/mini_sentinel.hpp"

#include <stdexcept>

#include "sentinel/sentinel_core.hpp"
#include "sentinelpool/testing/mini_redis.hpp"

namespace sentinelpool::testing {

using detail::SentinelCore;

namespace {
template <class F>
auto onLoop(SentinelCore& core, F&& f) {
    using R = decltype(f());
    if constexpr (std::is_void_v<R>) {
        core.server().runSync([&] { f(); });
    } else {
        R out{};
        core.server().runSync([&] { out = f(); });
        return out;
    }
}

void throwIf(const std::string& err) {
    if (!err.empty()) throw std::runtime_error("MiniSentinel: " + err);
}
}  // namespace

MiniSentinel::MiniSentinel() : MiniSentinel(MiniSentinelOptions{}) {}

MiniSentinel::MiniSentinel(MiniSentinelOptions options) {
    bool startNow = options.start;
    core_ = std::make_shared<SentinelCore>(std::move(options));
    if (startNow) core_->start();
}

MiniSentinel::~MiniSentinel() { core_->stop(); }

void MiniSentinel::start() { core_->start(); }
void MiniSentinel::close() { core_->stop(); }
bool MiniSentinel::running() const { return core_->alive(); }
std::string MiniSentinel::host() const { return core_->host(); }
int MiniSentinel::port() const { return core_->port(); }
std::string MiniSentinel::addr() const { return core_->host() + ":" + std::to_string(core_->port()); }
std::string MiniSentinel::runId() const { return core_->runId(); }

void MiniSentinel::monitor(const std::string& name, const MiniRedis& master, int quorum,
                           std::chrono::milliseconds downAfter) {
    monitor(name, master.host(), master.port(), quorum, downAfter);
}

void MiniSentinel::monitor(const std::string& name, const std::string& ip, int port, int quorum,
                           std::chrono::milliseconds downAfter) {
    if (quorum < 1) throw std::invalid_argument("MiniSentinel::monitor: quorum must be 1 or greater");
    throwIf(onLoop(*core_, [&] { return core_->monitor(name, ip, port, quorum, downAfter.count()); }));
}

void MiniSentinel::remove(const std::string& name) {
    throwIf(onLoop(*core_, [&] { return core_->remove(name); }));
}

void MiniSentinel::set(const std::string& name, const std::string& option, const std::string& value) {
    throwIf(onLoop(*core_, [&]() -> std::string {
        auto* m = core_->master(name);
        if (!m) return "ERR No such master with that name";
        return core_->setOption(*m, option, value);
    }));
}

void MiniSentinel::requireAuth(const std::string& pass) { core_->server().setDefaultPassword(pass); }

std::optional<std::string> MiniSentinel::masterAddr(const std::string& name) const {
    return onLoop(*core_, [&]() -> std::optional<std::string> {
        auto* m = core_->master(name);
        if (!m) return std::nullopt;
        auto a = core_->currentAddress(*m);
        return a.first + ":" + std::to_string(a.second);
    });
}

std::uint64_t MiniSentinel::configEpoch(const std::string& name) const {
    return onLoop(*core_, [&]() -> std::uint64_t {
        auto* m = core_->master(name);
        return m ? m->configEpoch : 0;
    });
}

std::uint64_t MiniSentinel::currentEpoch() const {
    return onLoop(*core_, [&] { return core_->currentEpoch(); });
}

bool MiniSentinel::failoverInProgress(const std::string& name) const {
    return onLoop(*core_, [&] {
        auto* m = core_->master(name);
        return m && m->state != detail::FailoverState::None;
    });
}

std::vector<std::string> MiniSentinel::knownReplicas(const std::string& name) const {
    return onLoop(*core_, [&] {
        std::vector<std::string> out;
        if (auto* m = core_->master(name))
            for (auto& r : m->replicas) out.push_back(r.key());
        return out;
    });
}

std::vector<std::string> MiniSentinel::knownSentinels(const std::string& name) const {
    return onLoop(*core_, [&] {
        std::vector<std::string> out;
        if (auto* m = core_->master(name))
            for (auto& p : m->peers) out.push_back(p.runId);
        return out;
    });
}

std::vector<SentinelEvent> MiniSentinel::events() const {
    return onLoop(*core_, [&] { return core_->events(); });
}

void MiniSentinel::clearEvents() {
    onLoop(*core_, [&] { core_->clearEvents(); });
}

bool MiniSentinel::failover(const std::string& name, std::string* error) {
    std::string err = onLoop(*core_, [&] { return core_->startManualFailover(name); });
    if (error) *error = err;
    return err.empty();
}

std::size_t MiniSentinel::dropPubSubClients() { return core_->server().closeClients(detail::ClientType::PubSub); }

void MiniSentinel::dropEvents(const std::string& channel, int count) {
    onLoop(*core_, [&] { core_->dropEvents(channel, count); });
}

void MiniSentinel::delayEvents(const std::string& channel, std::chrono::milliseconds delay) {
    onLoop(*core_, [&] { core_->delayEvents(channel, delay.count()); });
}

void MiniSentinel::freeze() {
    onLoop(*core_, [&] { core_->setFrozen(true); });
}

void MiniSentinel::tilt(std::chrono::milliseconds period) {
    onLoop(*core_, [&] { core_->enterTilt(period.count()); });
}

void MiniSentinel::resume() {
    onLoop(*core_, [&] { core_->resumeFaults(); });
}

}  // namespace sentinelpool::testing
