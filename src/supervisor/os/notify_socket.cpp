// The notify directory and its sockets.
#include "supervisor/os/notify_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace angel {

NotifyDirectory::~NotifyDirectory() {
    if (!directory_.empty()) ::rmdir(directory_.c_str());
}

std::variant<std::string, std::string> NotifyDirectory::next_path() {
    if (directory_.empty()) {
        std::string base = "/tmp";
        for (const char* name : {"RUNTIME_DIRECTORY", "XDG_RUNTIME_DIR"}) {
            const char* value = std::getenv(name);
            if (value != nullptr && value[0] == '/' && std::strlen(value) < 60) {
                base = value;
                break;
            }
        }
        std::string pattern = base + "/angel-notify.XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (::mkdtemp(buffer.data()) == nullptr) {  // mode 0700
            return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                          pattern + ": mkdtemp: " + std::strerror(errno));
        }
        directory_ = buffer.data();
    }
    return std::variant<std::string, std::string>(std::in_place_index<0>, directory_ + "/" + std::to_string(next_++));
}

std::variant<Fd, std::string> open_notify_socket(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) return path + ": the path is too long for a socket";
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0) return path + ": socket: " + std::strerror(errno);
    ::unlink(path.c_str());  // a leftover of an instance of ours that is gone
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        return path + ": bind: " + std::strerror(errno);
    }
    return fd;
}

ServiceNotifier::ServiceNotifier() {
    const char* value = std::getenv("NOTIFY_SOCKET");
    if (value == nullptr) return;
    path_ = value;
    ::unsetenv("NOTIFY_SOCKET");
    sockaddr_un probe{};
    if (path_.empty() || path_.size() >= sizeof probe.sun_path || (path_[0] != '/' && path_[0] != '@')) {
        path_.clear();  // not a unix socket path (vsock and the like are not supported)
        return;
    }
    socket_ = Fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
}

void ServiceNotifier::send(std::string_view state) {
    if (path_.empty() || socket_.get() < 0) return;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // an abstract socket
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size());
    ::sendto(socket_.get(), state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
             reinterpret_cast<const sockaddr*>(&addr), length);
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

}  // namespace angel
