// Taking connections off a listening socket on the loop, for the control socket and
// the metrics endpoint alike. Asio's own accept is a plain accept(2), so a connection
// would be inheritable until marked, and a program spawned meanwhile (on this same
// loop) would get it: the loop waits for a pending connection and takes it with
// accept4, close-on-exec and non-blocking from its first instant.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <string_view>

namespace angel {

class AcceptLoop {
public:
    /// Waits on a duplicate of `listen_fd` (the caller keeps the original, whose close
    /// removes a unix socket's file); `on_connection` gets each accepted descriptor.
    AcceptLoop(boost::asio::io_context& io, int listen_fd, std::function<void(int)> on_connection);
    AcceptLoop(const AcceptLoop&) = delete;
    AcceptLoop& operator=(const AcceptLoop&) = delete;
    ~AcceptLoop();

    void start();

private:
    void wait();
    void accept_pending();
    void later();

    boost::asio::posix::stream_descriptor listener_;
    boost::asio::steady_timer retry_;  ///< out of descriptors, or an error: look again a little later
    std::function<void(int)> on_connection_;
};

/// Over a limit: what the client already sent is read (closing on unread data would
/// reset the connection and lose the reply), `reply` goes out best effort, never
/// waiting, and `fd` is closed.
void refuse_connection(int fd, std::string_view reply);

}  // namespace angel
