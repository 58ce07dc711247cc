// angel's own pidfile (the opt-in top-level `pidfile` key): written at start-up,
// refused while another live angel holds it, removed at exit if it is still ours.
#pragma once

#include <optional>
#include <string>

namespace angel {

class OwnPidfile {
public:
    OwnPidfile() = default;
    OwnPidfile(const OwnPidfile&) = delete;
    OwnPidfile& operator=(const OwnPidfile&) = delete;
    ~OwnPidfile();  ///< removes the file if it still names this process

    /// Writes this process's pid to `path`; the error line if another running angel
    /// holds it (a live pid whose command name is ours) or it cannot be written.
    std::optional<std::string> acquire(const std::string& path);

private:
    std::string path_;
};

}  // namespace angel
