// The `metricsfile` on the loop: the exposition written every 10 seconds and after
// each config load, replaced whole (os/replace_file) for node_exporter's textfile
// collector. A failure is logged once, when it first happens or changes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

namespace angel {

class MetricsFile {
public:
    MetricsFile(boost::asio::io_context& io, std::string path, std::function<std::string()> metrics);

    void start();  ///< every 10 seconds from now
    void write();  ///< writes now (after a load)

private:
    void arm();

    boost::asio::steady_timer timer_;
    std::string path_;
    std::function<std::string()> metrics_;
    std::string last_error_;
};

}  // namespace angel
