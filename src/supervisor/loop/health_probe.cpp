// The probe's one socket is made close-on-exec and non-blocking by angel itself
// (SOCK_CLOEXEC at socket()), then handed to Asio: a child spawned while a check is
// in flight never inherits it.
#include "supervisor/loop/health_probe.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace angel {
namespace {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;

/// An answer's first line longer than this is not an HTTP status line.
constexpr std::size_t kMaxStatusLine = 4096;

/// "connection refused": an error's text as a reason, first letter lower-case.
std::string reason(std::string_view step, const boost::system::error_code& ec) {
    std::string text = ec.message();
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return std::string(step) + ": " + text;
}

struct Op : std::enable_shared_from_this<Op> {
    Op(asio::io_context& io, std::function<void(ProbeResult)> d) : socket(io), input(kMaxStatusLine), done(std::move(d)) {}

    void finish(ProbeResult result) {
        if (!done) return;
        auto callback = std::move(done);
        done = nullptr;
        boost::system::error_code ignored;
        socket.close(ignored);
        callback(std::move(result));  // may destroy the Watch; `this` lives on in the handler's copy
    }

    void start(const CheckSpec& check) {
        boost::system::error_code ec;
        const asio::ip::address address = asio::ip::make_address(check.host, ec);
        if (ec) return post_finish(ProbeResult{false, reason("address", ec)});
        const int fd = ::socket(address.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            return post_finish(ProbeResult{false, reason("socket", boost::system::error_code(errno, boost::system::system_category()))});
        }
        socket.assign(address.is_v6() ? Tcp::v6() : Tcp::v4(), fd, ec);
        if (ec) {
            ::close(fd);
            return post_finish(ProbeResult{false, reason("socket", ec)});
        }
        if (check.kind == CheckSpec::Kind::http) {
            const std::string host = address.is_v6() ? "[" + check.host + "]" : check.host;
            request = "GET " + check.target + " HTTP/1.0\r\nHost: " + host + ":" + std::to_string(check.port) +
                      "\r\nUser-Agent: angel\r\nConnection: close\r\n\r\n";
        }
        const bool http = check.kind == CheckSpec::Kind::http;
        socket.async_connect(Tcp::endpoint(address, check.port), [self = shared_from_this(), http](const boost::system::error_code& e) {
            if (e == asio::error::operation_aborted) return;
            if (e) return self->finish(ProbeResult{false, reason("connect", e)});
            if (!http) return self->finish(ProbeResult{true, {}});
            self->send();
        });
    }

    void send() {
        asio::async_write(socket, asio::buffer(request), [self = shared_from_this()](const boost::system::error_code& e, std::size_t) {
            if (e == asio::error::operation_aborted) return;
            if (e) return self->finish(ProbeResult{false, reason("http: send", e)});
            self->receive();
        });
    }

    void receive() {
        asio::async_read_until(socket, input, "\r\n", [self = shared_from_this()](const boost::system::error_code& e, std::size_t n) {
            if (e == asio::error::operation_aborted) return;
            if (e == asio::error::eof) return self->finish(ProbeResult{false, "http: closed before an answer"});
            if (e == asio::error::not_found) return self->finish(ProbeResult{false, "http: not an HTTP answer"});
            if (e) return self->finish(ProbeResult{false, reason("http: receive", e)});
            const auto data = self->input.data();
            const std::string line(asio::buffers_begin(data), asio::buffers_begin(data) + static_cast<std::ptrdiff_t>(n));
            self->finish(judge_status_line(line));
        });
    }

    void post_finish(ProbeResult result) {
        asio::post(socket.get_executor(), [self = shared_from_this(), r = std::move(result)]() mutable { self->finish(std::move(r)); });
    }

    Tcp::socket socket;
    asio::streambuf input;
    std::string request;
    std::function<void(ProbeResult)> done;
};

class NetProbe final : public Watch {
public:
    explicit NetProbe(std::shared_ptr<Op> op) : op_(std::move(op)) {}
    ~NetProbe() override {
        op_->done = nullptr;  // abandoned: no result after this
        boost::system::error_code ignored;
        op_->socket.close(ignored);
    }

private:
    std::shared_ptr<Op> op_;
};

}  // namespace

ProbeResult judge_status_line(std::string_view line) {
    // "HTTP/1.x NNN reason"
    const std::size_t space = line.find(' ');
    if (!line.starts_with("HTTP/") || space == std::string_view::npos || line.size() < space + 4) {
        return {false, "http: not an HTTP answer"};
    }
    int status = 0;
    for (std::size_t i = space + 1; i < space + 4; ++i) {
        if (line[i] < '0' || line[i] > '9') return {false, "http: not an HTTP answer"};
        status = status * 10 + (line[i] - '0');
    }
    if (status >= 200 && status <= 399) return {true, {}};
    return {false, "http status " + std::to_string(status)};
}

std::unique_ptr<Watch> start_net_probe(asio::io_context& io, const CheckSpec& check,
                                       std::function<void(ProbeResult)> done) {
    auto op = std::make_shared<Op>(io, std::move(done));
    op->start(check);
    return std::make_unique<NetProbe>(std::move(op));
}

}  // namespace angel
