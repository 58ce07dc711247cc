// Interpolation as the reference's `interp` parser and `interpolate` do it.
#include "configurator/interpolate.hpp"

#include "configurator/errors.hpp"
#include "configurator/number.hpp"
#include "configurator/utf8.hpp"

namespace configurator {
namespace {

// Looks `name` up from the innermost scope of `prefix` outwards ("a.b.x", "a.x", "x").
const Value* scoped_find(const MapBuilder& map, std::string_view prefix, std::string_view name, std::string& key) {
    std::size_t len = prefix.size();
    while (true) {
        key.assign(prefix.substr(0, len));
        key.append(name);
        if (const Value* v = map.find(key)) return v;
        if (len == 0) return nullptr;
        // Drop the last component: prefix[0, len) ends with '.'.
        const std::size_t dot = len >= 2 ? prefix.rfind('.', len - 2) : std::string_view::npos;
        len = dot == std::string_view::npos ? 0 : dot + 1;
    }
}

}  // namespace

std::optional<std::string> parse_interpolation(std::string_view s, std::vector<InterpolationPiece>& pieces) {
    pieces.clear();
    std::size_t pos = 0;
    while (true) {
        const std::size_t dollar = s.find('$', pos);
        if (dollar == std::string_view::npos) {
            if (pos < s.size()) pieces.push_back({false, s.substr(pos)});
            return std::nullopt;
        }
        if (dollar > pos) pieces.push_back({false, s.substr(pos, dollar - pos)});
        if (dollar + 1 >= s.size()) return errors::interpolation_not_enough_input();
        const char next = s[dollar + 1];
        if (next == '$') {
            pieces.push_back({false, s.substr(dollar, 1)});
            pos = dollar + 2;
            continue;
        }
        if (next != '(') return errors::interpolation_satisfy();
        const std::size_t start = dollar + 2;
        if (start >= s.size()) return errors::interpolation_not_enough_input();
        const std::size_t close = s.find(')', start);
        if (close == start) return errors::interpolation_take_while1();
        if (close == std::string_view::npos) return errors::interpolation_unclosed();
        pieces.push_back({true, s.substr(start, close - start)});
        pos = close + 1;
    }
}

std::optional<std::string> environment_text(const EnvLookup& env, std::string_view name) {
    std::optional<std::string> value = env(name);
    if (!value || is_valid_utf8(*value)) return value;
    std::string clean;
    for (char32_t c : decode_utf8_lossless(*value)) append_utf8(clean, c >= 0xDC80 && c <= 0xDCFF ? 0xFFFD : c);
    return clean;
}

std::optional<std::string> Interpolator::value(std::string_view s, std::string_view prefix, const MapBuilder& map,
                                               const EnvLookup& env, std::string& out) {
    if (auto err = parse_interpolation(s, pieces_)) return err;
    for (const auto& piece : pieces_) {
        if (!piece.is_name) {
            out += piece.text;
        } else if (const Value* v = scoped_find(map, prefix, piece.text, key_)) {
            if (v->is_string()) {
                out += v->as_string();
            } else if (v->is_number()) {
                out += interpolation_text(v->number());
            } else {
                return errors::type_error();
            }
        } else if (auto e = environment_text(env, piece.text)) {
            out += *e;
        } else {
            return errors::no_such_variable(piece.text);
        }
    }
    return std::nullopt;
}

std::optional<std::string> Interpolator::path(std::string_view s, const EnvLookup& env, std::string& out) {
    if (auto err = parse_interpolation(s, pieces_)) return err;
    for (const auto& piece : pieces_) {
        if (!piece.is_name) {
            out += piece.text;
        } else if (auto e = environment_text(env, piece.text)) {
            out += *e;
        } else {
            return errors::no_such_variable(piece.text);
        }
    }
    return std::nullopt;
}

std::optional<std::string> interpolate_value(std::string_view s, std::string_view prefix, const MapBuilder& map,
                                             const EnvLookup& env, std::string& out) {
    return Interpolator().value(s, prefix, map, env, out);
}

std::optional<std::string> interpolate_path(std::string_view s, const EnvLookup& env, std::string& out) {
    return Interpolator().path(s, env, out);
}

}  // namespace configurator
