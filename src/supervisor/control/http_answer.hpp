// The metrics endpoint's HTTP/1.1, reduced to what a scraper needs: one request per
// connection, GET (or HEAD) /metrics, every answer `Connection: close`. Pure: the
// request head in, what to answer out; the server (loop/metrics_server) does the I/O.
#pragma once

#include <string>
#include <string_view>

namespace angel::control {

/// Bounds of one request: its head (request line and headers), and the time it takes.
inline constexpr std::size_t kMaxHttpRequestBytes = 8 * 1024;

struct HttpAnswer {
    int status = 200;        ///< 200: the metrics; else an error (400, 404, 405)
    bool head_only = false;  ///< HEAD: the headers without the body
};

/// What to answer a request whose head (up to and without the blank line) is `head`.
HttpAnswer answer_request(std::string_view head);

/// A whole response: status line, Content-Type, Content-Length, `Connection: close`
/// (and `Allow` for a 405), the blank line, then `body` unless `head_only`.
std::string http_response(int status, std::string_view content_type, std::string_view body, bool head_only = false);

/// A response for an error status: a one-line plain-text body naming it.
std::string http_error(int status);

}  // namespace angel::control
