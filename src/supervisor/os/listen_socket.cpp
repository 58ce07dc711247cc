// Binding the addresses of `listen`: TCP on IPv6 (dual stack) or IPv4, and unix paths.
#include "supervisor/os/listen_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace angel {
namespace {

std::string failure(const ListenAddress& a, const char* call, int error) {
    return "\"" + a.text + "\": " + call + ": " + std::strerror(error);
}

std::variant<ListenSocket, std::string> listen_on(const ListenAddress& a, int family, const sockaddr* addr,
                                                  socklen_t len, int v6only) {
    ListenSocket s;
    s.fd = Fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (s.fd.get() < 0) return failure(a, "socket", errno);
    const int on = 1;
    if (family != AF_UNIX) ::setsockopt(s.fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (family == AF_INET6) ::setsockopt(s.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    if (::bind(s.fd.get(), addr, len) != 0) return failure(a, "bind", errno);
    if (::listen(s.fd.get(), SOMAXCONN) != 0) return failure(a, "listen", errno);
    return s;
}

/// A unix path in the way: removed only if it is a socket nobody accepts on.
std::optional<std::string> clear_stale_path(const ListenAddress& a, const sockaddr_un& addr) {
    struct stat st {};
    if (::lstat(a.path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::nullopt;
        return failure(a, "stat", errno);
    }
    if (!S_ISSOCK(st.st_mode)) return "\"" + a.text + "\": exists and is not a socket; not touched";
    Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (probe.get() < 0) return failure(a, "socket", errno);
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 || errno == EAGAIN ||
        errno == EINPROGRESS) {
        return "\"" + a.text + "\": another process accepts on this socket; not touched";
    }
    if (errno != ECONNREFUSED) return failure(a, "connect", errno);
    if (::unlink(a.path.c_str()) != 0 && errno != ENOENT) return failure(a, "unlink", errno);
    return std::nullopt;
}

std::variant<ListenSocket, std::string> listen_unix(const ListenAddress& a, unsigned mode) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, a.path.c_str(), a.path.size() + 1);  // length checked when parsed
    if (auto error = clear_stale_path(a, addr)) return *error;
    // Created with its mode by the umask (one thread: nothing else creates files meanwhile),
    // so there is no chmod of a path that could have become a symlink in between.
    const mode_t saved = ::umask(static_cast<mode_t>(~mode & 0777));
    auto made = listen_on(a, AF_UNIX, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, 0);
    ::umask(saved);
    if (auto* s = std::get_if<ListenSocket>(&made)) {
        s->unix_path = a.path;
        struct stat st {};
        if (::lstat(a.path.c_str(), &st) == 0) {
            s->dev = st.st_dev;
            s->ino = st.st_ino;
        }
    }
    return made;
}

}  // namespace

std::variant<ListenSocket, std::string> open_listen_socket(const ListenAddress& a, unsigned mode) {
    switch (a.kind) {
        case ListenAddress::Kind::unix_path:
            return listen_unix(a, mode);
        case ListenAddress::Kind::ipv4: {
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(a.port);
            ::inet_pton(AF_INET, a.host.c_str(), &addr.sin_addr);
            return listen_on(a, AF_INET, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, 0);
        }
        case ListenAddress::Kind::ipv6: {
            sockaddr_in6 addr{};
            addr.sin6_family = AF_INET6;
            addr.sin6_port = htons(a.port);
            ::inet_pton(AF_INET6, a.host.c_str(), &addr.sin6_addr);
            return listen_on(a, AF_INET6, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, 1);
        }
        case ListenAddress::Kind::any: {
            // Both families on one socket where IPv6 exists; IPv4 alone where it does not.
            sockaddr_in6 addr6{};
            addr6.sin6_family = AF_INET6;
            addr6.sin6_port = htons(a.port);
            addr6.sin6_addr = in6addr_any;
            auto made = listen_on(a, AF_INET6, reinterpret_cast<const sockaddr*>(&addr6), sizeof addr6, 0);
            if (std::holds_alternative<ListenSocket>(made)) return made;
            Fd probe(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
            const bool no_ipv6 = probe.get() < 0 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT);
            if (!no_ipv6 && std::get<std::string>(made).find("Cannot assign requested address") == std::string::npos) {
                return made;
            }
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(a.port);
            addr.sin_addr.s_addr = htonl(INADDR_ANY);
            return listen_on(a, AF_INET, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, 0);
        }
    }
    return std::string("\"" + a.text + "\": unknown address kind");
}

namespace {

/// The path still names the socket angel bound (not a file someone put there since).
bool still_ours(const ListenSocket& socket) {
    struct stat st {};
    return ::lstat(socket.unix_path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == socket.dev &&
           st.st_ino == socket.ino;
}

/// The socket file itself, pinned: an O_PATH descriptor of the path, never through a
/// symlink, and only if it is still the socket angel bound (-1 with errno otherwise).
/// A change made through it reaches that file even if the path is replaced meanwhile.
Fd pin_socket_file(const ListenSocket& socket) {
    Fd fd(::open(socket.unix_path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) return fd;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_dev != socket.dev || st.st_ino != socket.ino) {
        errno = ESTALE;
        return Fd();
    }
    return fd;
}

}  // namespace

void set_socket_mode(const ListenSocket& socket, unsigned mode) {
    if (socket.unix_path.empty()) return;
    Fd pinned = pin_socket_file(socket);
    if (pinned.get() < 0) return;
    // chmod has no form for an O_PATH descriptor: its /proc link names the very file.
    const std::string link = "/proc/self/fd/" + std::to_string(pinned.get());
    ::chmod(link.c_str(), mode);
}

int set_socket_owner(const ListenSocket& socket, uid_t uid, gid_t gid) {
    Fd pinned = pin_socket_file(socket);
    if (pinned.get() < 0) return errno;
    return ::fchownat(pinned.get(), "", uid, gid, AT_EMPTY_PATH) == 0 ? 0 : errno;
}

void close_listen_socket(ListenSocket& socket) {
    if (!socket.unix_path.empty()) {
        if (still_ours(socket)) ::unlink(socket.unix_path.c_str());
        socket.unix_path.clear();
    }
    socket.fd = Fd();
}

}  // namespace angel
