// Writing values in the corpus format. Lists are written with an explicit stack so a
// deeply nested list cannot overflow the stack.
#include "configurator/dump_format.hpp"

#include <cstdio>
#include <span>
#include <utility>
#include <vector>

namespace configurator {
namespace {

void append_hex_escape(std::string& out, unsigned code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\u{%X}", code);
    out += buf;
}

void append_scalar(std::string& out, const Value& v) {
    if (v.is_bool()) {
        out += v.as_bool() ? "bool true" : "bool false";
    } else if (v.is_number()) {
        out += "number ";
        out += v.number().numerator_text();
        out += '/';
        out += v.number().denominator_text();
    } else {
        out += "string \"";
        out += dump_escape(v.as_string());
        out += '"';
    }
}

}  // namespace

std::string dump_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20 || c == 0x7F) {
            append_hex_escape(out, c);
        } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0 &&
                   static_cast<unsigned char>(s[i + 1]) >= 0x80) {
            append_hex_escape(out, static_cast<unsigned char>(s[++i]));  // U+0080..U+009F
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

std::string dump_typed_value(const Value& v) {
    std::string out;
    // Each frame: a list and the index of its next element.
    std::vector<std::pair<std::span<const Value>, std::size_t>> stack;
    const Value* current = &v;
    while (true) {
        if (current) {
            if (current->is_list()) {
                out += "list [";
                stack.emplace_back(current->as_list(), 0);
            } else {
                append_scalar(out, *current);
            }
            current = nullptr;
        }
        if (stack.empty()) return out;
        auto& [list, next] = stack.back();
        if (next == list.size()) {
            out += ']';
            stack.pop_back();
            continue;
        }
        if (next > 0) out += ", ";
        current = &list[next++];
    }
}

std::string dump_map(const Map& map) {
    std::string out;
    for (const auto& [key, value] : map) {
        out += dump_escape(key);
        out += '\t';
        std::string typed = dump_typed_value(value);
        const std::size_t space = typed.find(' ');
        out.append(typed, 0, space);
        out += '\t';
        out.append(typed, space + 1);
        out += '\n';
    }
    return out;
}

std::string dump_error(std::string_view text) {
    std::string out = "error\t";
    for (char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    out += '\n';
    return out;
}

}  // namespace configurator
