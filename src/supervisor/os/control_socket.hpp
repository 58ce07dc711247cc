// The control socket's file (the opt-in top-level `control` key): a unix stream
// socket, mode 0600, owned by the user angel runs as, and who is on the other end.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>

#include "supervisor/os/listen_socket.hpp"

namespace angel {

/// What angel refuses in a `control` path before binding (not absolute, too long for
/// a unix socket): the error line, or nullopt. angelctl check says the same.
std::optional<std::string> control_path_error(const std::string& path);

/// Binds and listens at `path` (stale-file handling as for `listen` sockets), mode
/// 0600; with `owner` (the -u user, before angel switches to it) chowned to it.
std::variant<ListenSocket, std::string> open_control_socket(const std::string& path,
                                                            const std::optional<std::string>& owner);

/// The uid of a connected unix-socket peer (SO_PEERCRED); nullopt if unknown.
std::optional<uid_t> peer_uid(int fd);

}  // namespace angel
