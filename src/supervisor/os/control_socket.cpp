#include "supervisor/os/control_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "supervisor/os/password_database.hpp"

namespace angel {

std::optional<std::string> control_path_error(const std::string& path) {
    if (path.empty() || path.front() != '/') return "control: \"" + path + "\" is not an absolute path";
    if (path.size() >= sizeof(sockaddr_un{}.sun_path)) return "control: \"" + path + "\" is too long for a unix socket";
    return std::nullopt;
}

std::variant<ListenSocket, std::string> open_control_socket(const std::string& path,
                                                            const std::optional<std::string>& owner) {
    if (auto error = control_path_error(path)) return *error;
    ListenAddress address;
    address.kind = ListenAddress::Kind::unix_path;
    address.path = path;
    address.text = path;
    // Created 0600 (bound under that umask, not chmodded after): nobody else can connect
    // in between.
    auto opened = open_listen_socket(address, 0600);
    if (auto* error = std::get_if<std::string>(&opened)) return "control: " + *error;
    ListenSocket& socket = std::get<ListenSocket>(opened);
    if (owner && ::geteuid() == 0) {
        const std::optional<UserEntry> user = find_user(*owner);
        // The socket file itself, never what a symlink put at its path would name.
        if (const int err = user ? set_socket_owner(socket, user->uid, user->gid) : 0; err != 0) {
            close_listen_socket(socket);
            return "control: \"" + path + "\": chown: " + std::strerror(err);
        }
        // An unknown user: the switch that follows fails with its own line.
    }
    return std::move(socket);
}

std::optional<uid_t> peer_uid(int fd) {
    ucred cred {};
    socklen_t size = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0) return std::nullopt;
    return cred.uid;
}

}  // namespace angel
