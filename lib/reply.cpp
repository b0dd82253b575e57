#include "sentinelpool/reply.hpp"

#include <hiredis.h>

namespace sentinelpool {

Reply::~Reply() {
    if (r_) freeReplyObject(r_);
}

Reply& Reply::operator=(Reply&& o) noexcept {
    if (this != &o) {
        if (r_) freeReplyObject(r_);
        r_ = o.r_;
        o.r_ = nullptr;
    }
    return *this;
}

redisReply* Reply::release() {
    redisReply* r = r_;
    r_ = nullptr;
    return r;
}

bool Reply::isString() const { return r_ && r_->type == REDIS_REPLY_STRING; }
bool Reply::isStatus() const { return r_ && r_->type == REDIS_REPLY_STATUS; }
bool Reply::isError() const { return r_ && r_->type == REDIS_REPLY_ERROR; }
bool Reply::isInteger() const { return r_ && r_->type == REDIS_REPLY_INTEGER; }
bool Reply::isNil() const { return r_ && r_->type == REDIS_REPLY_NIL; }
bool Reply::isArray() const { return r_ && r_->type == REDIS_REPLY_ARRAY; }

std::string_view Reply::str() const {
    if (!r_ || !(r_->type == REDIS_REPLY_STRING || r_->type == REDIS_REPLY_STATUS || r_->type == REDIS_REPLY_ERROR))
        return {};
    return std::string_view(r_->str, r_->len);
}

long long Reply::integer() const { return isInteger() ? r_->integer : 0; }
std::size_t Reply::size() const { return isArray() ? r_->elements : 0; }
const redisReply* Reply::element(std::size_t i) const { return isArray() && i < r_->elements ? r_->element[i] : nullptr; }
std::string Reply::toString() const { return describeReply(r_); }

std::string describeReply(const redisReply* r) {
    if (!r) return "(no reply)";
    switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR: return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER: return "(integer) " + std::to_string(r->integer);
    case REDIS_REPLY_NIL: return "(nil)";
    case REDIS_REPLY_ARRAY: {
        std::string out = "[";
        for (std::size_t i = 0; i < r->elements; ++i) out += (i ? ", " : "") + describeReply(r->element[i]);
        return out + "]";
    }
    default: return "(reply type " + std::to_string(r->type) + ")";
    }
}

}  // namespace sentinelpool
