// Connection commands: PING ECHO AUTH HELLO SELECT QUIT RESET CLIENT.
// Shared by MiniRedis and MiniSentinel (which has no ECHO, SELECT, QUIT or
// RESET, like a real Sentinel).

#include <algorithm>
#include <set>
#include <string>

#include "redis/mini_redis_core.hpp"
#include "server/util.hpp"

namespace sentinelpool::testing::detail {

namespace {

constexpr const char* kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> "
    "option can be used to authenticate the client and select the RESP protocol version at the same time";

bool validClientName(std::string_view name) {
    for (char c : name)
        if (c < '!' || c > '~') return false;
    return true;
}

void ping(Call& c) {
    if (c.argc() > 2) {
        c.reply.error(wrongArity("ping"));
        return;
    }
    if (c.peer.subscriptions() && c.peer.proto() == 2) {
        c.reply.array(2);
        c.reply.bulk("pong");
        c.reply.bulk(c.argc() == 2 ? c.arg(1) : std::string_view());
        return;
    }
    if (c.argc() == 1)
        c.reply.simple("PONG");
    else
        c.reply.bulk(c.arg(1));
}

// Returns false (and replies) when the credentials are refused.
bool authenticate(Call& c, const std::string& user, const std::string& pass) {
    if (!c.server.checkPassword(user, pass)) {
        c.reply.error(err::kWrongPass);
        return false;
    }
    c.peer.authenticated = true;
    c.peer.user = user;
    return true;
}

void auth(Call& c) {
    if (c.argc() > 3) {
        c.reply.error(err::kSyntax);
        return;
    }
    std::string user = "default", pass;
    if (c.argc() == 2) {
        if (!c.server.defaultUserHasPassword()) {
            c.reply.error(
                "ERR AUTH <password> called without any password configured for the default user. Are you sure "
                "your configuration is correct?");
            return;
        }
        pass = std::string(c.arg(1));
    } else {
        user = std::string(c.arg(1));
        pass = std::string(c.arg(2));
    }
    if (authenticate(c, user, pass)) c.reply.ok();
}

void hello(Call& c) {
    long long ver = 0;
    std::size_t next = 1;
    if (c.argc() >= 2) {
        auto v = parseInt(c.arg(1));
        if (!v) {
            c.reply.error("ERR Protocol version is not an integer or out of range");
            return;
        }
        if (*v < 2 || *v > 3) {
            c.reply.error("NOPROTO unsupported protocol version");
            return;
        }
        ver = *v;
        next = 2;
    }
    const std::string_view* user = nullptr;
    const std::string_view* pass = nullptr;
    const std::string_view* name = nullptr;
    for (std::size_t j = next; j < c.argc(); ++j) {
        std::size_t more = c.argc() - 1 - j;
        if (c.is(j, "AUTH") && more >= 2) {
            user = &c.argv[j + 1];
            pass = &c.argv[j + 2];
            j += 2;
        } else if (c.is(j, "SETNAME") && more >= 1) {
            name = &c.argv[j + 1];
            ++j;
        } else {
            c.reply.error("ERR Syntax error in HELLO option '" + std::string(c.arg(j)) + "'");
            return;
        }
    }
    if (user && !authenticate(c, std::string(*user), std::string(*pass))) return;
    if (c.server.authRequiredFor(c.peer)) {
        c.reply.error(kHelloNoAuth);
        return;
    }
    if (name) {
        if (!validClientName(*name)) {
            c.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
            return;
        }
        c.peer.name = std::string(*name);
    }
    if (ver) c.reply.setProto(static_cast<int>(ver));
    std::string_view role = c.server.app().role();
    c.reply.map(role.empty() ? 6 : 7);
    c.reply.bulk("server");
    c.reply.bulk("redis");
    c.reply.bulk("version");
    c.reply.bulk("7.0.15");
    c.reply.bulk("proto");
    c.reply.integer(c.reply.proto());
    c.reply.bulk("id");
    c.reply.integer(static_cast<long long>(c.peer.id));
    c.reply.bulk("mode");
    c.reply.bulk(c.server.app().mode());
    if (!role.empty()) {
        c.reply.bulk("role");
        c.reply.bulk(role);
    }
    c.reply.bulk("modules");
    c.reply.emptyArray();
}

void echo(Call& c) { c.reply.bulk(c.arg(1)); }

void select(Call& c) {
    auto id = parseInt(c.arg(1));
    if (!id) {
        c.reply.error(err::kNotInt);
        return;
    }
    if (*id < INT32_MIN || *id > INT32_MAX) {  // Redis's getIntFromObjectOrReply
        c.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
        return;
    }
    if (*id < 0 || *id >= Keyspace::kDatabases) {
        c.reply.error(err::kDbIndex);
        return;
    }
    c.peer.db = static_cast<int>(*id);
    c.reply.ok();
}

void quit(Call& c) {
    c.reply.ok();
    c.peer.closeAfterReply = true;
}

void resetCmd(Call& c) {
    c.server.app().onReset(c.peer);
    for (auto ch : std::set<std::string>(c.peer.channels)) c.server.unsubscribe(c.peer, ch);
    for (auto pat : std::set<std::string>(c.peer.patterns)) c.server.punsubscribe(c.peer, pat);
    for (auto ch : std::set<std::string>(c.peer.shardChannels)) c.server.sunsubscribe(c.peer, ch);
    c.peer.db = 0;
    c.peer.name.clear();
    c.peer.user = "default";
    c.peer.authenticated = !c.server.defaultUserHasPassword();
    c.reply.setProto(2);
    c.reply.simple("RESET");
}

// ---- CLIENT ----

// argvMem: the bytes of the arguments of the command the client is running
// (Redis's argv-mem): only the caller's is not 0.
std::string clientLine(Server& server, const Peer& p, std::size_t argvMem = 0) {
    std::int64_t now = wallMs();
    std::string flags = p.subscriptions() ? "P" : "N";
    std::string line;
    line.reserve(300);
    line += "id=" + std::to_string(p.id);
    line += " addr=" + p.addr;
    line += " laddr=" + p.laddr;
    line += " fd=" + std::to_string(static_cast<int>(p.id % 1000) + 8);
    line += " name=" + p.name;
    line += " age=" + std::to_string((now - p.createdMs) / 1000);
    line += " idle=" + std::to_string((now - p.lastMs) / 1000);
    line += " flags=" + flags;
    line += " db=" + std::to_string(p.db);
    line += " sub=" + std::to_string(p.channels.size());
    line += " psub=" + std::to_string(p.patterns.size());
    line += " ssub=" + std::to_string(p.shardChannels.size()) + " multi=-1";
    line += " qbuf=" + std::to_string(p.parser.pending());
    line += " qbuf-free=20474 argv-mem=" + std::to_string(argvMem);
    line += " multi-mem=0 rbs=16384 rbp=16384";
    // Redis keeps the first 16 KB of output in a static buffer (obl), the
    // rest in a list of 16 KB blocks (oll blocks, omem bytes): the output
    // buffer limits count the list.
    constexpr std::size_t kBuf = 16 * 1024;
    std::size_t total = p.outputBytes();
    std::size_t obl = std::min(total, kBuf);
    std::size_t oll = (total - obl + kBuf - 1) / kBuf;
    std::size_t omem = total - obl;
    line += " obl=" + std::to_string(obl);
    line += " oll=" + std::to_string(oll) + " omem=" + std::to_string(omem);
    line += " tot-mem=" + std::to_string(20480 + omem);
    line += p.writing ? " events=rw" : " events=r";
    line += " cmd=" + p.lastCmd;
    line += " user=" + p.user;
    line += " redir=-1 resp=" + std::to_string(p.proto());
    (void)server;
    return line;
}

std::size_t argvBytes(const Call& c) {
    std::size_t n = 0;
    for (auto a : c.argv) n += a.size();
    return n;
}

enum class TypeFilter { All, Normal, PubSub, Replica, Master, Invalid };

TypeFilter typeByName(std::string_view s) {
    if (iequals(s, "normal")) return TypeFilter::Normal;
    if (iequals(s, "pubsub")) return TypeFilter::PubSub;
    if (iequals(s, "replica") || iequals(s, "slave")) return TypeFilter::Replica;
    if (iequals(s, "master")) return TypeFilter::Master;
    return TypeFilter::Invalid;
}

bool typeMatches(TypeFilter t, const Peer& p) {
    switch (t) {
    case TypeFilter::All: return true;
    case TypeFilter::Normal: return p.subscriptions() == 0;
    case TypeFilter::PubSub: return p.subscriptions() > 0;
    default: return false;  // replication links are not connections here
    }
}

void clientList(Call& c) {
    TypeFilter type = TypeFilter::All;
    std::vector<std::uint64_t> ids;
    bool byId = false;
    if (c.argc() == 4 && c.is(2, "type")) {
        type = typeByName(c.arg(3));
        if (type == TypeFilter::Invalid) {
            c.reply.error("ERR Unknown client type '" + std::string(c.arg(3)) + "'");
            return;
        }
    } else if (c.argc() > 3 && c.is(2, "id")) {
        byId = true;
        for (std::size_t j = 3; j < c.argc(); ++j) {
            auto id = parseInt(c.arg(j));
            if (!id) {  // 0 and negative ids are valid, they match nobody
                c.reply.error("ERR Invalid client ID");
                return;
            }
            if (*id > 0) ids.push_back(static_cast<std::uint64_t>(*id));
        }
    } else if (c.argc() != 2) {
        c.reply.error(err::kSyntax);
        return;
    }
    std::string out;
    c.server.forEachPeer([&](Peer& p) {
        if (p.closing || !typeMatches(type, p)) return;
        if (byId && std::find(ids.begin(), ids.end(), p.id) == ids.end()) return;
        out += clientLine(c.server, p, &p == &c.peer ? argvBytes(c) : 0);
        out += '\n';
    });
    c.reply.verbatim(out);
}

void clientInfo(Call& c) { c.reply.verbatim(clientLine(c.server, c.peer, argvBytes(c)) + "\n"); }

void clientKill(Call& c) {
    std::string addr, laddr, user;
    bool byUser = false;
    std::uint64_t id = 0;
    TypeFilter type = TypeFilter::All;
    bool skipme = true;
    bool oldForm = c.argc() == 3;
    if (oldForm) {
        addr = std::string(c.arg(2));
        skipme = false;
    } else {
        for (std::size_t i = 2; i < c.argc(); i += 2) {
            bool more = i + 1 < c.argc();
            if (c.is(i, "id") && more) {
                auto v = parseInt(c.arg(i + 1));
                if (!v || *v < 1) {
                    c.reply.error("ERR client-id should be greater than 0");
                    return;
                }
                id = static_cast<std::uint64_t>(*v);
            } else if (c.is(i, "type") && more) {
                type = typeByName(c.arg(i + 1));
                if (type == TypeFilter::Invalid) {
                    c.reply.error("ERR Unknown client type '" + std::string(c.arg(i + 1)) + "'");
                    return;
                }
            } else if (c.is(i, "addr") && more) {
                addr = std::string(c.arg(i + 1));
            } else if (c.is(i, "laddr") && more) {
                laddr = std::string(c.arg(i + 1));
            } else if (c.is(i, "user") && more) {
                user = std::string(c.arg(i + 1));
                if (!c.server.userExists(user)) {
                    c.reply.error("ERR No such user '" + user + "'");
                    return;
                }
                byUser = true;
            } else if (c.is(i, "skipme") && more) {
                if (c.is(i + 1, "yes"))
                    skipme = true;
                else if (c.is(i + 1, "no"))
                    skipme = false;
                else {
                    c.reply.error(err::kSyntax);
                    return;
                }
            } else {
                c.reply.error(err::kSyntax);
                return;
            }
        }
    }
    std::size_t killed = 0;
    bool killSelf = false;
    std::vector<Peer*> victims;
    c.server.forEachPeer([&](Peer& p) {
        if (p.closing) return;
        if (id && p.id != id) return;
        if (!addr.empty() && p.addr != addr) return;
        if (!laddr.empty() && p.laddr != laddr) return;
        if (byUser && p.user != user) return;
        if (!typeMatches(type, p)) return;
        if (&p == &c.peer) {
            if (skipme) return;
            killSelf = true;
        } else {
            victims.push_back(&p);
        }
        ++killed;
    });
    for (Peer* p : victims) c.server.closePeer(*p);
    if (oldForm) {
        if (killed == 0)
            c.reply.error("ERR No such client");
        else
            c.reply.ok();
    } else {
        c.reply.integer(static_cast<long long>(killed));
    }
    if (killSelf) c.peer.closeAfterReply = true;
}

void clientSetName(Call& c) {
    if (!validClientName(c.arg(2))) {
        c.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    c.peer.name = std::string(c.arg(2));
    c.reply.ok();
}

void clientGetName(Call& c) {
    if (c.peer.name.empty())
        c.reply.null();
    else
        c.reply.bulk(c.peer.name);
}

void clientId(Call& c) { c.reply.integer(static_cast<long long>(c.peer.id)); }

// CLIENT SETINFO is Redis 7.2's; redis-py 5 and ioredis 5 send it on every
// connection, so MiniRedis accepts it.
void clientSetInfo(Call& c) {
    bool lib = c.is(2, "lib-name"), ver = c.is(2, "lib-ver");
    if (!lib && !ver) {
        c.reply.error("ERR Unrecognized option '" + std::string(c.arg(2)) + "'");
        return;
    }
    if (!validClientName(c.arg(3))) {
        c.reply.error("ERR " + toLower(c.arg(2)) + " cannot contain spaces, newlines or special characters.");
        return;
    }
    (lib ? c.peer.libName : c.peer.libVer) = std::string(c.arg(3));
    c.reply.ok();
}

}  // namespace

void registerConnectionCommands(CommandTable& t, bool sentinel) {
    const unsigned conn = kCmdNoLock | kCmdFast;
    t.add("ping", -1, conn | kCmdPubSub, ping, {"Returns the server's liveliness response.", "1.0.0", "connection", "O(1)"});
    t.add("auth", -2, conn | kCmdNoAuth, auth, {"Authenticates the connection.", "1.0.0", "connection", "O(N)"});
    t.add("hello", -1, conn | kCmdNoAuth, hello, {"Handshakes with the Redis server.", "6.0.0", "connection", "O(1)"});
    if (!sentinel) {
        t.add("echo", 2, conn, echo, {"Returns the given string.", "1.0.0", "connection", "O(1)"});
        t.add("select", 2, conn, select, {"Changes the selected database.", "1.0.0", "connection", "O(1)"});
        t.add("quit", -1, conn | kCmdNoAuth | kCmdPubSub, quit, {"Closes the connection.", "1.0.0", "connection", "O(1)"});
        t.add("reset", 1, conn | kCmdNoAuth | kCmdPubSub, resetCmd, {"Resets the connection.", "6.2.0", "connection", "O(1)"});
    }
    t.add("client", -2, conn, nullptr, {"A container for client connection commands.", "2.4.0", "connection", "Depends on subcommand."});
    t.addSub("client", "setname", 3, conn, clientSetName, {"Sets the connection name.", "2.6.9", "connection", "O(1)"});
    t.addSub("client", "getname", 2, conn, clientGetName, {"Returns the name of the connection.", "2.6.9", "connection", "O(1)"});
    t.addSub("client", "id", 2, conn, clientId, {"Returns the unique client ID of the connection.", "5.0.0", "connection", "O(1)"});
    t.addSub("client", "list", -2, conn, clientList, {"Lists open connections.", "2.4.0", "connection", "O(N)"});
    t.addSub("client", "info", 2, conn, clientInfo, {"Returns information about the connection.", "6.2.0", "connection", "O(1)"});
    t.addSub("client", "kill", -3, conn, clientKill, {"Terminates open connections.", "2.4.0", "connection", "O(N)"});
    if (!sentinel)  // a 7.0 Sentinel answers "unknown subcommand", as clients expect
        t.addSub("client", "setinfo", 4, conn, clientSetInfo,
                 {"Sets information specific to the client or connection.", "7.2.0", "connection", "O(1)"});
}

}  // namespace sentinelpool::testing::detail
