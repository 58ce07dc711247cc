// Runs the grammar with its actions and turns the parser's exceptions into error texts.
#include "configurator/parse.hpp"

#include <tao/pegtl.hpp>

#include "configurator/actions.hpp"
#include "configurator/errors.hpp"
#include "configurator/grammar.hpp"

namespace configurator {

std::optional<std::string> parse_file(ParsedFile& file, std::string_view path) {
    namespace pegtl = tao::pegtl;
    file.ops.clear();
    file.imports.clear();
    parsing::State state{file, {}, {}, false, {}, 0};
    pegtl::memory_input<pegtl::tracking_mode::lazy> in(file.text.data(), file.text.size(), "");
    try {
        if (pegtl::parse<grammar::file, parsing::action, parsing::control>(in, state)) return std::nullopt;
    } catch (const parsing::ReservedWord&) {
        return errors::reserved_word(path);
    } catch (const parsing::NestingTooDeep&) {
        return errors::nesting_too_deep(path);
    } catch (const parsing::NumberTooLarge&) {
        return errors::number_too_large(path);
    } catch (const parsing::TokenTooLarge&) {
        return errors::token_too_large(path);
    }
    file.ops.clear();
    file.imports.clear();
    return errors::end_of_input(path);
}

}  // namespace configurator
