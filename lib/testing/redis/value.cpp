#include "redis/value.hpp"

#include "server/util.hpp"

namespace sentinelpool::testing::detail {

const char* typeName(ValueType t) {
    switch (t) {
    case ValueType::String: return "string";
    case ValueType::List: return "list";
    case ValueType::Set: return "set";
    case ValueType::ZSet: return "zset";
    case ValueType::Hash: return "hash";
    case ValueType::Stream: return "stream";
    }
    return "none";
}

const char* StringValue::encoding() const {
    // Redis's tryObjectEncoding: a canonical long of at most 20 characters
    // is an integer; then the embedded-string size limit, 44 bytes.
    if (enc == StrEnc::Raw) return "raw";
    if (enc == StrEnc::Auto && bytes.size() <= 20 && parseInt(bytes)) return "int";
    return bytes.size() <= 44 ? "embstr" : "raw";
}

Value::Value(ValueType t) { reset(t); }

void Value::reset(ValueType t) {
    switch (t) {
    case ValueType::String: data_.emplace<StringValue>(); break;
    case ValueType::List: data_.emplace<Box<ListValue>>(); break;
    case ValueType::Set: data_.emplace<Box<SetValue>>(); break;
    case ValueType::ZSet: data_.emplace<Box<ZSetValue>>(); break;
    case ValueType::Hash: data_.emplace<Box<HashValue>>(); break;
    case ValueType::Stream: data_.emplace<Box<StreamValue>>(); break;
    }
}

void Value::setString(std::string_view bytes, StrEnc enc) {
    if (!is(ValueType::String)) data_.emplace<StringValue>();
    auto& s = string();
    s.bytes.assign(bytes.data(), bytes.size());
    s.enc = enc;
}

const char* Value::encoding() const {
    switch (type()) {
    case ValueType::String: return string().encoding();
    case ValueType::List: return list().encoding();
    case ValueType::Set: return set().encoding();
    case ValueType::ZSet: return zset().encoding();
    case ValueType::Hash: return hash().encoding();
    case ValueType::Stream: return stream().encoding();
    }
    return "unknown";
}

bool Value::emptyCollection() const {
    switch (type()) {
    case ValueType::String: return false;
    case ValueType::List: return list().empty();
    case ValueType::Set: return set().empty();
    case ValueType::ZSet: return zset().empty();
    case ValueType::Hash: return hash().empty();
    case ValueType::Stream: return false;  // an empty stream is a key, as in Redis
    }
    return false;
}

}  // namespace sentinelpool::testing::detail
