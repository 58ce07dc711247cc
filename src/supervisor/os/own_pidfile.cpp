// angel's own pidfile: a stale one (a dead pid, or a pid reused by another program) is
// taken over; a live angel's is not.
#include "supervisor/os/own_pidfile.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "supervisor/os/files.hpp"

namespace angel {
namespace {

std::string command_name(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(in, name);
    return name;
}

std::optional<pid_t> pid_in(const std::string& path) {
    std::ifstream in(path);
    long pid = 0;
    if (!(in >> pid) || pid <= 0 || pid > 0x3fffffff) return std::nullopt;
    return static_cast<pid_t>(pid);
}

}  // namespace

OwnPidfile::~OwnPidfile() {
    if (!path_.empty() && pid_in(path_) == ::getpid()) ::unlink(path_.c_str());
}

std::optional<std::string> OwnPidfile::acquire(const std::string& path) {
    if (auto holder = pid_in(path); holder && *holder != ::getpid()) {
        const bool alive = ::kill(*holder, 0) == 0 || errno == EPERM;
        if (alive && command_name(*holder) == command_name(::getpid())) {
            return path + ": held by a running angel (pid " + std::to_string(*holder) + ")";
        }
    }
    auto written = write_pidfile(path, ::getpid());
    if (auto* e = std::get_if<FileError>(&written)) return e->text;
    path_ = path;
    return std::nullopt;
}

}  // namespace angel
