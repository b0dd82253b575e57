#pragma once
// sentinelpool::Client: connections to the current master (and replicas) of
// Redis deployments run by Sentinel, pooled per master, following failovers
// by themselves.
//
//     sentinelpool::Options opts;
//     opts.sentinels = {{"10.0.0.1", 26379}, {"10.0.0.2", 26379}};
//     sentinelpool::Client client(opts);
//     sentinelpool::Connection c = client.getMaster("mymaster");
//     redisReply* r = (redisReply*)redisCommand(c.get(), "SET %s %s", "k", "v");
//     freeReplyObject(r);
//     client.putMaster("mymaster", std::move(c));
//     { auto lease = client.master("mymaster"); lease->command({"GET", "k"}); }
//
// One Client serves any number of master names, sharing its Sentinel
// connections. Threads: every method may be called from any number of
// threads at once; close() and the destructor are idempotent and leave no
// thread, socket or libuv handle behind. Failures throw sentinelpool::Error.

#include "sentinelpool/export.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sentinelpool/connection.hpp"
#include "sentinelpool/error.hpp"
#include "sentinelpool/events.hpp"
#include "sentinelpool/options.hpp"
#include "sentinelpool/sentinel.hpp"

namespace sentinelpool {

namespace detail {
class ClientCore;
}

class Client;

// A connection that goes back to its pool when the Lease goes out of scope.
class SENTINELPOOL_API Lease {
public:
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection* operator->() { return &conn_; }
    Connection& operator*() { return conn_; }
    Connection& connection() { return conn_; }
    redisContext* get() const { return conn_.get(); }
    // Gives the connection back now (the destructor does it otherwise).
    void release();

private:
    friend class Client;
    SENTINELPOOL_HIDDEN Lease(std::shared_ptr<detail::ClientCore> core, std::string name, Connection conn);
    std::shared_ptr<detail::ClientCore> core_;
    std::string name_;
    Connection conn_;
};

class SENTINELPOOL_API Client {
public:
    explicit Client(Options options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // ---- pooled connections ----
    // A connection to the current master of `name`, checked with ROLE when
    // new. Waits for a first resolution, for a free connection (waitTimeout)
    // or for a failover in progress (the fence) as needed.
    Connection getMaster(std::string_view name);
    // Gives it back. A connection from an old generation (the master changed
    // meanwhile) or a broken one is closed, never re-pooled.
    void putMaster(std::string_view name, Connection&& conn);
    Connection getReplica(std::string_view name);
    void putReplica(std::string_view name, Connection&& conn);
    Lease master(const std::string& name);
    Lease replica(const std::string& name);

    // The master's address as last resolved (resolving first if needed).
    Address masterAddress(const std::string& name);
    std::vector<Address> replicaAddresses(const std::string& name);

    // ---- Sentinel admin commands (redis-py's coverage) ----
    // Queries go to the first Sentinel that answers; configuration commands
    // to every known Sentinel (AdminReport says which took it).
    std::vector<MasterRecord> sentinelMasters();
    MasterRecord sentinelMaster(const std::string& name);
    std::vector<ReplicaRecord> sentinelReplicas(const std::string& name);
    std::vector<SentinelRecord> sentinelSentinels(const std::string& name);
    std::optional<Address> sentinelGetMasterAddrByName(const std::string& name);
    CkquorumResult sentinelCkquorum(const std::string& name);
    void sentinelFailover(const std::string& name);
    AdminReport sentinelFlushconfig();
    AdminReport sentinelMonitor(const std::string& name, const std::string& host, int port, int quorum);
    AdminReport sentinelRemove(const std::string& name);
    AdminReport sentinelReset(const std::string& pattern);
    AdminReport sentinelSet(const std::string& name, const std::string& option, const std::string& value);

    // ---- observability ----
    Stats stats() const;
    // The Sentinels as the Client knows them now (after moves and refreshes).
    std::vector<Address> sentinels() const;

    // Stops everything: waiters wake with ClientClosed, the watcher thread
    // ends, every socket closes. Connections still checked out close when put
    // back or destroyed. Idempotent.
    void close();

private:
    std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace sentinelpool
