// The `metrics` endpoint on the loop: HTTP/1.1 GET /metrics for Prometheus, one
// request per connection, bounded like the control socket (8 KiB of request, 5 s to
// send it, 64 connections; more get a 503 and are closed). Nothing here blocks:
// reads and writes are asynchronous, a silent or slow scraper costs one timer and one
// fd. Accepted sockets are close-on-exec from their first instant (accept4).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>

#include "supervisor/loop/accept_loop.hpp"
#include "supervisor/os/listen_socket.hpp"

namespace angel {

class MetricsServer {
public:
    /// Takes the bound socket; `metrics` renders the exposition for each scrape.
    MetricsServer(boost::asio::io_context& io, ListenSocket socket, std::function<std::string()> metrics);
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;
    ~MetricsServer();  ///< closes the socket; a unix socket's file goes if it is still ours

    void start();

    struct Connection;
    struct Shared {
        std::size_t open = 0;
        std::function<std::string()> metrics;
    };

private:
    void take(int fd);  ///< an accepted connection (close-on-exec, non-blocking)

    boost::asio::io_context& io_;
    ListenSocket socket_;
    AcceptLoop accept_;
    int family_ = 0;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace angel
