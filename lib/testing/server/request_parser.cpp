#include "server/request_parser.hpp"

#include <cctype>
#include <cstring>

#include <hiredis.h>

#include "server/util.hpp"

namespace sentinelpool::testing::detail {

namespace {

// The second parameter of createArray is int in hiredis 0.14 and size_t in
// 1.x; take whatever this hiredis declares.
template <class F>
struct SecondArg;
template <class R, class A, class B>
struct SecondArg<R (*)(A, B)> {
    using type = B;
};
using ArrayCount = SecondArg<decltype(redisReplyObjectFunctions::createArray)>::type;

char typeByteOf(int replyType) {
    switch (replyType) {
    case REDIS_REPLY_ARRAY: return '*';
    case REDIS_REPLY_INTEGER: return ':';
    case REDIS_REPLY_STATUS: return '+';
    case REDIS_REPLY_ERROR: return '-';
    default: return '?';
    }
}

std::string expectedDollar(char got) {
    std::string msg = "Protocol error: expected '$', got '";
    msg.push_back(got);
    msg.push_back('\'');
    return msg;
}

// hiredis reports an unknown type byte as `... got "X" as reply type byte`,
// with C escapes for unprintable bytes. Recover the byte.
char typeByteFromReaderError(const char* errstr) {
    const char* p = std::strstr(errstr, "got \"");
    if (!p) return '?';
    p += 5;
    if (p[0] != '\\') return p[0];
    switch (p[1]) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'x': {
        unsigned v = 0;
        for (int i = 2; i < 4 && std::isxdigit(static_cast<unsigned char>(p[i])); ++i)
            v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(p[i]))
                                                   ? p[i] - '0'
                                                   : std::tolower(static_cast<unsigned char>(p[i])) - 'a' + 10);
        return static_cast<char>(v);
    }
    default: return p[1];
    }
}

// Redis finds line ends with strchr: a NUL byte before the terminator hides it.
const char* findLineEnd(const char* p, std::size_t len, char terminator) {
    const char* t = static_cast<const char*>(std::memchr(p, terminator, len));
    if (!t) return nullptr;
    return std::memchr(p, '\0', static_cast<std::size_t>(t - p)) ? nullptr : t;
}

// Type of the element the reader is in the middle of (-1: its type byte is
// not read yet). The task stack is laid out differently in hiredis 1.x.
int pendingTaskType(const redisReader* r) {
    if (r->ridx < 0) return -1;
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
    return r->task[r->ridx]->type;
#else
    return r->rstack[r->ridx].type;
#endif
}

}  // namespace

// hiredis object builders. The parser reads a request's "*N" header itself
// (Redis's rules for that line are its own); the reader then parses each
// argument as one top-level reply, which must be a bulk string. Every object
// is the parser itself (a non-null token); arguments are copied into the
// parser's arena, because the reader compacts its buffer between replies.
struct ParserCallbacks {
    static RequestParser* self(const redisReadTask* task) { return static_cast<RequestParser*>(task->privdata); }

    static void* createString(const redisReadTask* task, char* str, size_t len) {
        RequestParser* p = self(task);
        if (task->type != REDIS_REPLY_STRING || task->parent) {
            p->error_ = expectedDollar(typeByteOf(task->type));
            return nullptr;
        }
        if (static_cast<long long>(len) > RequestParser::kMaxBulk) {
            p->error_ = "Protocol error: invalid bulk length";
            return nullptr;
        }
        if (p->unauthenticated_ && static_cast<long long>(len) > RequestParser::kUnauthBulk) {
            p->error_ = "Protocol error: unauthenticated bulk length";
            return nullptr;
        }
        p->spans_.emplace_back(p->arena_.size(), len);
        p->arena_.append(str, len);
        return p;
    }
    static void* createArray(const redisReadTask* task, ArrayCount) {
        // An argument that is an array: never valid in a request.
        self(task)->error_ = expectedDollar('*');
        return nullptr;
    }
    static void* createInteger(const redisReadTask* task, long long) {
        self(task)->error_ = expectedDollar(':');
        return nullptr;
    }
    static void* createNil(const redisReadTask* task) {
        RequestParser* p = self(task);
        p->error_ = task->type == REDIS_REPLY_ARRAY ? expectedDollar('*') : "Protocol error: invalid bulk length";
        return nullptr;
    }
    static void freeObject(void*) {}
};

namespace {
redisReplyObjectFunctions* callbacks() {
    static redisReplyObjectFunctions fns = [] {
        redisReplyObjectFunctions f{};
        f.createString = &ParserCallbacks::createString;
        f.createArray = &ParserCallbacks::createArray;
        f.createInteger = &ParserCallbacks::createInteger;
        f.createNil = &ParserCallbacks::createNil;
        f.freeObject = &ParserCallbacks::freeObject;
        return f;
    }();
    return &fns;
}
}  // namespace

RequestParser::RequestParser() : reader_(redisReaderCreateWithFunctions(callbacks())) {
    reader_->privdata = this;
}

RequestParser::~RequestParser() { redisReaderFree(reader_); }

void RequestParser::feed(const char* data, std::size_t len) {
    if (failed_ || len == 0) return;
    if (redisReaderFeed(reader_, data, len) != REDIS_OK) fail("Protocol error: out of memory");
}

std::size_t RequestParser::pending() const { return reader_->buf ? reader_->len - reader_->pos : 0; }

RequestParser::Status RequestParser::fail(std::string msg) {
    failed_ = true;
    inResp_ = false;
    error_ = "ERR " + msg;
    return Status::Error;
}

RequestParser::Status RequestParser::next() {
    if (failed_) return Status::Error;
    for (;;) {
        if (!inResp_) {
            std::size_t avail = pending();
            if (avail == 0) {
                // Lets the reader compact its buffer after inline commands.
                if (reader_->len) {
                    void* none = nullptr;
                    redisReaderGetReply(reader_, &none);
                }
                return Status::NeedMore;
            }
            const char* p = reader_->buf + reader_->pos;
            if (*p != '*') {
                Status s = parseInline();
                if (s == Status::Request && argv_.empty()) continue;  // empty line
                return s;
            }
            // Validate the array header ourselves: Redis's rules are stricter
            // than hiredis 0.14's, and the count must be checked before the
            // reader reserves anything.
            // As Redis: the line ends at the first '\r' (whatever byte
            // follows it), and a NUL byte hides any line end after it.
            const char* cr = findLineEnd(p, avail, '\r');
            if (!cr) {
                if (avail > kInlineMax) return fail("Protocol error: too big mbulk count string");
                return Status::NeedMore;
            }
            if (static_cast<std::size_t>(cr - p) + 2 > avail) return Status::NeedMore;
            auto count = parseInt(std::string_view(p + 1, static_cast<std::size_t>(cr - p - 1)));
            if (!count || *count > kMaxMultibulk) return fail("Protocol error: invalid multibulk length");
            if (unauthenticated_ && *count > kUnauthMultibulk)
                return fail("Protocol error: unauthenticated multibulk length");
            reader_->pos += static_cast<std::size_t>(cr - p) + 2;
            if (*count <= 0) continue;  // "*0" and "*-1" are skipped silently, as Redis does
            inResp_ = true;
            expected_ = static_cast<std::size_t>(*count);
            arena_.clear();
            spans_.clear();
            spans_.reserve(expected_ < 1024 ? expected_ : 1024);
            error_.clear();
        }
        void* obj = nullptr;
        int rc = redisReaderGetReply(reader_, &obj);
        if (!error_.empty()) return fail(error_);
        if (rc != REDIS_OK) {
            std::string_view e = reader_->errstr;
            if (e.find("reply type byte") != std::string_view::npos)
                return fail(expectedDollar(typeByteFromReaderError(reader_->errstr)));
            if (e.find("ulti-bulk") != std::string_view::npos)
                return fail("Protocol error: invalid multibulk length");
            return fail("Protocol error: invalid bulk length");
        }
        if (!obj) {
            if (!checkPendingBulkHeader()) return Status::Error;
            return Status::NeedMore;
        }
        if (spans_.size() < expected_) continue;  // the next argument
        inResp_ = false;
        finishArgv();
        return Status::Request;
    }
}

// The reader waits for a whole bulk string before calling us, so a huge
// announced length would only be noticed once that many bytes arrived. Look
// at the incomplete header now: the unparsed bytes start either with the '$'
// (not read yet) or with the length digits (the reader is in a bulk string).
bool RequestParser::checkPendingBulkHeader() {
    std::size_t avail = pending();
    if (avail == 0) return true;
    const char* p = reader_->buf + reader_->pos;
    int type = pendingTaskType(reader_);
    if (type == -1 && *p == '$') {
        ++p;
        --avail;
    } else if (type != REDIS_REPLY_STRING) {
        return true;  // not a bulk header: the reader will report it whole
    }
    const char* cr = static_cast<const char*>(std::memchr(p, '\r', avail));
    if (!cr) {
        if (avail > kInlineMax) {
            fail("Protocol error: too big bulk count string");
            return false;
        }
        return true;
    }
    auto len = parseInt(std::string_view(p, static_cast<std::size_t>(cr - p)));
    if (!len || *len < 0 || *len > kMaxBulk) {
        fail("Protocol error: invalid bulk length");
        return false;
    }
    if (unauthenticated_ && *len > kUnauthBulk) {
        fail("Protocol error: unauthenticated bulk length");
        return false;
    }
    return true;
}

void RequestParser::finishArgv() {
    argv_.clear();
    for (auto& s : spans_) argv_.emplace_back(arena_.data() + s.first, s.second);
}

namespace {
bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
int hexVal(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}
}  // namespace

// Inline commands follow Redis's sdssplitargs rules: blanks separate
// arguments; "double quotes" take C escapes and \xHH; 'single quotes' take
// \'; a closing quote must be followed by a blank or the end.
RequestParser::Status RequestParser::parseInline() {
    const char* start = reader_->buf + reader_->pos;
    std::size_t avail = pending();
    const char* nl = findLineEnd(start, avail, '\n');
    if (!nl) {
        if (avail > kInlineMax) return fail("Protocol error: too big inline request");
        return Status::NeedMore;
    }
    const char* end = nl;
    if (end > start && end[-1] == '\r') --end;
    std::size_t consumed = static_cast<std::size_t>(nl - start) + 1;

    arena_.clear();
    spans_.clear();
    const char* p = start;
    auto at = [&](const char* q) { return q < end ? *q : '\0'; };
    for (;;) {
        while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
        if (p >= end) break;
        std::size_t argStart = arena_.size();
        bool inDouble = false, inSingle = false, done = false;
        while (!done) {
            char c = at(p);
            if (inDouble) {
                if (c == '\\' && at(p + 1) == 'x' && isHex(at(p + 2)) && isHex(at(p + 3))) {
                    arena_.push_back(static_cast<char>(hexVal(at(p + 2)) * 16 + hexVal(at(p + 3))));
                    p += 3;
                } else if (c == '\\' && at(p + 1)) {
                    ++p;
                    switch (*p) {
                    case 'n': arena_.push_back('\n'); break;
                    case 'r': arena_.push_back('\r'); break;
                    case 't': arena_.push_back('\t'); break;
                    case 'b': arena_.push_back('\b'); break;
                    case 'a': arena_.push_back('\a'); break;
                    default: arena_.push_back(*p); break;
                    }
                } else if (c == '"') {
                    if (at(p + 1) && !std::isspace(static_cast<unsigned char>(at(p + 1))))
                        return fail("Protocol error: unbalanced quotes in request");
                    done = true;
                } else if (!c) {
                    return fail("Protocol error: unbalanced quotes in request");
                } else {
                    arena_.push_back(c);
                }
            } else if (inSingle) {
                if (c == '\\' && at(p + 1) == '\'') {
                    ++p;
                    arena_.push_back('\'');
                } else if (c == '\'') {
                    if (at(p + 1) && !std::isspace(static_cast<unsigned char>(at(p + 1))))
                        return fail("Protocol error: unbalanced quotes in request");
                    done = true;
                } else if (!c) {
                    return fail("Protocol error: unbalanced quotes in request");
                } else {
                    arena_.push_back(c);
                }
            } else {
                switch (c) {
                case ' ': case '\n': case '\r': case '\t': case '\0': done = true; break;
                case '"': inDouble = true; break;
                case '\'': inSingle = true; break;
                default: arena_.push_back(c); break;
                }
            }
            if (p < end) ++p;
        }
        spans_.emplace_back(argStart, arena_.size() - argStart);
    }
    reader_->pos += consumed;
    finishArgv();  // empty for an empty line, which the caller skips
    return Status::Request;
}

}  // namespace sentinelpool::testing::detail
