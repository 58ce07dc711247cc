#include "supervisor/loop/metrics_file.hpp"

#include <chrono>

#include "supervisor/os/replace_file.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {
namespace {

constexpr auto kInterval = std::chrono::seconds(10);

}  // namespace

MetricsFile::MetricsFile(boost::asio::io_context& io, std::string path, std::function<std::string()> metrics)
    : timer_(io), path_(std::move(path)), metrics_(std::move(metrics)) {}

void MetricsFile::start() { arm(); }  // the first load's observer writes the first one

void MetricsFile::arm() {
    timer_.expires_after(kInterval);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        arm();  // first: a throwing write must not end the writing
        write();
    });
}

void MetricsFile::write() {
    const std::optional<std::string> error = replace_file(path_, metrics_());
    const std::string now = error.value_or(std::string());
    if (now != last_error_ && !now.empty()) log(Level::v1, msg::ctx_main, "metricsfile: " + now);
    last_error_ = now;
}

}  // namespace angel
