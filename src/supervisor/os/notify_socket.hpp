// The sockets served instances send READY=1 to (sd_notify's NOTIFY_SOCKET): one per
// instance, in a directory only angel's user can enter, so that a message's socket
// says which instance sent it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "supervisor/os/files.hpp"

namespace angel {

class NotifyDirectory {
public:
    NotifyDirectory() = default;
    NotifyDirectory(const NotifyDirectory&) = delete;
    NotifyDirectory& operator=(const NotifyDirectory&) = delete;
    ~NotifyDirectory();  ///< removes the directory (its sockets are gone by then)

    /// A fresh socket path in the directory (made, mode 0700, at first use under
    /// $RUNTIME_DIRECTORY, $XDG_RUNTIME_DIR or /tmp), or the error line.
    std::variant<std::string, std::string> next_path();

private:
    std::string directory_;
    unsigned long next_ = 0;
};

/// A datagram socket bound at `path`, non-blocking and close-on-exec, with SO_PASSCRED
/// (each datagram comes with its sender's pid); or the error line.
std::variant<Fd, std::string> open_notify_socket(const std::string& path);

/// One datagram from a notify socket into `buffer` (recvmsg's result: -1 with errno, or
/// its length). `sender` gets the sending process's pid (SCM_CREDENTIALS), 0 if none came.
/// Descriptors sent along with it are closed at once (they arrive close-on-exec).
ssize_t receive_notify(int fd, char* buffer, std::size_t size, pid_t& sender);

/// angel's own sd_notify: NOTIFY_SOCKET is taken from the environment when made (and
/// removed from it, so that loggers, which get angel's environment, do not see it).
class ServiceNotifier {
public:
    ServiceNotifier();
    /// One datagram; dropped if the socket is full or gone (never blocks).
    void send(std::string_view state);

private:
    std::string path_;  ///< empty: not run by a service manager
    Fd socket_;
};

/// Makes a descriptor non-blocking (a readiness pipe's read end).
void set_nonblocking(int fd);

}  // namespace angel
