#include "server/command_table.hpp"

#include <stdexcept>

#include "server/util.hpp"

namespace sentinelpool::testing::detail {

bool Call::is(std::size_t i, std::string_view keyword) const { return i < argv.size() && iequals(argv[i], keyword); }

Command& CommandTable::add(std::string name, int arity, unsigned flags, Handler handler, CommandDoc doc) {
    auto cmd = std::make_unique<Command>();
    cmd->name = name;
    cmd->arity = arity;
    cmd->flags = flags;
    cmd->handler = std::move(handler);
    cmd->doc = std::move(doc);
    cmd->id = count_++;
    auto& slot = commands_[std::move(name)];
    slot = std::move(cmd);
    return *slot;
}

Command& CommandTable::addSub(const std::string& parent, const std::string& sub, int arity, unsigned flags,
                              Handler handler, CommandDoc doc) {
    auto it = commands_.find(parent);
    if (it == commands_.end()) throw std::logic_error("no container command " + parent);
    auto cmd = std::make_unique<Command>();
    cmd->name = parent + "|" + sub;
    cmd->arity = arity;
    cmd->flags = flags;
    cmd->handler = std::move(handler);
    cmd->doc = std::move(doc);
    cmd->id = count_++;
    auto& slot = it->second->subcommands[sub];
    slot = std::move(cmd);
    return *slot;
}

namespace {
// Lower-cases into a small buffer; names longer than any command are unknown.
bool lowerName(std::string_view in, std::string& out) {
    if (in.size() > 64) return false;
    out.assign(in.data(), in.size());
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return true;
}
}  // namespace

const Command* CommandTable::find(std::string_view name) const {
    thread_local std::string key;
    if (!lowerName(name, key)) return nullptr;
    auto it = commands_.find(key);
    return it == commands_.end() ? nullptr : it->second.get();
}

const Command* CommandTable::findSub(const Command& parent, std::string_view sub) {
    thread_local std::string key;
    if (!lowerName(sub, key)) return nullptr;
    auto it = parent.subcommands.find(key);
    return it == parent.subcommands.end() ? nullptr : it->second.get();
}

const Command* CommandTable::findFullName(std::string_view name) const {
    auto bar = name.find('|');
    if (bar == std::string_view::npos) return find(name);
    const Command* parent = find(name.substr(0, bar));
    return parent ? findSub(*parent, name.substr(bar + 1)) : nullptr;
}

std::string wrongArity(std::string_view name) {
    std::string msg = "ERR wrong number of arguments for '";
    msg.append(name);
    msg.append("' command");
    return msg;
}

}  // namespace sentinelpool::testing::detail
