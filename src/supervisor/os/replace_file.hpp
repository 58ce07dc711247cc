// A small file replaced whole, for readers that must never see half of it (the
// `metricsfile` node_exporter's textfile collector reads): written to PATH.tmp, then
// renamed over PATH.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace angel {

/// Writes `text` to `path` through `path.tmp` and rename. The temporary is created
/// new (O_CREAT|O_EXCL|O_NOFOLLOW, a stale one removed first): never a FIFO, a device
/// or a symlink's target, so that the write cannot block or go elsewhere. Mode 0644.
/// The error line, or nullopt.
std::optional<std::string> replace_file(const std::string& path, std::string_view text);

}  // namespace angel
