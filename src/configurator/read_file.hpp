// Reading a config file whole, as the reference's readFile + UTF-8 decoding would.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "configurator/text_buffer.hpp"

namespace configurator {

/// Which file an open path led to (device and inode), to recognise it under any spelling.
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

/// Opens `path` and reports its identity; on failure returns the reference's error text.
/// On success `fd` is open and must be given to read_opened_file or closed.
std::optional<std::string> open_file(const std::string& path, int& fd, FileIdentity& identity);

/// Reads the opened file whole into `text` (closing fd) and checks it is UTF-8; on
/// failure returns the reference's error text for `path`.
std::optional<std::string> read_opened_file(const std::string& path, int fd, TextBuffer& text);

}  // namespace configurator
