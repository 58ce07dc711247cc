// A served instance's readiness channel on the loop: its notify socket (datagrams
// READY=1, STOPPING=1, STATUS=...) or the read end of its readiness pipe (a newline
// means ready, end of file first means never). Reads never block the loop.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "supervisor/engine/effects.hpp"
#include "supervisor/os/files.hpp"

namespace angel {

class ReadyWatch final : public Watch {
public:
    enum class Kind { notify_socket, pipe };

    /// Watches `fd` (non-blocking); `unlink_path`, if not empty, is removed with it.
    ReadyWatch(boost::asio::io_context& io, Kind kind, Fd fd, std::string unlink_path,
               std::function<void(ReadyMessage)> on_message);
    ~ReadyWatch() override;

    /// A notify socket's sender check, set once the instance's pid is known (right after
    /// the launch, before the loop reads anything): only datagrams from `pid` itself, or
    /// with `tree` from any of its descendants, are messages (systemd's NotifyAccess=main
    /// and all). Others are dropped; the first one dropped is logged under `context`.
    /// Until it is set, every datagram is dropped.
    void accept_from(pid_t pid, bool tree, std::string context);

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace angel
