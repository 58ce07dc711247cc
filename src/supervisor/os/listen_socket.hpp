// Listening sockets that angel holds for its served programs: bound once, given to
// every instance as fd 3, 4, ..., kept across restarts (connections queue while no
// instance accepts), closed when no program lists them.
#pragma once

#include <sys/types.h>

#include <string>
#include <variant>

#include "supervisor/os/files.hpp"
#include "supervisor/spec/serve_spec.hpp"

namespace angel {

struct ListenSocket {
    Fd fd;                  ///< blocking, close-on-exec (children get it by dup2)
    std::string unix_path;  ///< a unix socket's file, removed at close if still ours
    dev_t dev = 0;
    ino_t ino = 0;
};

/// Binds and listens (SO_REUSEADDR, never SO_REUSEPORT; backlog SOMAXCONN). A unix
/// path that exists is replaced only if it is a socket nobody accepts on. The error
/// is one line: `"ADDRESS": bind: Address already in use`.
std::variant<ListenSocket, std::string> open_listen_socket(const ListenAddress& address, unsigned mode);

/// Sets a unix socket's mode again (a reload changed `socketmode`). Neither this nor
/// set_socket_owner follows a symlink or touches a file that replaced the socket.
void set_socket_mode(const ListenSocket& socket, unsigned mode);

/// Gives a unix socket's file to `uid`:`gid`; 0, or the errno (ESTALE: the path no
/// longer names the socket angel bound).
int set_socket_owner(const ListenSocket& socket, uid_t uid, gid_t gid);

/// Closes it; a unix socket's file goes too if it is still the one angel bound.
void close_listen_socket(ListenSocket& socket);

}  // namespace angel
