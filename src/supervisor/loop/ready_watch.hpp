// A served instance's readiness channel on the loop: its notify socket (datagrams
// READY=1, STOPPING=1, STATUS=...) or the read end of its readiness pipe (a newline
// means ready, end of file first means never). Reads never block the loop.
#pragma once

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

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace angel
