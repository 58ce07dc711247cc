// The control socket on the loop: accepts angelctl's connections, reads one request
// each (bounded in size and time), asks the engine, replies, closes. Requests that
// wait (restart, reload) are looked at again after every event the engine handles.
// Nothing here blocks: a slow, silent or vanished client costs one timer and one fd.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "supervisor/engine/supervisor.hpp"
#include "supervisor/loop/accept_loop.hpp"
#include "supervisor/os/listen_socket.hpp"

namespace angel {

class ControlServer {
public:
    /// Takes the bound socket; peers other than root and `allowed_uid` are refused.
    ControlServer(boost::asio::io_context& io, Supervisor& engine, ListenSocket socket, uid_t allowed_uid);
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;
    ~ControlServer();  ///< closes the socket; its file goes if it is still ours

    void start();
    /// What `angelctl metrics` prints: the exposition, rendered when asked.
    void set_metrics(std::function<std::string()> metrics) { metrics_ = std::move(metrics); }

    struct Connection;
    struct Counter {
        std::size_t open = 0;
    };

private:
    /// A request whose reply waits on the engine.
    struct Pending {
        std::shared_ptr<Connection> connection;
        bool reload = false;
        std::uint64_t reload_wanted = 0;
        std::vector<RequestToken> restarts;                   ///< restart, stop, start: one per id
        std::vector<std::optional<RequestOutcome>> outcomes;  ///< per id
    };

    void take(int fd);  ///< an accepted connection (close-on-exec, non-blocking)
    void admit(std::shared_ptr<Connection> connection);
    void read_request(std::shared_ptr<Connection> connection);
    void handle(const std::shared_ptr<Connection>& connection, const std::string& line);
    void check_pending();
    bool finished(Pending& pending);

    boost::asio::io_context& io_;
    Supervisor& engine_;
    ListenSocket socket_;  ///< owns the file (removed at close)
    AcceptLoop accept_;
    uid_t allowed_uid_;
    std::shared_ptr<Counter> counter_ = std::make_shared<Counter>();
    std::vector<Pending> pending_;
    std::function<std::string()> metrics_;
};

}  // namespace angel
