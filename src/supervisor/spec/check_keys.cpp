// Parsing a `check` value. Strict: a typo is a config error, not a check that
// always fails.
#include "supervisor/spec/check_keys.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace angel {
namespace {

/// A numeric host (IPv4, or IPv6 in brackets) or localhost, as the probe connects to it.
std::optional<std::string> host_of(std::string_view text) {
    if (text == "localhost") return std::string("127.0.0.1");
    unsigned char buffer[16];
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
        const std::string inner(text.substr(1, text.size() - 2));
        if (::inet_pton(AF_INET6, inner.c_str(), buffer) == 1) return inner;
        return std::nullopt;
    }
    const std::string plain(text);
    if (::inet_pton(AF_INET, plain.c_str(), buffer) == 1) return plain;
    return std::nullopt;
}

/// HOST:PORT (the last colon splits, so that [::1]:80 works) into `check`.
bool address_of(std::string_view text, CheckSpec& check) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    auto host = host_of(text.substr(0, colon));
    const std::string_view port = text.substr(colon + 1);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (!host || port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value == 0 ||
        value > 65535) {
        return false;
    }
    check.host = std::move(*host);
    check.port = static_cast<std::uint16_t>(value);
    return true;
}

/// A path an HTTP/1.0 request line can carry: no space or control character.
bool plain_path(std::string_view path) {
    for (char c : path) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
    }
    return true;
}

}  // namespace

std::optional<CheckSpec> check_of(std::string_view text) {
    CheckSpec check;
    check.text = std::string(text);
    constexpr std::string_view kHttp = "http://", kTcp = "tcp:", kExec = "exec:";
    if (text.starts_with(kHttp)) {
        check.kind = CheckSpec::Kind::http;
        const std::string_view rest = text.substr(kHttp.size());
        const std::size_t slash = rest.find('/');
        const std::string_view path = slash == std::string_view::npos ? "/" : rest.substr(slash);
        if (!address_of(rest.substr(0, slash), check) || !plain_path(path)) return std::nullopt;
        check.target = std::string(path);
        return check;
    }
    if (text.starts_with(kTcp)) {
        check.kind = CheckSpec::Kind::tcp;
        if (!address_of(text.substr(kTcp.size()), check)) return std::nullopt;
        return check;
    }
    if (text.starts_with(kExec)) {
        check.kind = CheckSpec::Kind::exec;
        check.target = std::string(text.substr(kExec.size()));
        // The command is split on spaces at each check, as `exec` is at each start.
        if (check.target.find_first_not_of(' ') == std::string::npos) return std::nullopt;
        return check;
    }
    return std::nullopt;
}

}  // namespace angel
