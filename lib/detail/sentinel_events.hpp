#pragma once
// Sentinel pub/sub events, parsed (sans-io). A Sentinel publishes each event
// on a channel named after it, with one of two payload forms:
//   +switch-master   "<name> <old-ip> <old-port> <new-ip> <new-port>"
//   instance events  "<type> <instance-name> <ip> <port> [@ <master-name> <master-ip> <master-port>] [extra]"
// where <type> is master, slave or sentinel; a master's events have no "@"
// part (the instance is the master). IPs may be IPv6 literals or, with
// announce-hostnames, hostnames; tokens are space-separated either way.

#include <string>
#include <string_view>
#include <vector>

#include "detail/sentinel_parse.hpp"
#include "sentinelpool/address.hpp"

namespace sentinelpool::detail {

struct EventMsg {
    enum class Kind {
        SwitchMaster,      // +switch-master: the new address (every Sentinel, after the failover)
        SelectedSlave,     // +selected-slave: the leader picked the replica it will promote
        SendSlaveofNoone,  // +failover-state-send-slaveof-noone: the leader promotes it now
        PromotedSlave,     // +promoted-slave: the leader saw it report master
        FailoverEnd,       // +failover-end
        FailoverAborted,   // -failover-abort-*, +failover-end-for-timeout
        Sdown, SdownEnd, Odown, OdownEnd,
        Slave,             // +slave: a replica was discovered
        ConvertToSlave,    // +convert-to-slave: an old master is being turned into a replica
        ResetMaster,       // +reset-master
        Other,
    };
    Kind kind = Kind::Other;
    std::string channel;
    std::string masterName;
    std::string instanceType;  // "master", "slave", "sentinel" (instance events)
    Address instance;          // instance events: the instance's ip and port
    Address master;            // the master it belongs to (for a master: itself)
    Address from, to;          // +switch-master
    bool isMaster() const { return instanceType == "master"; }
    bool isReplica() const { return instanceType == "slave"; }
};

// The channels the watcher subscribes to (SUBSCRIBE, not PSUBSCRIBE: a
// restricted Sentinel ACL may only allow these).
const std::vector<std::string>& eventChannels();

Parsed<EventMsg> parseEvent(std::string_view channel, std::string_view payload);

}  // namespace sentinelpool::detail
