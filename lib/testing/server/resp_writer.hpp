#pragma once
// RESP2/RESP3 encoder for the embedded servers. One Reply is bound to one
// connection's output buffer and follows the protocol the client chose with
// HELLO. Only the loop thread that owns the connection touches it.

#include <cstddef>
#include <string>
#include <string_view>

namespace sentinelpool::testing::detail {

class Reply {
public:
    explicit Reply(std::string& out, int proto = 2) : out_(&out), proto_(proto) {}

    int proto() const { return proto_; }
    void setProto(int proto) { proto_ = proto; }
    std::string& buffer() { return *out_; }

    void ok() { out_->append("+OK\r\n", 5); }
    void simple(std::string_view s);
    // `msg` is the full error line without the leading '-', e.g.
    // "ERR syntax error". CR and LF are replaced by spaces, as Redis does.
    void error(std::string_view msg);
    void integer(long long v);
    void bulk(std::string_view s);
    void null();       // RESP2 "$-1", RESP3 "_"
    void nullArray();  // RESP2 "*-1", RESP3 "_"
    void array(std::size_t n);
    void map(std::size_t pairs);   // RESP2: flat array of 2n, RESP3: '%'
    void set(std::size_t n);       // RESP2: array, RESP3: '~'
    void push(std::size_t n);      // RESP2: array, RESP3: '>'
    // Text for humans (INFO, CLIENT LIST): RESP2 bulk, RESP3 verbatim "txt".
    void verbatim(std::string_view s);
    void emptyArray() { out_->append("*0\r\n", 4); }

private:
    void header(char type, long long n);
    std::string* out_;
    int proto_;
};

}  // namespace sentinelpool::testing::detail
