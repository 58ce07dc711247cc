// Ops are applied with explicit stacks (imports, groups, lists): no recursion, so
// neither long import chains nor deep lists can overflow the stack here.
#include "configurator/apply.hpp"

#include <algorithm>
#include <vector>

#include "configurator/errors.hpp"
#include "configurator/interpolate.hpp"
#include "configurator/limits.hpp"
#include "configurator/map_builder.hpp"
#include "configurator/number.hpp"
#include "configurator/unescape.hpp"

namespace configurator {
namespace {

struct Frame {
    const FileSet::Parsed* file;
    std::size_t next_op;
    std::string raw_path;  ///< path text before interpolation: its imports are relative to it
    std::string path;      ///< after interpolation: how errors name it
};

class Applier {
public:
    Applier(FileSet& files, const EnvLookup& env) : files_(files), env_(env) {
        budget_ = std::max(kMinApplyBudget, kMaxApplyFactor * files.total_ops);
    }

    std::optional<std::string> run(const std::string& main_path) {
        std::string path;
        if (auto err = interpolate_path(main_path, env_, path)) return err;
        const FileSet::Entry* entry = files_.find(path);
        if (!entry) return std::nullopt;
        main_parsed_ = entry->parsed;
        stack_.push_back(Frame{files_.parsed[entry->parsed].get(), 0, main_path, path});
        while (!stack_.empty()) {
            Frame& top = stack_.back();
            const auto& ops = top.file->file.ops;
            if (top.next_op == ops.size()) {
                stack_.pop_back();
                continue;
            }
            if (++applied_ > budget_) return errors::too_many_imports();
            const Op& op = ops[top.next_op++];
            if (auto err = apply(top, op)) return err;
            // The main file is applied exactly once (a second time would be a cycle),
            // front to back: its ops and text can go as soon as they are passed.
            if (stack_.size() == 1 && (stack_[0].next_op & (OpList::kBlockSize - 1)) == 0) {
                release_main_before(stack_[0].next_op);
            }
        }
        return std::nullopt;
    }

    Map finish() { return map_.finish(); }

private:
    void release_main_before(std::size_t next_op) {
        ParsedFile& main = files_.parsed[main_parsed_]->file;
        if (next_op < main.ops.size() && main.ops[next_op].kind() != OpKind::import_file) {
            main.text.release_before(main.ops[next_op].offset());
        }
        main.ops.release_before(next_op);
    }

    std::optional<std::string> apply(const Frame& frame, const Op& op) {
        const ParsedFile& file = frame.file->file;
        switch (op.kind()) {
            case OpKind::bind: return bind(file.span(op));
            case OpKind::group_begin:
                group_lengths_.push_back(prefix_.size());
                prefix_ += file.span(op);
                prefix_ += '.';
                return std::nullopt;
            case OpKind::group_end:
                prefix_.resize(group_lengths_.back());
                group_lengths_.pop_back();
                return std::nullopt;
            case OpKind::import_file: return import_file(frame, file.imports[op.offset()]);
            case OpKind::value_true: value_done(Value(true)); return std::nullopt;
            case OpKind::value_false: value_done(Value(false)); return std::nullopt;
            case OpKind::plain_string: return string_value(file.span(op), false);
            case OpKind::escaped_string: return string_value(file.span(op), true);
            case OpKind::number: value_done(Value(number_from_literal(file.span(op)))); return std::nullopt;
            case OpKind::list_begin: list_starts_.push_back(values_.size()); return std::nullopt;
            case OpKind::list_end: end_list(); return std::nullopt;
        }
        return std::nullopt;
    }

    std::optional<std::string> bind(std::string_view name) {
        key_.assign(prefix_);
        key_ += name;
        return std::nullopt;
    }

    // A value is complete when no list is open: it goes to the key of its bind op.
    void value_done(Value v) {
        if (!list_starts_.empty()) {
            values_.push_back(std::move(v));
        } else {
            map_.assign(key_, std::move(v));
        }
    }

    // Only a binding's direct value is interpolated, never a list element. Strings are
    // built in a scratch buffer and stored by an exact-size copy: growing them in place
    // would leave up to twice their size allocated in the map.
    std::optional<std::string> string_value(std::string_view text, bool escaped) {
        if (escaped) {
            scratch_.clear();
            unescape(text, scratch_);  // known valid: the parser checked it
            text = scratch_;
        }
        if (list_starts_.empty() && text.find('$') != std::string_view::npos) {
            expanded_.clear();
            if (auto err = interpolator_.value(text, prefix_, map_, env_, expanded_)) return err;
            interpolated_bytes_ += expanded_.size();
            if (interpolated_bytes_ > kMaxInterpolatedBytes) return errors::interpolation_too_large();
            text = expanded_;
        }
        value_done(Value(std::string(text)));
        return std::nullopt;
    }

    void end_list() {
        const std::size_t start = list_starts_.back();
        list_starts_.pop_back();
        List list(std::make_move_iterator(values_.begin() + static_cast<std::ptrdiff_t>(start)),
                  std::make_move_iterator(values_.end()));
        values_.resize(start);
        value_done(Value(std::move(list)));
    }

    std::optional<std::string> import_file(const Frame& frame, const std::string& child) {
        if (child.empty()) return errors::empty_import();
        std::string raw = relativize(frame.raw_path, child);
        std::string path;
        if (auto err = interpolate_path(raw, env_, path)) return err;
        const FileSet::Entry* entry = files_.find(path);
        if (!entry) return std::nullopt;  // as the reference: an import it did not load adds nothing
        const FileSet::Parsed* target = files_.parsed[entry->parsed].get();
        for (std::size_t i = 0; i < stack_.size(); ++i) {
            if (stack_[i].file->identity == target->identity) return cycle_error(i, path);
        }
        stack_.push_back(Frame{target, 0, std::move(raw), std::move(path)});
        return std::nullopt;
    }

    std::string cycle_error(std::size_t first, const std::string& again) const {
        std::vector<std::string> chain;
        for (std::size_t i = first; i < stack_.size(); ++i) chain.push_back(stack_[i].path);
        chain.push_back(again);
        return errors::import_cycle(chain);
    }

    FileSet& files_;
    std::size_t main_parsed_ = 0;
    const EnvLookup& env_;
    MapBuilder map_;
    Interpolator interpolator_;
    std::vector<Frame> stack_;
    std::string prefix_;                     ///< "g1.g2." of the groups open
    std::vector<std::size_t> group_lengths_;  ///< prefix_ length before each open group
    std::string key_;                        ///< the key of the binding being applied
    std::vector<Value> values_;              ///< elements of the lists open
    std::vector<std::size_t> list_starts_;   ///< where each open list's elements start
    std::string scratch_;                    ///< a string with its escapes decoded
    std::string expanded_;                   ///< a string with its interpolations expanded
    std::size_t applied_ = 0;
    std::size_t budget_ = 0;
    std::size_t interpolated_bytes_ = 0;
};

}  // namespace

LoadResult apply_files(FileSet files, const std::string& main_path, const EnvLookup& env) {
    Applier applier(files, env);
    if (auto err = applier.run(main_path)) return LoadError{*err};
    files = FileSet();
    return applier.finish();
}

}  // namespace configurator
