// Reading readiness messages: whatever is there, then wait again; a callback that
// destroys the watch ends the reading at once (the shared state says so).
#include "supervisor/loop/ready_watch.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <string>
#include <cerrno>
#include <string_view>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "supervisor/os/notify_socket.hpp"
#include "supervisor/os/process_tree.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {

struct ReadyWatch::State : std::enable_shared_from_this<ReadyWatch::State> {
    State(boost::asio::io_context& io, Kind k, int fd, std::string path, std::function<void(ReadyMessage)> cb)
        : kind(k), descriptor(io, fd), unlink_path(std::move(path)), on_message(std::move(cb)) {}

    Kind kind;
    boost::asio::posix::stream_descriptor descriptor;
    std::string unlink_path;
    std::function<void(ReadyMessage)> on_message;
    bool alive = true;
    // The notify socket's sender check (accept_from).
    pid_t sender_root = 0;
    bool sender_tree = false;
    std::string context;
    bool told_ignored = false;  ///< the one line about a dropped datagram is written
    pid_t last_refused = 0;     ///< a stranger that floods costs one parent walk, not one per datagram

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
            pid_t sender = 0;
            const ssize_t n = kind == Kind::pipe
                                  ? ::read(descriptor.native_handle(), buffer.data(), buffer.size())
                                  : receive_notify(descriptor.native_handle(), buffer.data(), buffer.size(), sender);
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
            if (accepted(sender)) deliver_datagram(data);
        }
        return alive;
    }

    /// Whether a datagram from `sender` is the instance's to send; the first refusal is
    /// logged, once for this instance, so a flood of foreign datagrams costs no log.
    bool accepted(pid_t sender) {
        if (sender_root > 0 && sender == sender_root) return true;
        if (sender_root > 0 && sender_tree && sender != last_refused && in_process_tree(sender, sender_root)) {
            return true;
        }
        last_refused = sender;
        if (!told_ignored && sender_root > 0) {
            told_ignored = true;
            log(Level::v2, context,
                std::string(msg::notify_ignored) + std::to_string(sender) +
                    std::string(sender_tree ? msg::notify_not_in_tree : msg::notify_not_main));
        }
        return false;
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
            } else if (line == "WATCHDOG=1") {
                cb(ReadyMessage{ReadyMessage::Kind::watchdog, {}});
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

void ReadyWatch::accept_from(pid_t pid, bool tree, std::string context) {
    state_->sender_root = pid;
    state_->sender_tree = tree;
    state_->context = std::move(context);
}

}  // namespace angel
