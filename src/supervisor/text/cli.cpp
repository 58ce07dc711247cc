// The command line (spec section 1): left to right, stopping at the first error.
#include "supervisor/text/cli.hpp"

#include <algorithm>

namespace angel {
namespace {

/// The usage line, laid out at 80 columns as optparse-applicative does: options that do
/// not fit move to lines indented to CONFIG_FILE's column, each broken line keeping its
/// trailing space. (The original was observed for names up to 60 characters; longer
/// names get the same three-line form here.)
std::string usage_line(const std::string& prog) {
    const std::string head = "Usage: " + prog + " CONFIG_FILE";
    const std::string indent(prog.size() + 8, ' ');
    if (prog.size() <= 36) return head + " [-u USER] [-v VERBOSITY]";
    if (prog.size() <= 51) return head + " [-u USER] \n" + indent + "[-v VERBOSITY]";
    return head + " \n" + indent + "[-u USER] \n" + indent + "[-v VERBOSITY]";
}

/// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps).
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

/// Tracks what has been parsed so far, to build errors the way optparse does.
struct ParseState {
    std::optional<std::string> config;
    std::optional<std::string> user;
    std::optional<int> verbosity;
};

UsageError usage_error(const std::string& message, const std::string& prog,
                       const std::vector<std::string>& suggestions = {}) {
    std::string text = message + "\n\n";
    if (!suggestions.empty()) {
        text += suggestions.size() == 1 ? "Did you mean this?\n" : "Did you mean one of these?\n";
        for (const auto& s : suggestions) text += "    " + s + "\n";
        text += "\n";
    }
    text += usage_line(prog) + "\n";
    return UsageError{text};
}

/// "Invalid option" with the suggestions optparse offers before CONFIG_FILE is seen.
UsageError invalid_option(const std::string& arg, const ParseState& st, const std::string& prog) {
    std::vector<std::string> suggestions;
    if (!st.config) {
        std::vector<std::string> candidates = {"-h", "--help"};
        if (!st.user) candidates.push_back("-u");
        if (!st.verbosity) candidates.push_back("-v");
        for (const auto& c : candidates) {
            if (edit_distance(c, arg) <= 2) suggestions.push_back(c);
        }
    }
    return usage_error("Invalid option `" + arg + "'", prog, suggestions);
}

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args, const std::string& prog) {
    ParseState st;
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        bool positional = options_ended || arg.size() < 2 || arg[0] != '-';
        if (arg == "-" && st.config) positional = false;  // a lone "-" after CONFIG_FILE
        if (!options_ended && arg == "--") {
            options_ended = true;
            continue;
        }
        if (positional) {
            if (st.config) return usage_error("Invalid argument `" + arg + "'", prog);
            st.config = arg;
            continue;
        }
        if (arg == "-") return invalid_option(arg, st, prog);
        if (arg.rfind("--", 0) == 0) {
            if (arg == "--help" || arg.rfind("--help=", 0) == 0) return HelpRequested{};
            return invalid_option(arg, st, prog);
        }
        char letter = arg[1];
        if (letter == 'h') return HelpRequested{};
        if (letter != 'u' && letter != 'v') return invalid_option(arg, st, prog);
        bool is_user = letter == 'u';
        if (is_user ? st.user.has_value() : st.verbosity.has_value()) return invalid_option(arg, st, prog);
        std::string value;
        if (arg.size() > 2) {
            value = arg.substr(2);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return usage_error(std::string("The option `-") + letter + "` expects an argument.", prog);
        }
        if (is_user) {
            st.user = value;
        } else if (value == "0" || value == "1" || value == "2") {
            st.verbosity = value[0] - '0';
        } else {
            return usage_error("option -v: Expecting 0-2", prog);
        }
    }
    if (!st.config) return usage_error("Missing: CONFIG_FILE", prog);
    return Options{*st.config, st.user, st.verbosity.value_or(2)};
}

std::string help_text(const std::string& prog) {
    return "angel - Process management and supervision daemon\n"
           "\n" +
           usage_line(prog) +
           "\n"
           "\n"
           "Available options:\n"
           "  -h,--help                Show this help text\n"
           "  -u USER                  Execute as user\n"
           "  -v VERBOSITY             Verbosity from 0-2 (default: 2)\n";
}

}  // namespace angel
