#pragma once
// A pooled connection to a data node: a synchronous hiredis context owned by
// the library. Take one with Client::getMaster / getReplica, give it back
// with putMaster / putReplica (or use a Lease). Move-only. A Connection
// that is destroyed without being put back is closed and its pool slot
// freed. One thread at a time may use a Connection.

#include "sentinelpool/export.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sentinelpool/address.hpp"
#include "sentinelpool/reply.hpp"

struct redisContext;

namespace sentinelpool {

class Client;
class Lease;
namespace detail {
class PoolCore;
struct PooledConn;
}  // namespace detail

enum class Role { Master, Replica };

class SENTINELPOOL_API Connection {
public:
    Connection() = default;
    ~Connection();
    Connection(Connection&& o) noexcept;
    Connection& operator=(Connection&& o) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    explicit operator bool() const { return conn_ != nullptr; }
    // The raw hiredis context: the whole hiredis API is yours. Do not free it.
    redisContext* get() const;
    // Runs a command and returns its owning reply. Throws Error
    // (ConnectionError) when the connection fails; error replies are returned
    // (Reply::isError()). READONLY, MASTERDOWN and LOADING replies and I/O
    // errors mark the connection broken: it is closed when put back and the
    // Client re-checks the master.
    Reply command(std::initializer_list<std::string_view> argv);
    Reply command(const std::vector<std::string>& argv);
    // For replies you got through get(): lets the Client see READONLY and
    // friends. command() does it for you.
    void noteReply(const redisReply* reply);
    // Marks it unusable: closed when put back, and the Client re-checks.
    void markBroken();
    bool broken() const;

    // For connections kept out of the pool for long (SUBSCRIBE, blocking
    // pops): fn is called once, on the watcher thread, when the master
    // changes and this connection's generation ends, so the application can
    // re-subscribe through a new connection. Keep it short; the Connection
    // may be in use on another thread meanwhile. Called at once (on this
    // thread) if the generation already ended. Cleared when put back.
    void onGenerationEnd(std::function<void()> fn);

    const Address& address() const;  // the node it is connected to
    Role role() const;                  // the pool it came from
    const std::string& masterName() const;  // the master name it was taken for
    std::uint64_t generation() const;  // the pool generation it belongs to

private:
    friend class detail::PoolCore;
    friend class Client;
    friend class Lease;
    void giveBack();  // to its pool (putMaster / putReplica / a Lease)
    // The pool outlives its checked-out connections (it defers its deletion),
    // so a plain pointer is enough: no reference count on the hot path.
    explicit Connection(detail::PooledConn* conn) : conn_(conn) {}
    detail::PooledConn* conn_ = nullptr;
};

}  // namespace sentinelpool
