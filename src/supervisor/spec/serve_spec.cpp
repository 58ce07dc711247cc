// Parsing listen addresses, and the defaults that depend on several keys.
#include "supervisor/spec/serve_spec.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

namespace angel {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(const std::string& text) {
    ListenAddress a;
    a.text = text;
    if (text.starts_with('/')) {
        // sun_path holds 107 characters and the terminating NUL.
        if (text.size() > 107 || text.find('\0') != std::string::npos) return std::nullopt;
        a.kind = ListenAddress::Kind::unix_path;
        a.path = text;
        return a;
    }
    if (text.starts_with('[')) {
        const std::size_t close = text.find("]:");
        if (close == std::string::npos) return std::nullopt;
        a.kind = ListenAddress::Kind::ipv6;
        a.host = text.substr(1, close - 1);
        in6_addr probe{};
        if (inet_pton(AF_INET6, a.host.c_str(), &probe) != 1) return std::nullopt;
        auto port = parse_port(std::string_view(text).substr(close + 2));
        if (!port) return std::nullopt;
        a.port = *port;
        return a;
    }
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        auto port = parse_port(text);
        if (!port) return std::nullopt;
        a.kind = ListenAddress::Kind::any;
        a.port = *port;
        return a;
    }
    a.kind = ListenAddress::Kind::ipv4;
    a.host = text.substr(0, colon);
    in_addr probe{};
    if (inet_pton(AF_INET, a.host.c_str(), &probe) != 1) return std::nullopt;
    auto port = parse_port(std::string_view(text).substr(colon + 1));
    if (!port) return std::nullopt;
    a.port = *port;
    return a;
}

std::int64_t effective_surge(const ServeSpec& serve) {
    if (serve.surge) return *serve.surge;
    return !serve.listen.empty() || serve.ready ? 1 : 0;
}

ReadySpec effective_ready(const ServeSpec& serve) {
    if (serve.ready) return *serve.ready;
    if (!serve.listen.empty() || effective_surge(serve) > 0) return ReadySpec{ReadySpec::Kind::seconds, 1};
    return ReadySpec{ReadySpec::Kind::seconds, 0};
}

}  // namespace angel
