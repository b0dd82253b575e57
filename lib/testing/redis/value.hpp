#pragma once
// A MiniRedis value: exactly one Redis type, with the parts every type has
// (expiry, access time). Each type's data structure and encoding rules live
// in a file of its own (string_type.hpp, list_type.hpp, hash_type.hpp,
// set_type.hpp, zset_type.hpp, stream_type.hpp), next to the command group
// that uses it; what is the same for every type (TYPE, OBJECT, WRONGTYPE,
// expiry, COPY, RENAME, MOVE, SCAN, the direct API) is written once against
// this class.
//
// Values copy deeply (a replica's snapshot, COPY) and move cheaply: strings
// are stored inline, collections behind a pointer.

#include <cstdint>
#include <memory>
#include <variant>

#include "redis/hash_type.hpp"
#include "redis/list_type.hpp"
#include "redis/set_type.hpp"
#include "redis/stream_type.hpp"
#include "redis/string_type.hpp"
#include "redis/zset_type.hpp"

namespace sentinelpool::testing::detail {

// In the order of Value's variant.
enum class ValueType : std::uint8_t { String, List, Set, ZSet, Hash, Stream };

// TYPE's answer: "string", "list", "set", "zset", "hash", "stream".
const char* typeName(ValueType t);

// An owning pointer that copies what it points to.
template <class T>
class Box {
public:
    Box() : p_(std::make_unique<T>()) {}
    Box(const Box& o) : p_(std::make_unique<T>(*o.p_)) {}
    Box(Box&&) noexcept = default;
    Box& operator=(const Box& o) {
        if (this != &o) p_ = std::make_unique<T>(*o.p_);
        return *this;
    }
    Box& operator=(Box&&) noexcept = default;
    ~Box() = default;
    T& operator*() { return *p_; }
    const T& operator*() const { return *p_; }

private:
    std::unique_ptr<T> p_;
};

class Value {
public:
    Value() = default;  // an empty string
    explicit Value(ValueType t);

    ValueType type() const { return static_cast<ValueType>(data_.index()); }
    bool is(ValueType t) const { return type() == t; }

    // The payload; the type must match (checked with std::get).
    StringValue& string() { return std::get<StringValue>(data_); }
    const StringValue& string() const { return std::get<StringValue>(data_); }
    std::string& str() { return string().bytes; }
    const std::string& str() const { return string().bytes; }
    ListValue& list() { return *std::get<Box<ListValue>>(data_); }
    const ListValue& list() const { return *std::get<Box<ListValue>>(data_); }
    SetValue& set() { return *std::get<Box<SetValue>>(data_); }
    const SetValue& set() const { return *std::get<Box<SetValue>>(data_); }
    ZSetValue& zset() { return *std::get<Box<ZSetValue>>(data_); }
    const ZSetValue& zset() const { return *std::get<Box<ZSetValue>>(data_); }
    HashValue& hash() { return *std::get<Box<HashValue>>(data_); }
    const HashValue& hash() const { return *std::get<Box<HashValue>>(data_); }
    StreamValue& stream() { return *std::get<Box<StreamValue>>(data_); }
    const StreamValue& stream() const { return *std::get<Box<StreamValue>>(data_); }

    // Replaces the payload with an empty value of type t (expiry kept).
    void reset(ValueType t);
    // Replaces the payload with a string (expiry kept).
    void setString(std::string_view bytes, StrEnc enc = StrEnc::Auto);

    // OBJECT ENCODING's answer for the payload as it is now.
    const char* encoding() const;
    // Elements of a collection (strings: 1). A collection left empty by a
    // command is deleted, as in Redis.
    bool emptyCollection() const;

    std::int64_t expireAtMs = -1;  // absolute, on the instance's clock; -1: persistent
    std::int64_t accessMs = 0;     // last access (OBJECT IDLETIME), same clock

private:
    std::variant<StringValue, Box<ListValue>, Box<SetValue>, Box<ZSetValue>, Box<HashValue>, Box<StreamValue>> data_;
};

}  // namespace sentinelpool::testing::detail
