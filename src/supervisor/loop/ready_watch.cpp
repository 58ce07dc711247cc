// Reading readiness messages: whatever is there, then wait again; a callback that
// destroys the watch ends the reading at once (the shared state says so).
#include "supervisor/loop/ready_watch.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string_view>

#include <boost/asio/posix/stream_descriptor.hpp>

namespace angel {

struct ReadyWatch::State : std::enable_shared_from_this<ReadyWatch::State> {
    State(boost::asio::io_context& io, Kind k, int fd, std::string path, std::function<void(ReadyMessage)> cb)
        : kind(k), descriptor(io, fd), unlink_path(std::move(path)), on_message(std::move(cb)) {}

    Kind kind;
    boost::asio::posix::stream_descriptor descriptor;
    std::string unlink_path;
    std::function<void(ReadyMessage)> on_message;
    bool alive = true;

    void wait() {
        descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                              [self = shared_from_this()](const boost::system::error_code& ec) {
                                  if (ec || !self->alive) return;
                                  // Waiting again first: a callback that throws must not
                                  // leave the channel unwatched.
                                  self->wait();
                                  if (!self->drain() && self->alive) self->close();  // a read error: done
                              });
    }

    void close() {
        alive = false;
        boost::system::error_code ignored;
        descriptor.close(ignored);
        if (!unlink_path.empty()) ::unlink(unlink_path.c_str());
        unlink_path.clear();
    }

    /// Reads what is there, at most kReadsPerWakeup times (a child that floods its channel
    /// must not hold the loop: the wait is already armed for the rest); false when the
    /// watch is over.
    bool drain() {
        constexpr int kReadsPerWakeup = 64;
        std::array<char, 4096> buffer{};
        for (int reads = 0; alive && reads < kReadsPerWakeup; ++reads) {
            const ssize_t n = kind == Kind::pipe ? ::read(descriptor.native_handle(), buffer.data(), buffer.size())
                                                 : ::recv(descriptor.native_handle(), buffer.data(), buffer.size(), 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                return errno == EAGAIN || errno == EWOULDBLOCK;  // anything else: nothing more will come
            }
            const std::string_view data(buffer.data(), static_cast<std::size_t>(n));
            if (kind == Kind::pipe) {
                if (n == 0) return deliver_last(ReadyMessage::Kind::never);
                if (data.find('\n') != std::string_view::npos) return deliver_last(ReadyMessage::Kind::ready);
                continue;
            }
            deliver_datagram(data);
        }
        return alive;
    }

    bool deliver_last(ReadyMessage::Kind k) {
        auto cb = on_message;  // the callback may destroy the watch
        close();
        if (cb) cb(ReadyMessage{k, {}});
        return false;
    }

    /// sd_notify's format: NAME=VALUE lines; unknown ones are ignored.
    void deliver_datagram(std::string_view data) {
        while (!data.empty() && alive) {
            const std::size_t end = std::min(data.find('\n'), data.size());
            const std::string_view line = data.substr(0, end);
            data.remove_prefix(std::min(end + 1, data.size()));
            auto cb = on_message;
            if (line == "READY=1") {
                cb(ReadyMessage{ReadyMessage::Kind::ready, {}});
            } else if (line == "STOPPING=1") {
                cb(ReadyMessage{ReadyMessage::Kind::stopping, {}});
            } else if (line.starts_with("STATUS=")) {
                cb(ReadyMessage{ReadyMessage::Kind::status, std::string(line.substr(7, 200))});
            }
        }
    }
};

ReadyWatch::ReadyWatch(boost::asio::io_context& io, Kind kind, Fd fd, std::string unlink_path,
                       std::function<void(ReadyMessage)> on_message)
    : state_(std::make_shared<State>(io, kind, fd.release(), std::move(unlink_path), std::move(on_message))) {
    state_->wait();
}

ReadyWatch::~ReadyWatch() { state_->close(); }

}  // namespace angel
