// angel's stdout (the log) and stderr (error lines) without ever waiting on the reader:
// a record goes out with a non-blocking write (pwritev2 RWF_NOWAIT, so the shared file
// description is left blocking for everyone else); what a full pipe or socket does not
// take waits, in order, in a bounded backlog that the loop writes out when the
// descriptor is writable again. Where RWF_NOWAIT does not apply (regular files, some
// devices) writes block as before: those do not wait on a reader.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace angel {

/// Blocking: the whole buffer, retrying short writes and EINTR (and waiting when an
/// inherited descriptor is non-blocking and full); false on error, errno set.
bool write_whole(int fd, std::string_view data);

class OutputWriter {
public:
    /// Past this many bytes waiting, records are dropped (and counted) until it drains.
    static constexpr std::size_t kMaxBacklog = 16u << 20;

    explicit OutputWriter(int fd) : fd_(fd) {}

    int fd() const { return fd_; }

    /// Called (once per backlog) when records start to wait: the loop then waits for
    /// the fd to be writable and calls flush_some().
    void set_backlog_handler(std::function<void()> handler) { on_backlog_ = std::move(handler); }

    /// Writes one whole record, or queues it (never a torn record, never a wait on a
    /// pipe or socket). After EPIPE everything is dropped (defect D25).
    void write(std::string_view record);

    /// Writes what it can of the backlog without waiting; true if some is left. Once
    /// it drains after drops, `dropped_note` makes the record that says so.
    bool flush_some(const std::function<std::string(std::size_t)>& dropped_note = {});

    /// At exit: writes the backlog, waiting for the reader at most `timeout_ms` in all.
    void flush_at_exit(int timeout_ms);

    std::size_t backlog_bytes() const { return backlog_.size() - sent_; }
    std::size_t dropped() const { return dropped_; }

private:
    /// One non-blocking write: bytes written, or -1 with errno.
    long write_nowait(std::string_view data);
    void queue(std::string_view rest);

    int fd_;
    std::string backlog_;   ///< records waiting, from sent_ on
    std::size_t sent_ = 0;  ///< bytes of backlog_ already written
    std::size_t dropped_ = 0;
    bool nowait_ = true;    ///< RWF_NOWAIT works on this fd (until EOPNOTSUPP says not)
    bool broken_ = false;
    bool notified_ = false;
    std::function<void()> on_backlog_;
};

}  // namespace angel
