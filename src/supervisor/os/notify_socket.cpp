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
    // Before the bind: no datagram can arrive without its sender's credentials.
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
        return path + ": setsockopt SO_PASSCRED: " + std::strerror(errno);
    }
    ::unlink(path.c_str());  // a leftover of an instance of ours that is gone
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        return path + ": bind: " + std::strerror(errno);
    }
    return fd;
}

ssize_t receive_notify(int fd, char* buffer, std::size_t size, pid_t& sender) {
    constexpr std::size_t kMaxFds = 16;  // more are closed by the kernel (MSG_CTRUNC)
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * kMaxFds)];
    iovec part{buffer, size};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    sender = 0;
    const ssize_t n = ::recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
            ucred credentials{};
            std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
            sender = credentials.pid;
        } else if (c->cmsg_type == SCM_RIGHTS) {
            const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int passed = -1;
                std::memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof passed);
                if (passed >= 0) ::close(passed);
            }
        }
    }
    return n;
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
