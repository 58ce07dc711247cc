// Each connection: read the request head (until the blank line, at most 8 KiB, in
// 5 s), answer, then a lingering close: the send side is shut and whatever the
// scraper still sends is read and dropped for a moment, so that the answer is not
// lost to a reset. Every step is bounded in time; the connection's shared_ptr is its
// lifetime, and the count of open ones its admission.
#include "supervisor/loop/metrics_server.hpp"

#include "supervisor/loop/accept_loop.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "supervisor/control/http_answer.hpp"
#include "supervisor/control/metrics_text.hpp"

namespace angel {
namespace {

namespace asio = boost::asio;
using Generic = asio::generic::stream_protocol;

constexpr std::size_t kMaxConnections = 64;
constexpr auto kReadTimeout = std::chrono::seconds(5);
constexpr auto kWriteTimeout = std::chrono::seconds(10);
constexpr auto kLinger = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;  ///< dropped at most, after the answer

}  // namespace

struct MetricsServer::Connection : std::enable_shared_from_this<Connection> {
    Connection(asio::io_context& io, std::shared_ptr<Shared> shared, int family, int fd)
        : socket(io), timer(io), input(control::kMaxHttpRequestBytes), shared(std::move(shared)) {
        ++this->shared->open;
        boost::system::error_code ec;
        socket.assign(Generic(family, SOCK_STREAM), fd, ec);
        if (ec) ::close(fd);
    }
    ~Connection() { --shared->open; }

    void read_request() {
        auto self = shared_from_this();
        timer.expires_after(kReadTimeout);
        timer.async_wait([self](const boost::system::error_code& ec) {
            if (ec) return;
            boost::system::error_code ignored;
            self->socket.cancel(ignored);  // its read handler answers 408
        });
        asio::async_read_until(socket, input, "\r\n\r\n",
                               [self](const boost::system::error_code& ec, std::size_t length) {
                                   self->timer.cancel();
                                   self->on_request(ec, length);
                               });
    }

    void on_request(const boost::system::error_code& ec, std::size_t length) {
        if (ec == asio::error::operation_aborted) return answer(control::http_error(408));
        if (ec == asio::error::not_found) return answer(control::http_error(431));
        if (ec) {
            // The scraper left (or sent half a head and closed its side).
            if (input.size() == 0 || ec != asio::error::eof) return close();
            return answer(control::http_error(400));
        }
        const std::string head(asio::buffers_begin(input.data()),
                               asio::buffers_begin(input.data()) + static_cast<std::ptrdiff_t>(length - 4));
        const control::HttpAnswer a = control::answer_request(head);
        if (a.status != 200) return answer(control::http_error(a.status));
        answer(control::http_response(200, control::kMetricsContentType, shared->metrics(), a.head_only));
    }

    void answer(std::string text) {
        output = std::move(text);
        auto self = shared_from_this();
        timer.expires_after(kWriteTimeout);
        timer.async_wait([self](const boost::system::error_code& ec) {
            if (!ec) self->close();  // too slow a reader: its write handler ends it
        });
        asio::async_write(socket, asio::buffer(output), [self](const boost::system::error_code& ec, std::size_t) {
            self->timer.cancel();
            if (ec) return self->close();
            self->linger();
        });
    }

    void linger() {
        boost::system::error_code ignored;
        socket.shutdown(Generic::socket::shutdown_send, ignored);
        auto self = shared_from_this();
        timer.expires_after(kLinger);
        timer.async_wait([self](const boost::system::error_code& ec) {
            if (!ec) self->close();
        });
        drain();
    }

    void drain() {
        auto self = shared_from_this();
        socket.async_read_some(asio::buffer(sink), [self](const boost::system::error_code& ec, std::size_t n) {
            self->drained += n;
            if (ec || self->drained > kLingerBytes) {
                self->timer.cancel();
                return self->close();
            }
            self->drain();
        });
    }

    void close() {
        boost::system::error_code ignored;
        socket.close(ignored);
    }

    Generic::socket socket;
    asio::steady_timer timer;
    asio::streambuf input;
    std::string output;
    std::array<char, 16384> sink{};
    std::size_t drained = 0;
    std::shared_ptr<Shared> shared;
};

MetricsServer::MetricsServer(asio::io_context& io, ListenSocket socket, std::function<std::string()> metrics)
    : io_(io), socket_(std::move(socket)), accept_(io, socket_.fd.get(), [this](int fd) { take(fd); }) {
    shared_->metrics = std::move(metrics);
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    if (::getsockname(socket_.fd.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        throw std::system_error(errno, std::generic_category(), "metrics socket");
    }
    family_ = address.ss_family;
}

MetricsServer::~MetricsServer() { close_listen_socket(socket_); }

void MetricsServer::start() { accept_.start(); }

void MetricsServer::take(int fd) {
    // Over the limit nothing is kept: a 503, best effort, and the socket is closed.
    if (shared_->open >= kMaxConnections) return refuse_connection(fd, control::http_error(503));
    std::make_shared<Connection>(io_, shared_, family_, fd)->read_request();
}

}  // namespace angel
