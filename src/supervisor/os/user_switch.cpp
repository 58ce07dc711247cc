// The start-up user switch.
#include "supervisor/os/user_switch.hpp"

#include <grp.h>
#include <unistd.h>

#include "supervisor/os/password_database.hpp"
#include "supervisor/phrases/messages.hpp"
#include "supervisor/spec/spec_errors.hpp"

namespace angel {

std::optional<std::string> switch_user(const std::string& user) {
    const std::optional<UserEntry> pw = find_user(user);
    if (!pw) return std::string(kNoSuchUserText);
    // Groups first: once the uid is dropped, changing them is no longer permitted.
    // Without root there are no groups to change; setuid alone decides, as in the original.
    if (::geteuid() == 0 && (::initgroups(pw->name.c_str(), pw->gid) != 0 || ::setgid(pw->gid) != 0)) {
        return std::string(msg::set_user_denied);
    }
    if (::setuid(pw->uid) != 0) return std::string(msg::set_user_denied);
    return std::nullopt;
}

}  // namespace angel
