// PEGTL actions and control: matches become ops of a ParsedFile. Actions may run on a
// path the parser later abandons only when the whole parse then fails (a failed item
// can be followed by nothing but `}` or the end, where no directive starts), so the
// ops are exact whenever the file parses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tao/pegtl.hpp>

#include "configurator/grammar.hpp"
#include "configurator/limits.hpp"
#include "configurator/number.hpp"
#include "configurator/parsed_file.hpp"
#include "configurator/unescape.hpp"

namespace configurator::parsing {

/// Thrown when a name reads `import`: the reference throws from inside its parser.
struct ReservedWord {};
/// Thrown past kMaxNesting levels of groups and lists.
struct NestingTooDeep {};
/// Thrown for a number literal beyond the limits of limits.hpp.
struct NumberTooLarge {};
/// Thrown for a single name or string longer than Op::kMaxLength.
struct TokenTooLarge {};

/// What the actions share while one file is parsed.
struct State {
    ParsedFile& file;
    std::string_view pending_name;  ///< the last name read (a binding's or group's)
    std::string_view last_string;   ///< contents of the last string read
    bool last_string_escaped = false;
    std::string decoded;            ///< the last string with escapes decoded
    std::size_t depth = 0;          ///< groups and lists open

    template <typename Input>
    void push(OpKind kind, const Input& in) {
        push(kind, std::string_view(in.begin(), in.size()));
    }
    void push(OpKind kind, std::string_view text) {
        if (text.size() > Op::kMaxLength) throw TokenTooLarge{};
        file.ops.emplace_back(kind, static_cast<std::uint32_t>(text.data() - file.text.data()),
                              static_cast<std::uint32_t>(text.size()));
    }
};

template <typename Rule>
struct action : tao::pegtl::nothing<Rule> {};

template <>
struct action<grammar::name> {
    template <typename Input>
    static void apply(const Input& in, State& st) {
        st.pending_name = std::string_view(in.begin(), in.size());
        if (st.pending_name == "import") throw ReservedWord{};
    }
};

template <>
struct action<grammar::string> {
    template <typename Input>
    static bool apply(const Input& in, State& st) {
        st.last_string = std::string_view(in.begin() + 1, in.size() - 2);
        st.last_string_escaped = st.last_string.find('\\') != std::string_view::npos;
        st.decoded.clear();
        return !st.last_string_escaped || unescape(st.last_string, st.decoded);
    }
};

template <>
struct action<grammar::string_value> {
    template <typename Input>
    static void apply(const Input&, State& st) {
        st.push(st.last_string_escaped ? OpKind::escaped_string : OpKind::plain_string, st.last_string);
    }
};

template <>
struct action<grammar::import_> {
    template <typename Input>
    static void apply(const Input&, State& st) {
        auto& imports = st.file.imports;
        imports.push_back(st.last_string_escaped ? st.decoded : std::string(st.last_string));
        st.file.ops.emplace_back(OpKind::import_file, static_cast<std::uint32_t>(imports.size() - 1), 0);
    }
};

template <>
struct action<grammar::number> {
    template <typename Input>
    static void apply(const Input& in, State& st) {
        if (!number_literal_within_limits(std::string_view(in.begin(), in.size()))) throw NumberTooLarge{};
        st.push(OpKind::number, in);
    }
};

template <OpKind Kind>
struct push_op {
    template <typename Input>
    static void apply(const Input& in, State& st) {
        st.push(Kind, in);
    }
};

template <> struct action<grammar::kw_on> : push_op<OpKind::value_true> {};
template <> struct action<grammar::kw_true> : push_op<OpKind::value_true> {};
template <> struct action<grammar::kw_off> : push_op<OpKind::value_false> {};
template <> struct action<grammar::kw_false> : push_op<OpKind::value_false> {};
template <> struct action<grammar::list_open> : push_op<OpKind::list_begin> {};
template <> struct action<grammar::list_close> : push_op<OpKind::list_end> {};
template <> struct action<grammar::group_close> : push_op<OpKind::group_end> {};

template <>
struct action<grammar::binding_head> {
    template <typename Input>
    static void apply(const Input&, State& st) {
        st.push(OpKind::bind, st.pending_name);
    }
};

template <>
struct action<grammar::group_open> {
    template <typename Input>
    static void apply(const Input&, State& st) {
        st.push(OpKind::group_begin, st.pending_name);
    }
};

/// PEGTL recurses once per nested group or list; this bounds the depth. It counts
/// bodies, entered only once the `{` or `[` is read, so a failed attempt does not count.
template <typename Rule>
struct nesting_control : tao::pegtl::normal<Rule> {
    template <tao::pegtl::apply_mode A, tao::pegtl::rewind_mode M, template <typename...> class Action,
              template <typename...> class Control, typename Input>
    static bool match(Input& in, State& st) {
        if (++st.depth > kMaxNesting) throw NestingTooDeep{};
        const bool matched = tao::pegtl::normal<Rule>::template match<A, M, Action, Control>(in, st);
        --st.depth;
        return matched;
    }
};

template <typename Rule>
struct control : tao::pegtl::normal<Rule> {};
template <> struct control<grammar::group_body> : nesting_control<grammar::group_body> {};
template <> struct control<grammar::list_body> : nesting_control<grammar::list_body> {};

}  // namespace configurator::parsing
