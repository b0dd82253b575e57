// Transactions: MULTI EXEC DISCARD WATCH UNWATCH, with Redis 7.0's rules.
// - While a client is in MULTI, every command but MULTI, EXEC, DISCARD,
//   WATCH, QUIT and RESET is queued (+QUEUED) once it passed the checks a
//   command passes (Server::dispatch, then MiniRedisCore::queue); a command
//   refused there flags the transaction, and EXEC answers EXECABORT.
// - EXEC runs the queue under one hold of the data lock: atomic for every
//   other client and for direct access; runtime errors are answered in
//   place and the rest runs; blocking commands do not block.
// - A watched key touched by any write (commands of any client, the direct
//   API, expiry, FLUSHDB/FLUSHALL/SWAPDB, a replicated write, a full sync)
//   makes EXEC answer a null reply; so does a watched key that expired
//   after WATCH.
// - The writes of one EXEC reach replicas as one MULTI ... EXEC block.

#include <algorithm>

#include "redis/cmd_util.hpp"

namespace sentinelpool::testing::detail {

namespace {

// The commands that run while a transaction is being queued.
bool runsInMulti(const Command& cmd) {
    const std::string& n = cmd.name;
    return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" || n == "reset";
}

}  // namespace

bool MiniRedisCore::inMulti(const Peer& p) const {
    auto it = txs_.find(p.id);
    return it != txs_.end() && it->second.inMulti;
}

bool MiniRedisCore::queue(Peer& p, const Command& cmd, const std::vector<std::string_view>& argv) {
    // txs_ changes shape only on this (the loop) thread: the empty check
    // needs no lock, and keeps the common path free of it.
    if (txs_.empty() || runsInMulti(cmd)) return false;
    std::lock_guard<std::mutex> lk(mu_);
    auto it = txs_.find(p.id);
    if (it == txs_.end() || !it->second.inMulti) return false;
    it->second.queued.push_back(QueuedCommand{&cmd, std::vector<std::string>(argv.begin(), argv.end())});
    p.reply.simple("QUEUED");
    return true;
}

bool MiniRedisCore::rejected(Peer& p, const Command* cmd, std::string_view msg) {
    if (cmd && cmd->name == "exec") {
        // execCommandAbort: the transaction is discarded, whatever state
        // the client was in, and the error says why.
        {
            std::lock_guard<std::mutex> lk(mu_);
            discardLocked(p.id);
        }
        if (msg.substr(0, 4) == "ERR ") msg.remove_prefix(4);
        p.reply.error("EXECABORT Transaction discarded because of: " + std::string(msg));
        return true;
    }
    if (txs_.empty()) return false;
    std::lock_guard<std::mutex> lk(mu_);
    auto it = txs_.find(p.id);
    if (it != txs_.end() && it->second.inMulti) it->second.dirtyExec = true;
    return false;
}

void MiniRedisCore::onReset(Peer& p) {
    std::lock_guard<std::mutex> lk(mu_);
    discardLocked(p.id);
}

void MiniRedisCore::multiCommand(Call& c) {
    Transaction& tx = txs_[c.peer.id];
    if (tx.inMulti) {
        c.reply.error("ERR MULTI calls can not be nested");
        return;
    }
    tx.inMulti = true;
    c.reply.ok();
}

void MiniRedisCore::discardCommand(Call& c) {
    if (!inMulti(c.peer)) {
        c.reply.error("ERR DISCARD without MULTI");
        return;
    }
    discardLocked(c.peer.id);
    c.reply.ok();
}

void MiniRedisCore::watchCommand(Call& c) {
    if (inMulti(c.peer)) {
        c.reply.error("ERR WATCH inside MULTI is not allowed");
        return;
    }
    Transaction& tx = txs_[c.peer.id];
    int dbIndex = c.peer.db;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string key(c.arg(i));
        bool already = false;
        for (auto& w : tx.watched)
            if (w.db == dbIndex && w.key == key) already = true;
        if (already) continue;
        Value* v = data_.dbs[dbIndex].find(key);
        bool expired = v && v->expireAtMs >= 0 && v->expireAtMs <= nowMs();
        tx.watched.push_back(WatchedKey{dbIndex, key, expired});
        watchers_[std::make_pair(dbIndex, key)].push_back(c.peer.id);
    }
    c.reply.ok();
}

void MiniRedisCore::unwatchCommand(Call& c) {
    unwatchAllLocked(c.peer.id);
    auto it = txs_.find(c.peer.id);
    if (it != txs_.end() && !it->second.inMulti) txs_.erase(it);
    c.reply.ok();
}

void MiniRedisCore::unwatchAllLocked(std::uint64_t peerId) {
    auto it = txs_.find(peerId);
    if (it == txs_.end()) return;
    for (auto& w : it->second.watched) {
        auto wi = watchers_.find(std::make_pair(w.db, w.key));
        if (wi == watchers_.end()) continue;
        auto& ids = wi->second;
        ids.erase(std::remove(ids.begin(), ids.end(), peerId), ids.end());
        if (ids.empty()) watchers_.erase(wi);
    }
    it->second.watched.clear();
    it->second.dirtyCas = false;
}

void MiniRedisCore::discardLocked(std::uint64_t peerId) {
    unwatchAllLocked(peerId);
    txs_.erase(peerId);
}

void MiniRedisCore::execCommand(Call& c) {
    std::unique_lock<std::mutex> lk(mu_);
    auto it = txs_.find(c.peer.id);
    if (it == txs_.end() || !it->second.inMulti) {
        c.reply.error("ERR EXEC without MULTI");
        return;
    }
    // isWatchedKeyExpired: a watched key alive at WATCH and expired now.
    for (auto& w : it->second.watched) {
        if (w.expired) continue;
        Value* v = data_.dbs[w.db].find(w.key);
        if (v && v->expireAtMs >= 0 && v->expireAtMs <= nowMs()) it->second.dirtyCas = true;
    }
    Transaction tx = std::move(it->second);
    discardLocked(c.peer.id);  // unwatch at once, as Redis does
    if (tx.dirtyExec) {
        c.reply.error("EXECABORT Transaction discarded because of previous errors.");
        return;
    }
    if (tx.dirtyCas) {
        c.reply.nullArray();
        return;
    }
    c.reply.array(tx.queued.size());
    std::vector<Propagation> props;
    ++execDepth_;
    for (auto& q : tx.queued) {
        std::vector<std::string_view> views(q.argv.begin(), q.argv.end());
        Call inner{c.server, c.peer, views, c.reply, *q.cmd};
        std::size_t mark = c.peer.out.size();
        try {
            if (q.cmd->flags & kCmdNoLock) {
                // Commands that take the lock themselves (REPLICAOF) or need
                // none run outside it.
                lk.unlock();
                try {
                    q.cmd->handler(inner);
                } catch (...) {
                    lk.lock();
                    throw;
                }
                lk.lock();
            } else {
                runLocked(inner, props);
            }
        } catch (const std::exception& e) {
            c.server.commandFailed(c.peer, mark, q.cmd->name, e.what());
        } catch (...) {
            c.server.commandFailed(c.peer, mark, q.cmd->name, "unknown exception");
        }
    }
    --execDepth_;
    if (!props.empty()) {
        propagateAllLocked(props, true);
        c.peer.lastWriteOffset = static_cast<std::uint64_t>(replOffset_);
    }
}

void registerTransactionCommands(CommandTable& t) {
    // MULTI, DISCARD, WATCH and UNWATCH take the data lock (execute());
    // EXEC takes it itself, to run the queue under one hold.
    const unsigned f = kCmdFast;
    t.add("multi", 1, f, [](Call& c) { MiniRedisCore::of(c).multiCommand(c); },
          {"Starts a transaction.", "1.2.0", "transactions", "O(1)"});
    t.add("exec", 1, kCmdNoLock, [](Call& c) { MiniRedisCore::of(c).execCommand(c); },
          {"Executes all commands in a transaction.", "1.2.0", "transactions", "Depends on commands in the transaction"});
    t.add("discard", 1, f, [](Call& c) { MiniRedisCore::of(c).discardCommand(c); },
          {"Discards a transaction.", "2.0.0", "transactions", "O(N), when N is the number of queued commands"});
    t.add("watch", -2, f, [](Call& c) { MiniRedisCore::of(c).watchCommand(c); },
          {"Monitors changes to keys to determine the execution of a transaction.", "2.2.0", "transactions", "O(1) for every key."})
        .keys(1, -1, 1);
    t.add("unwatch", 1, f, [](Call& c) { MiniRedisCore::of(c).unwatchCommand(c); },
          {"Forgets about watched keys of a transaction.", "2.2.0", "transactions", "O(1)"});
}

}  // namespace sentinelpool::testing::detail
