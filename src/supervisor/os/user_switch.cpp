// The start-up user switch.
#include "supervisor/os/user_switch.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <vector>

#include "supervisor/text/messages.hpp"
#include "supervisor/spec/spec_errors.hpp"

namespace angel {

std::optional<std::string> switch_user(const std::string& user) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
        return std::string(kNoSuchUserText);
    }
    // Groups first: once the uid is dropped, changing them is no longer permitted.
    // Without root there are no groups to change; setuid alone decides, as in the original.
    if (::geteuid() == 0 && (::initgroups(pw.pw_name, pw.pw_gid) != 0 || ::setgid(pw.pw_gid) != 0)) {
        return std::string(msg::set_user_denied);
    }
    if (::setuid(pw.pw_uid) != 0) return std::string(msg::set_user_denied);
    return std::nullopt;
}

}  // namespace angel
