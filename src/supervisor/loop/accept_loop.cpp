// accept4 on readiness, a bounded batch per wakeup, a pause instead of a spin.
#include "supervisor/loop/accept_loop.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

namespace angel {
namespace {

constexpr int kAcceptsPerWakeup = 64;  // a flood of clients shares the loop
constexpr auto kRetry = std::chrono::milliseconds(100);

}  // namespace

AcceptLoop::AcceptLoop(boost::asio::io_context& io, int listen_fd, std::function<void(int)> on_connection)
    : listener_(io), retry_(io), on_connection_(std::move(on_connection)) {
    const int fd = ::fcntl(listen_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "listening socket");
    listener_.assign(fd);
    listener_.non_blocking(true);
}

AcceptLoop::~AcceptLoop() {
    boost::system::error_code ignored;
    retry_.cancel();
    listener_.close(ignored);
}

void AcceptLoop::start() { wait(); }

void AcceptLoop::wait() {
    listener_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted) return;
        if (ec) return later();
        accept_pending();
    });
}

void AcceptLoop::accept_pending() {
    for (int taken = 0; taken < kAcceptsPerWakeup; ++taken) {
        const int fd = ::accept4(listener_.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            on_connection_(fd);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return wait();
        return later();  // out of descriptors or memory: the connection stays queued
    }
    wait();
}

void AcceptLoop::later() {
    // Waiting again at once on a listener that stays readable would spin.
    retry_.expires_after(kRetry);
    retry_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) wait();
    });
}

void refuse_connection(int fd, std::string_view reply) {
    char sink[4096];
    for (int i = 0; i < 16 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
    }
    [[maybe_unused]] auto sent = ::send(fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

}  // namespace angel
