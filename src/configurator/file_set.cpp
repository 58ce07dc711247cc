// The loading order of loadFiles: a file, then each of its imports depth first. An
// import is skipped when its relativized text names a file loaded before the
// importing one (the reference filters with that older set), or when its interpolated
// text was loaded at all. Iterative: `import "./main.cfg"` nests ~2000 levels deep
// before its path text grows too long for the system.
#include "configurator/file_set.hpp"

#include <unistd.h>

#include "configurator/errors.hpp"
#include "configurator/interpolate.hpp"
#include "configurator/limits.hpp"
#include "configurator/parse.hpp"

namespace configurator {
namespace {

struct Frame {
    std::string raw_path;      ///< the path text before interpolation (imports are relative to it)
    std::size_t parsed;        ///< the file being walked
    std::size_t next_import;   ///< its next import to load
    std::size_t seen_before;   ///< how many path texts were loaded before this file
};

// Loads one path text if it is new; pushes a frame to walk its imports.
std::optional<std::string> visit(const std::string& raw_path, const EnvLookup& env, FileSet& files,
                                 std::vector<Frame>& stack) {
    std::string path;
    if (auto err = interpolate_path(raw_path, env, path)) return err;
    if (files.by_path.count(path)) return std::nullopt;
    // The file opened must be the one named: a NUL would cut the name there, and
    // `main.cfg<NUL>x` would be main.cfg again under a path text never seen before.
    if (path.find('\0') != std::string::npos) return errors::nul_in_path(path);
    files.total_bytes += path.size();
    if (files.total_bytes > kMaxLoadBytes) return errors::load_too_large();
    int fd = -1;
    FileIdentity identity;
    if (auto err = open_file(path, fd, identity)) return err;
    // A file already parsed under another path text parses the same again.
    std::size_t index = files.parsed.size();
    for (std::size_t i = 0; i < files.parsed.size(); ++i) {
        if (files.parsed[i]->identity == identity) index = i;
    }
    if (index == files.parsed.size()) {
        auto parsed = std::make_unique<FileSet::Parsed>();
        parsed->identity = identity;
        if (auto err = read_opened_file(path, fd, parsed->file.text)) return err;
        files.total_bytes += parsed->file.text.size();
        if (files.total_bytes > kMaxLoadBytes) return errors::load_too_large();
        if (auto err = parse_file(parsed->file, path)) return err;
        files.total_ops += parsed->file.ops.size();
        files.parsed.push_back(std::move(parsed));
    } else {
        ::close(fd);
    }
    const std::size_t seen_before = files.by_path.size();
    files.by_path.emplace(std::move(path), FileSet::Entry{index, seen_before});
    stack.push_back(Frame{raw_path, index, 0, seen_before});
    return std::nullopt;
}

}  // namespace

const FileSet::Entry* FileSet::find(std::string_view path) const {
    auto it = by_path.find(std::string(path));
    return it == by_path.end() ? nullptr : &it->second;
}

std::string relativize(std::string_view parent, std::string_view child) {
    if (!child.empty() && child.front() == '/') return std::string(child);
    const std::size_t slash = parent.rfind('/');
    std::string out(slash == std::string_view::npos ? std::string_view() : parent.substr(0, slash + 1));
    out += child;
    return out;
}

std::optional<std::string> load_files(const std::string& main_path, const EnvLookup& env, FileSet& files) {
    std::vector<Frame> stack;
    if (auto err = visit(main_path, env, files, stack)) return err;
    while (!stack.empty()) {
        Frame& top = stack.back();
        const auto& imports = files.parsed[top.parsed]->file.imports;
        if (top.next_import == imports.size()) {
            stack.pop_back();
            continue;
        }
        const std::string& child = imports[top.next_import++];
        if (child.empty()) return errors::empty_import();
        std::string target = relativize(top.raw_path, child);
        const FileSet::Entry* known = files.find(target);
        if (known && known->sequence < top.seen_before) continue;
        if (auto err = visit(target, env, files, stack)) return err;
    }
    return std::nullopt;
}

}  // namespace configurator
