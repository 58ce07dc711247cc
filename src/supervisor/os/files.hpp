// The files angel opens for its children: log streams and pidfiles.
#pragma once

#include <sys/types.h>

#include <string>
#include <variant>

namespace angel {

/// An owned descriptor, closed on destruction. Every descriptor angel opens is
/// close-on-exec (defect D12 of the original, fixed); children get theirs by dup2.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    int release();

private:
    int fd_ = -1;
};

/// An IOError text for a failed file operation, e.g.
/// "out.log: openFile: does not exist (No such file or directory)".
struct FileError {
    std::string text;
};

/// Opens PATH for appending (O_CREAT, mode 0666 & ~umask), as the original opens a
/// child's stdout/stderr. Opening the same file twice is fine (defect D1, fixed).
std::variant<Fd, FileError> open_for_append(const std::string& path);

/// Writes the pid in decimal with no newline, truncating the file.
std::variant<std::monostate, FileError> write_pidfile(const std::string& path, pid_t pid);

/// Removes a file; a missing file is not an error.
void remove_file(const std::string& path);

/// A pipe with both ends close-on-exec.
struct Pipe {
    Fd read;
    Fd write;
};
std::variant<Pipe, FileError> make_pipe();

}  // namespace angel
