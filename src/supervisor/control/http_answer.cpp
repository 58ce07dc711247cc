#include "supervisor/control/http_answer.hpp"

namespace angel::control {
namespace {

std::string_view reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        default: return "Error";
    }
}

}  // namespace

HttpAnswer answer_request(std::string_view head) {
    // Request line: METHOD SP TARGET SP HTTP/1.x
    const std::string_view line = head.substr(0, head.find_first_of("\r\n"));
    const std::size_t first = line.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (first == 0 || second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
        return {400, false};
    }
    const std::string_view method = line.substr(0, first);
    std::string_view target = line.substr(first + 1, second - first - 1);
    const std::string_view version = line.substr(second + 1);
    if (!version.starts_with("HTTP/1.") || version.size() != 8) return {400, false};
    if (target.empty()) return {400, false};
    // An absolute-form target (http://host/metrics) names the same path.
    if (const std::size_t scheme = target.find("://"); scheme != std::string_view::npos) {
        const std::size_t path = target.find('/', scheme + 3);
        target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
    }
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics") return {404, false};
    if (method == "GET") return {200, false};
    if (method == "HEAD") return {200, true};
    return {405, false};
}

std::string http_response(int status, std::string_view content_type, std::string_view body, bool head_only) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
    out.append(reason(status));
    out.append("\r\nContent-Type: ").append(content_type);
    out.append("\r\nContent-Length: ").append(std::to_string(body.size()));
    if (status == 405) out.append("\r\nAllow: GET, HEAD");
    out.append("\r\nConnection: close\r\n\r\n");
    if (!head_only) out.append(body);
    return out;
}

std::string http_error(int status) {
    std::string body = std::to_string(status) + " ";
    body.append(reason(status));
    if (status == 404) body.append(": angel serves /metrics only");
    body.append("\n");
    return http_response(status, "text/plain; charset=utf-8", body);
}

}  // namespace angel::control
