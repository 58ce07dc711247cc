// angel's own pidfile (the opt-in top-level `pidfile` key): written at start-up,
// refused while another live angel holds it (an exclusive flock, held for angel's
// life), removed at exit if it is still ours.
#pragma once

#include <optional>
#include <string>

#include "supervisor/os/files.hpp"

namespace angel {

class OwnPidfile {
public:
    OwnPidfile() = default;
    OwnPidfile(const OwnPidfile&) = delete;
    OwnPidfile& operator=(const OwnPidfile&) = delete;
    ~OwnPidfile();  ///< removes the file if it is still the one locked

    /// Locks `path` (creating it) and writes this process's pid there; the error line
    /// if another running angel holds its lock or it cannot be written.
    std::optional<std::string> acquire(const std::string& path);

private:
    std::string path_;
    Fd fd_;  ///< open, locked, close-on-exec: the lock lives as long as angel
};

}  // namespace angel
