#include "server/resp_writer.hpp"

#include <charconv>

namespace sentinelpool::testing::detail {

void Reply::header(char type, long long n) {
    char buf[32];
    buf[0] = type;
    auto res = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
    *res.ptr++ = '\r';
    *res.ptr++ = '\n';
    out_->append(buf, static_cast<std::size_t>(res.ptr - buf));
}

void Reply::simple(std::string_view s) {
    out_->push_back('+');
    out_->append(s);
    out_->append("\r\n", 2);
}

void Reply::error(std::string_view msg) {
    out_->push_back('-');
    std::size_t start = out_->size();
    out_->append(msg);
    for (std::size_t i = start; i < out_->size(); ++i) {
        char& c = (*out_)[i];
        if (c == '\r' || c == '\n') c = ' ';
    }
    out_->append("\r\n", 2);
}

void Reply::integer(long long v) { header(':', v); }

void Reply::bulk(std::string_view s) {
    header('$', static_cast<long long>(s.size()));
    out_->append(s);
    out_->append("\r\n", 2);
}

void Reply::null() {
    if (proto_ == 3)
        out_->append("_\r\n", 3);
    else
        out_->append("$-1\r\n", 5);
}

void Reply::nullArray() {
    if (proto_ == 3)
        out_->append("_\r\n", 3);
    else
        out_->append("*-1\r\n", 5);
}

void Reply::array(std::size_t n) { header('*', static_cast<long long>(n)); }

void Reply::map(std::size_t pairs) {
    if (proto_ == 3)
        header('%', static_cast<long long>(pairs));
    else
        header('*', static_cast<long long>(pairs * 2));
}

void Reply::set(std::size_t n) { header(proto_ == 3 ? '~' : '*', static_cast<long long>(n)); }

void Reply::push(std::size_t n) { header(proto_ == 3 ? '>' : '*', static_cast<long long>(n)); }

void Reply::verbatim(std::string_view s) {
    if (proto_ != 3) {
        bulk(s);
        return;
    }
    header('=', static_cast<long long>(s.size() + 4));
    out_->append("txt:", 4);
    out_->append(s);
    out_->append("\r\n", 2);
}

}  // namespace sentinelpool::testing::detail
