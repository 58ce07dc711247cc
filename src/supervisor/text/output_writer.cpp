#include "supervisor/text/output_writer.hpp"

#include <poll.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace angel {
namespace {

long monotonic_ms() {
    timespec now {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace

bool write_whole(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                pollfd writable{fd, POLLOUT, 0};
                ::poll(&writable, 1, -1);
                continue;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

long OutputWriter::write_nowait(std::string_view data) {
    iovec chunk{const_cast<char*>(data.data()), data.size()};
    while (true) {
        const ssize_t n = ::pwritev2(fd_, &chunk, 1, -1, RWF_NOWAIT);
        if (n < 0 && errno == EINTR) continue;
        return static_cast<long>(n);
    }
}

void OutputWriter::queue(std::string_view rest) {
    if (backlog_bytes() + rest.size() > kMaxBacklog) {
        ++dropped_;
        return;
    }
    if (sent_ > 0 && sent_ == backlog_.size()) {
        backlog_.clear();
        sent_ = 0;
    }
    backlog_.append(rest);
    if (!notified_ && on_backlog_) {
        notified_ = true;
        on_backlog_();
    }
}

void OutputWriter::write(std::string_view record) {
    if (broken_) return;
    if (backlog_bytes() > 0) return queue(record);  // after what waits, in order
    if (!nowait_) {
        if (!write_whole(fd_, record) && errno == EPIPE) broken_ = true;
        return;
    }
    const long n = write_nowait(record);
    if (n >= 0) {
        if (static_cast<std::size_t>(n) < record.size()) queue(record.substr(static_cast<std::size_t>(n)));
        return;
    }
    switch (errno) {
        case EAGAIN:
            return queue(record);
        case EOPNOTSUPP:
        case EINVAL:
        case ENOSYS:
            // A regular file, a device, an old kernel: blocking writes, as before.
            nowait_ = false;
            if (!write_whole(fd_, record) && errno == EPIPE) broken_ = true;
            return;
        case EPIPE:
            broken_ = true;
            return;
        default:
            return;  // ENOSPC and the like: this record is lost, supervision goes on
    }
}

bool OutputWriter::flush_some(const std::function<std::string(std::size_t)>& dropped_note) {
    notified_ = false;
    while (backlog_bytes() > 0 && !broken_) {
        const long n = write_nowait(std::string_view(backlog_).substr(sent_));
        if (n < 0 && errno == EAGAIN) {
            notified_ = true;  // the caller waits again
            return true;
        }
        if (n < 0) {
            if (errno == EPIPE) broken_ = true;
            if (errno == EOPNOTSUPP) {
                nowait_ = false;
                if (!write_whole(fd_, std::string_view(backlog_).substr(sent_)) && errno == EPIPE) broken_ = true;
            }
            sent_ = backlog_.size();
            break;
        }
        sent_ += static_cast<std::size_t>(n);
    }
    backlog_.clear();
    sent_ = 0;
    if (dropped_ > 0 && !broken_ && dropped_note) {
        const std::size_t count = dropped_;
        dropped_ = 0;
        write(dropped_note(count));
        return backlog_bytes() > 0;
    }
    return false;
}

void OutputWriter::flush_at_exit(int timeout_ms) {
    const long give_up_at = monotonic_ms() + timeout_ms;
    while (backlog_bytes() > 0 && !broken_) {
        const long n = write_nowait(std::string_view(backlog_).substr(sent_));
        if (n >= 0) {
            sent_ += static_cast<std::size_t>(n);
            continue;
        }
        if (errno != EAGAIN) break;
        const long left = give_up_at - monotonic_ms();
        if (left <= 0) break;
        pollfd writable{fd_, POLLOUT, 0};
        ::poll(&writable, 1, static_cast<int>(left));
    }
    backlog_.clear();
    sent_ = 0;
}

}  // namespace angel
