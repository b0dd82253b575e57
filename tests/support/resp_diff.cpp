#include "resp_diff.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace sentinelpool::test {

Node parseNode(std::string_view b, std::size_t& pos) {
    if (pos >= b.size()) throw std::runtime_error("truncated RESP");
    Node n;
    n.type = b[pos];
    std::size_t eol = b.find("\r\n", pos);
    if (eol == std::string_view::npos) throw std::runtime_error("truncated RESP line");
    std::string head(b.substr(pos + 1, eol - pos - 1));
    pos = eol + 2;
    switch (n.type) {
    case '$': case '=': case '!': {
        long long len = std::stoll(head);
        if (len < 0) {
            n.null = true;
            break;
        }
        if (pos + static_cast<std::size_t>(len) + 2 > b.size()) throw std::runtime_error("truncated RESP bulk");
        n.text = std::string(b.substr(pos, static_cast<std::size_t>(len)));
        pos += static_cast<std::size_t>(len) + 2;
        break;
    }
    case '*': case '~': case '>': case '%': case '|': {
        long long len = std::stoll(head);
        if (len < 0) {
            n.null = true;
            break;
        }
        if (n.type == '%' || n.type == '|') len *= 2;
        for (long long i = 0; i < len; ++i) n.kids.push_back(parseNode(b, pos));
        break;
    }
    default: n.text = head; break;
    }
    return n;
}

Node parse(std::string_view bytes) {
    std::size_t pos = 0;
    Node n = parseNode(bytes, pos);
    if (pos != bytes.size()) throw std::runtime_error("trailing bytes after the reply");
    return n;
}

bool isMap(const Node& n) { return n.type == '%' || n.type == '|'; }
bool isAggregate(char t) { return t == '*' || t == '~' || t == '>' || t == '%' || t == '|'; }
bool isNumber(char t) { return t == ':' || t == ',' || t == '('; }
bool isBulk(char t) { return t == '$' || t == '=' || t == '!'; }

std::string encode(const Node& n) {
    std::string out(1, n.type);
    if (n.null) return out + "-1\r\n";
    if (isBulk(n.type)) return out + std::to_string(n.text.size()) + "\r\n" + n.text + "\r\n";
    if (isAggregate(n.type)) {
        out += std::to_string(isMap(n) ? n.kids.size() / 2 : n.kids.size()) + "\r\n";
        for (auto& k : n.kids) out += encode(k);
        return out;
    }
    return out + n.text + "\r\n";
}

std::string canonical(const Node& n) {
    std::string out(1, n.type);
    if (n.null) return out + "-1\r\n";
    if (isBulk(n.type)) return out + std::to_string(n.text.size()) + "\r\n" + n.text + "\r\n";
    if (isAggregate(n.type)) {
        std::vector<std::string> parts;
        if (isMap(n)) {
            for (std::size_t i = 0; i + 1 < n.kids.size(); i += 2)
                parts.push_back(canonical(n.kids[i]) + canonical(n.kids[i + 1]));
        } else {
            for (auto& k : n.kids) parts.push_back(canonical(k));
        }
        std::sort(parts.begin(), parts.end());
        out += std::to_string(parts.size()) + "\r\n";
        for (auto& p : parts) out += p;
        return out;
    }
    return out + n.text + "\r\n";
}

std::string differs(const Node& redis, const Node& mini, Mode mode, const std::string& path) {
    std::string at = path.empty() ? "reply" : path;
    if (redis.type != mini.type)
        return at + ": type '" + std::string(1, redis.type) + "' from Redis, '" + std::string(1, mini.type) +
               "' from the Mini server";
    if (redis.null != mini.null) return at + ": null on one side only";
    if (isNumber(redis.type)) {
        if (mode == Mode::Exact || mode == Mode::Unordered) {
            if (redis.text != mini.text) return at + ": " + redis.text + " vs " + mini.text;
        }
        return {};
    }
    if (isBulk(redis.type)) {
        if (mode != Mode::Shape && redis.text != mini.text)
            return at + ": \"" + escape(redis.text) + "\" vs \"" + escape(mini.text) + "\"";
        return {};
    }
    if (redis.kids.empty() && mini.kids.empty()) {
        if (redis.text != mini.text) return at + ": " + escape(redis.text) + " vs " + escape(mini.text);
        return {};
    }
    if (redis.kids.size() != mini.kids.size())
        return at + ": " + std::to_string(redis.kids.size()) + " elements from Redis, " +
               std::to_string(mini.kids.size()) + " from the Mini server";
    for (std::size_t i = 0; i < redis.kids.size(); ++i) {
        std::string sub = at + "[" + std::to_string(i) + "]";
        // Map keys are compared whatever the mode.
        Mode m = isMap(redis) && i % 2 == 0 ? Mode::Exact : mode;
        std::string d = differs(redis.kids[i], mini.kids[i], m, sub);
        if (!d.empty()) return d;
    }
    return {};
}

std::string differs(const std::string& redisBytes, const std::string& miniBytes, Mode mode) {
    if (mode == Mode::Exact) return redisBytes == miniBytes ? std::string() : "the bytes differ";
    Node r, m;
    try {
        r = parse(redisBytes);
        m = parse(miniBytes);
    } catch (const std::exception& e) {
        return std::string("unparsable reply: ") + e.what();
    }
    if (mode == Mode::Unordered)
        return canonical(r) == canonical(m) ? std::string() : "different elements (compared in any order)";
    return differs(r, m, mode, "");
}

const char* modeName(Mode m) {
    switch (m) {
    case Mode::Exact: return "exact";
    case Mode::Unordered: return "unordered";
    case Mode::IgnoreInts: return "ignore-ints";
    case Mode::Shape: return "shape";
    }
    return "?";
}

std::string describe(const std::vector<std::string>& argv) {
    std::string out;
    for (auto& a : argv) {
        if (!out.empty()) out += ' ';
        out += a.size() > 60 ? escape(a.substr(0, 60)) + "...(" + std::to_string(a.size()) + " bytes)" : escape(a);
    }
    return out;
}

// ---------------------------------------------------------------------------
// PairedClients

PairedClients::PairedClients(int realPort, int fakePort, std::string realName, std::string fakeName)
    : real_(realPort), fake_(fakePort), realName_(std::move(realName)), fakeName_(std::move(fakeName)) {}

void PairedClients::call(const std::vector<std::string>& argv, int replies, Mode mode) {
    send(encodeCommand(argv));
    for (int i = 0; i < replies; ++i) expect(describe(argv), mode);
}

void PairedClients::each(const std::vector<std::string>& realArgv, const std::vector<std::string>& fakeArgv,
                         Mode mode) {
    real_.send(encodeCommand(realArgv));
    fake_.send(encodeCommand(fakeArgv));
    expect(describe(realArgv) + " / " + describe(fakeArgv), mode);
}

void PairedClients::send(const std::string& bytes) {
    real_.send(bytes);
    fake_.send(bytes);
}

void PairedClients::expect(const std::string& what, Mode mode) {
    auto [r, m] = replies(what);
    compare(what, r, m, mode);
}

std::pair<std::string, std::string> PairedClients::replies(const std::string& what) {
    std::string r, m;
    try {
        r = real_.reply();
    } catch (const std::exception& e) {
        FAIL("no reply from " << realName_ << " to " << what << ": " << std::string(e.what()));
    }
    try {
        m = fake_.reply();
    } catch (const std::exception& e) {
        FAIL("no reply from " << fakeName_ << " to " << what << " (" << realName_ << " sent " << escape(r)
                              << "): " << std::string(e.what()));
    }
    return {r, m};
}

std::pair<std::string, std::string> PairedClients::both(const std::vector<std::string>& argv) {
    send(encodeCommand(argv));
    return replies(describe(argv));
}

std::pair<Node, Node> PairedClients::nodes(const std::vector<std::string>& argv) {
    auto [r, m] = both(argv);
    try {
        return {parse(r), parse(m)};
    } catch (const std::exception& e) {
        FAIL("unparsable reply to " << describe(argv) << ": " << std::string(e.what()));
    }
    return {};
}

void PairedClients::unsubscribeAll(const std::vector<std::string>& argv, int replies) {
    send(encodeCommand(argv));
    std::string what = describe(argv);
    std::vector<std::string> names[2], skeleton[2];
    for (int i = 0; i < replies; ++i) {
        auto [r, m] = this->replies(what);
        const std::string* bytes[2] = {&r, &m};
        for (int side = 0; side < 2; ++side) {
            Node n = parse(*bytes[side]);
            if (n.kids.size() == 3) {
                names[side].push_back(encode(n.kids[1]));
                n.kids[1] = Node{'$', false, "<name>", {}};
            }
            skeleton[side].push_back(encode(n));
        }
    }
    for (auto& v : names) std::sort(v.begin(), v.end());
    std::string command = what;
    CAPTURE(command);
    CHECK(skeleton[0] == skeleton[1]);
    CHECK(names[0] == names[1]);
}

void PairedClients::expectClose(const std::string& what) {
    std::string r, m;
    try {
        r = real_.readUntilClosed();
    } catch (const std::exception& e) {
        FAIL(realName_ << " did not close the connection after " << what << ": " << std::string(e.what()));
    }
    try {
        m = fake_.readUntilClosed();
    } catch (const std::exception& e) {
        FAIL(fakeName_ << " did not close the connection after " << what << " (" << realName_ << " sent "
                       << escape(r) << "): " << std::string(e.what()));
    }
    std::string command = what;
    std::string real = escape(r), fake = escape(m);
    CAPTURE(command);
    CAPTURE(real);
    CAPTURE(fake);
    CHECK(r == m);
}

}  // namespace sentinelpool::test
