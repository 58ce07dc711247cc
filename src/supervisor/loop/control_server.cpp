#include "supervisor/loop/control_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>

#include "supervisor/control/protocol.hpp"
#include "supervisor/loop/accept_loop.hpp"
#include "supervisor/os/control_socket.hpp"

namespace angel {
namespace {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

// Generous for a person, small for a machine: 64 silent clients hold 64 fds for 5 s.
constexpr std::size_t kMaxConnections = 64;
constexpr auto kReadTimeout = std::chrono::seconds(5);
constexpr auto kWriteTimeout = std::chrono::seconds(10);

}  // namespace

struct ControlServer::Connection : std::enable_shared_from_this<Connection> {
    Connection(asio::io_context& io, std::shared_ptr<Counter> counter)
        : socket(io), timer(io), input(control::kMaxRequestBytes + 1), counter(std::move(counter)) {
        ++this->counter->open;
    }
    ~Connection() { --counter->open; }

    /// Sends `reply`, then closes; the write is bounded in time as the read is.
    void reply(std::string text) {
        if (replied) return;
        replied = true;
        output = std::move(text);
        auto self = shared_from_this();
        timer.expires_after(kWriteTimeout);
        timer.async_wait([self](const boost::system::error_code& ec) {
            if (!ec) self->close();
        });
        asio::async_write(socket, asio::buffer(output), [self](const boost::system::error_code&, std::size_t) {
            self->timer.cancel();
            self->close();
        });
    }

    /// An error reply (`ok` false, the text in `error`), then closes.
    void fail(std::string why) { reply(control::render_reply(control::Reply{false, std::move(why), {}})); }

    void close() {
        boost::system::error_code ignored;
        socket.shutdown(Local::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    Local::socket socket;
    asio::steady_timer timer;
    asio::streambuf input;
    std::string output;
    std::string refusal;  ///< set: whatever it asks, this is the reply
    bool replied = false;
    std::shared_ptr<Counter> counter;
};

ControlServer::ControlServer(asio::io_context& io, Supervisor& engine, ListenSocket socket, uid_t allowed_uid)
    : io_(io),
      engine_(engine),
      socket_(std::move(socket)),
      accept_(io, socket_.fd.get(), [this](int fd) { take(fd); }),
      allowed_uid_(allowed_uid) {}

ControlServer::~ControlServer() { close_listen_socket(socket_); }

void ControlServer::start() {
    engine_.set_observer([this] { check_pending(); });
    accept_.start();
}

void ControlServer::take(int fd) {
    auto connection = std::make_shared<Connection>(io_, counter_);
    boost::system::error_code assigned;
    connection->socket.assign(Local(), fd, assigned);
    if (assigned) {
        ::close(fd);
        return;
    }
    admit(std::move(connection));
}

void ControlServer::admit(std::shared_ptr<Connection> connection) {
    if (counter_->open > kMaxConnections) {
        // Over the limit nothing is read or kept (the count includes this one).
        const int fd = connection->socket.release();
        return refuse_connection(fd, control::render_reply(control::Reply{
                                         false, "busy: " + std::to_string(kMaxConnections) + " connections are open", {}}));
    }
    const std::optional<uid_t> uid = peer_uid(connection->socket.native_handle());
    if (!uid || (*uid != 0 && *uid != allowed_uid_)) {
        // Refused after its request is read (bounded as any), so that the client gets
        // the reply rather than a reset connection.
        connection->refusal = "permission denied: uid " + (uid ? std::to_string(*uid) : std::string("?")) +
                              " is neither root nor angel's user";
    }
    read_request(std::move(connection));
}

void ControlServer::read_request(std::shared_ptr<Connection> connection) {
    connection->timer.expires_after(kReadTimeout);
    connection->timer.async_wait([connection](const boost::system::error_code& ec) {
        if (ec) return;
        // Silent too long: the read is cancelled, its handler answers.
        boost::system::error_code ignored;
        connection->socket.cancel(ignored);
    });
    asio::async_read_until(
        connection->socket, connection->input, '\n',
        [this, connection](const boost::system::error_code& ec, std::size_t length) {
            connection->timer.cancel();
            if (!connection->refusal.empty() &&
                (!ec || ec == asio::error::eof || ec == asio::error::operation_aborted || ec == asio::error::not_found)) {
                return connection->fail(connection->refusal);
            }
            if (ec == asio::error::operation_aborted) {
                return connection->fail("no request within 5 seconds");
            }
            if (ec == asio::error::not_found) {
                return connection->fail("request longer than " + std::to_string(control::kMaxRequestBytes) + " bytes");
            }
            if (ec && ec != asio::error::eof) return connection->close();
            const std::size_t size = ec ? connection->input.size() : length;
            if (size == 0) return connection->close();  // connected, sent nothing, left
            std::string line(asio::buffers_begin(connection->input.data()),
                             asio::buffers_begin(connection->input.data()) + static_cast<std::ptrdiff_t>(size));
            handle(connection, line);
        });
}

void ControlServer::handle(const std::shared_ptr<Connection>& connection, const std::string& line) {
    auto fail = [&](const std::string& why) { connection->fail(why); };
    auto parsed = control::parse_request(line);
    if (auto* error = std::get_if<std::string>(&parsed)) return fail(*error);
    const control::Request& request = std::get<control::Request>(parsed);
    if (request.command == "reload") {
        auto wanted = engine_.request_reload();
        if (auto* error = std::get_if<std::string>(&wanted)) return fail(*error);
        pending_.push_back(Pending{connection, true, std::get<std::uint64_t>(wanted), {}, {}});
        return check_pending();
    }
    if (request.command == "metrics") {
        if (!metrics_) return fail("metrics: not available");
        return connection->reply(control::render_reply(control::Reply{true, metrics_(), {}}));
    }
    auto matched = engine_.match_ids(request.ids);
    if (auto* error = std::get_if<std::string>(&matched)) return fail(*error);
    const std::vector<std::string>& ids = std::get<std::vector<std::string>>(matched);
    if (request.command == "status") {
        return connection->reply(control::render_reply(control::Reply{true, {}, engine_.status(ids)}));
    }
    if (request.command == "signal") {
        const std::size_t sent = engine_.send_signal(ids, request.signal);
        if (sent == 0) return fail("no running process to signal");
        return connection->reply(control::render_reply(
            control::Reply{true, "signal " + std::to_string(request.signal) + " sent to " + std::to_string(sent) +
                                     (sent == 1 ? " process" : " processes"), {}}));
    }
    // restart, stop, start: each id begins now; the reply waits for all of them.
    Pending pending{connection, false, 0, {}, {}};
    for (const std::string& id : ids) {
        std::variant<RequestToken, RequestOutcome> begun = RequestOutcome{};
        if (request.command == "restart") {
            auto restart = engine_.restart(id);
            if (auto* refused = std::get_if<std::string>(&restart)) {
                begun = RequestOutcome{false, *refused};
            } else {
                begun = std::get<RequestToken>(restart);
            }
        } else {
            begun = request.command == "stop" ? engine_.stop_program(id) : engine_.start_program(id);
        }
        if (auto* now = std::get_if<RequestOutcome>(&begun)) {
            pending.restarts.push_back(RequestToken{id});
            pending.outcomes.push_back(*now);
        } else {
            pending.restarts.push_back(std::get<RequestToken>(begun));
            pending.outcomes.emplace_back();
        }
    }
    pending_.push_back(std::move(pending));
    check_pending();
}

bool ControlServer::finished(Pending& p) {
    if (p.reload) {
        auto outcome = engine_.reload_outcome(p.reload_wanted);
        if (!outcome && engine_.shutting_down()) outcome = RequestOutcome{false, "angel is shutting down"};
        if (!outcome) return false;
        p.connection->reply(control::render_reply(control::Reply{outcome->ok, outcome->text, {}}));
        return true;
    }
    bool all = true;
    for (std::size_t i = 0; i < p.restarts.size(); ++i) {
        if (p.outcomes[i]) continue;
        p.outcomes[i] = engine_.request_outcome(p.restarts[i]);
        if (!p.outcomes[i] && engine_.shutting_down()) p.outcomes[i] = RequestOutcome{false, "angel is shutting down"};
        all = all && p.outcomes[i].has_value();
    }
    if (!all) return false;
    control::Reply reply;
    for (const auto& outcome : p.outcomes) {
        reply.ok = reply.ok && outcome->ok;
        reply.text += (reply.text.empty() ? "" : "\n") + outcome->text;
    }
    // A failed restart is still a reply with every line: `ok` false, the text in `error`.
    p.connection->reply(control::render_reply(reply));
    return true;
}

void ControlServer::check_pending() {
    std::erase_if(pending_, [this](Pending& p) { return finished(p); });
}

}  // namespace angel
