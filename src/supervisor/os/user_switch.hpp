// The start-up user switch (`-u USER` or the top-level `user` key).
#pragma once

#include <optional>
#include <string>

namespace angel {

/// Switches the whole process to USER: supplementary groups, gid, then uid (the
/// original only called setuid: defect D3, fixed). Returns the reference's error
/// text on failure ("getUserEntryForName: does not exist (no such user)", or
/// "setUserID: permission denied (Operation not permitted)").
std::optional<std::string> switch_user(const std::string& user);

}  // namespace angel
