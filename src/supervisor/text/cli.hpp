// The command line, parsed exactly as the original's optparse-applicative parser does.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace angel {

/// A parsed command line: `angel CONFIG_FILE [-u USER] [-v VERBOSITY]`.
struct Options {
    std::string config_file;
    std::optional<std::string> user;  ///< -u USER
    int verbosity = 2;                ///< -v 0|1|2
};

/// `-h`/`--help` was given: print help_text() to stdout, exit 0.
struct HelpRequested {};

/// A command-line error: the whole stderr text (message, suggestions, usage), exit 1.
struct UsageError {
    std::string text;
};

using ParsedCommandLine = std::variant<Options, HelpRequested, UsageError>;

/// Parses the arguments after argv[0]; `prog` is the name shown in the usage line.
ParsedCommandLine parse_command_line(const std::vector<std::string>& args, const std::string& prog);

/// The help text printed for -h/--help.
std::string help_text(const std::string& prog);

}  // namespace angel
