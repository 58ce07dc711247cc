// An http or tcp health check (`check`) on the loop: an async connect, and for http a
// GET by angel itself and the status line of the answer. No thread, no resolver (the
// host is numeric), no timer: the engine's timeout abandons it by destroying it.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "supervisor/engine/effects.hpp"

namespace angel {

/// Starts the check; `done` runs once on the loop, never in here, and never after the
/// returned Watch is destroyed (which closes its socket).
std::unique_ptr<Watch> start_net_probe(boost::asio::io_context& io, const CheckSpec& check,
                                       std::function<void(ProbeResult)> done);

/// The verdict on an HTTP status line ("HTTP/1.1 204 No Content"): healthy for
/// 200-399; else the reason ("http status 500", "http: not an HTTP answer").
ProbeResult judge_status_line(std::string_view line);

}  // namespace angel
