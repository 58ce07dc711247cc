// The configurator file format (grammar.md section 3) as PEGTL rules, one per line,
// named after the productions. The rules mirror the reference's attoparsec parser
// alternative for alternative: every alternative backtracks, `directives` and list
// elements are sepBy lists that end before a separator whose item fails, and all
// syntax errors surface as one failure of `file` ("endOfInput").
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace configurator::grammar {

namespace pegtl = tao::pegtl;

// Character classes of GHC's Data.Char (defined in grammar_classes.cpp).
struct letter_class { static bool test(char32_t c) noexcept; };
struct letter_or_number_class { static bool test(char32_t c) noexcept; };
struct space_class { static bool test(char32_t c) noexcept; };

/// One UTF-8 character of a class (PEGTL's utf8 predicates need constexpr tests).
template <typename Class>
struct utf8_class {
    using rule_t = utf8_class;
    using subs_t = pegtl::empty_list;

    template <typename Input>
    static bool match(Input& in) {
        if (const auto t = pegtl::internal::peek_utf8::peek(in); t && Class::test(t.data)) {
            in.bump(t.size);
            return true;
        }
        return false;
    }
};

// clang-format off

// Filler. The input is valid UTF-8 (checked before parsing), so byte rules that skip
// "anything but CR/LF" or "anything but quote/backslash" step over whole characters.
struct comment : pegtl::seq<pegtl::one<'#'>, pegtl::star<pegtl::not_one<'\r', '\n'>>> {};
struct space_char : utf8_class<space_class> {};
struct lws : pegtl::star<pegtl::sor<space_char, comment>> {};
struct hws : pegtl::star<pegtl::sor<pegtl::one<' ', '\t'>, comment>> {};
struct line_break : pegtl::one<'\r', '\n'> {};

// Names. The reserved word `import` is rejected by the action on `name`.
struct name_start : utf8_class<letter_class> {};
struct name_char : pegtl::sor<pegtl::one<'_', '-'>, utf8_class<letter_or_number_class>> {};
struct name : pegtl::seq<name_start, pegtl::star<name_char>> {};

// Strings: delimited first (a backslash takes the next character, whatever it is);
// the action then decodes the escapes and fails the rule if one is invalid.
struct escaped_char : pegtl::seq<pegtl::one<'\\'>, pegtl::any> {};
struct plain_chars : pegtl::plus<pegtl::not_one<'"', '\\'>> {};
struct string_body : pegtl::star<pegtl::sor<plain_chars, escaped_char>> {};
struct string : pegtl::seq<pegtl::one<'"'>, string_body, pegtl::one<'"'>> {};

// Numbers: an exact decimal with optional fraction (possibly empty) and exponent.
struct sign : pegtl::one<'+', '-'> {};
struct digit : pegtl::range<'0', '9'> {};
struct fraction : pegtl::seq<pegtl::one<'.'>, pegtl::star<digit>> {};
struct exponent : pegtl::seq<pegtl::one<'e', 'E'>, pegtl::opt<sign>, pegtl::plus<digit>> {};
struct number : pegtl::seq<pegtl::opt<sign>, pegtl::plus<digit>, pegtl::opt<fraction>, pegtl::opt<exponent>> {};

// Values. Keywords match as prefixes, as in the reference (`onward` is `on` + garbage).
struct kw_on : pegtl::string<'o', 'n'> {};
struct kw_off : pegtl::string<'o', 'f', 'f'> {};
struct kw_true : pegtl::string<'t', 'r', 'u', 'e'> {};
struct kw_false : pegtl::string<'f', 'a', 'l', 's', 'e'> {};
struct string_value : pegtl::seq<string> {};
struct value;
struct list_open : pegtl::one<'['> {};
struct list_close : pegtl::one<']'> {};
struct list_elements : pegtl::opt<value, lws, pegtl::star<pegtl::one<','>, lws, value, lws>> {};
struct list_body : pegtl::seq<lws, list_elements, list_close> {};
struct list : pegtl::seq<list_open, list_body> {};
struct value : pegtl::sor<kw_on, kw_off, kw_true, kw_false, string_value, number, list> {};

// Directives.
struct directives;
struct import_keyword : pegtl::string<'i', 'm', 'p', 'o', 'r', 't'> {};
struct import_ : pegtl::seq<import_keyword, lws, string> {};  // NOLINT(readability-identifier-naming)
struct binding_head : pegtl::seq<name, lws, pegtl::one<'='>> {};
struct binding : pegtl::seq<binding_head, lws, value> {};
struct group_open : pegtl::seq<name, lws, pegtl::one<'{'>, lws> {};
struct group_close : pegtl::one<'}'> {};
struct group_body : pegtl::seq<directives, lws, group_close> {};
struct group : pegtl::seq<group_open, group_body> {};
struct directive : pegtl::sor<import_, binding, group> {};
struct item : pegtl::seq<lws, directive, hws> {};
struct directives : pegtl::opt<item, pegtl::star<line_break, item>> {};
struct file : pegtl::seq<directives, lws, pegtl::eof> {};

// clang-format on

}  // namespace configurator::grammar

// For analyze(): a class character consumes input, like `any`.
template <typename Name, typename Class>
struct tao::pegtl::analyze_traits<Name, configurator::grammar::utf8_class<Class>> : tao::pegtl::analyze_any_traits<> {};
