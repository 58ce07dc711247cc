// The daemon's log through Boost.Log, with our own formatter and a single-write sink.
#include "supervisor/text/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>

#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/log/attributes/attribute_value_impl.hpp>
#include <boost/make_shared.hpp>

#include "supervisor/text/output_writer.hpp"

namespace angel {
namespace {

namespace bl = boost::log;

BOOST_LOG_ATTRIBUTE_KEYWORD(severity, "Severity", Level)

OutputWriter& writer(Output output) {
    static OutputWriter out(STDOUT_FILENO);
    static OutputWriter err(STDERR_FILENO);
    return output == Output::log ? out : err;
}

/// Sink backend: each formatted record whole, through the writer that never waits on
/// a slow reader (records never tear, even when stdout is shared with children). After
/// EPIPE it drops records (defect D25 of the original: it used to kill the logging thread).
class stdout_backend : public bl::sinks::basic_formatted_sink_backend<char> {
public:
    void consume(const bl::record_view&, const string_type& line) { writer(Output::log).write(line); }
};

/// `[YYYY/MM/DD HH:MM:SS]` in local time (TZ honoured), taken when the record is
/// formatted; made once per second (a crash loop logs thousands of records a second).
std::string_view stamp_now() {
    static std::time_t stamped = -1;
    static char stamp[32];
    static std::size_t length = 0;
    const std::time_t now = std::time(nullptr);
    if (now != stamped) {
        std::tm local{};
        localtime_r(&now, &local);
        length = std::strftime(stamp, sizeof stamp, "[%Y/%m/%d %H:%M:%S]", &local);
        stamped = now;
    }
    return {stamp, length};
}

void format_record(const bl::record_view& rec, bl::formatting_ostream& out) {
    out << stamp_now() << " {";
    if (auto context = bl::extract<std::string>("Context", rec)) out << *context;
    out << "} ";
    if (auto message = bl::extract<std::string>("Message", rec)) out << *message;
    out << '\n';
}

bl::sources::severity_logger<Level>& logger() {
    static bl::sources::severity_logger<Level> instance;
    return instance;
}

std::string& program_name_storage() {
    static std::string name = "angel";
    return name;
}

}  // namespace

void init_log(int verbosity) {
    ::tzset();  // local time follows TZ from the first record on
    using sink_t = bl::sinks::synchronous_sink<stdout_backend>;
    auto sink = boost::make_shared<sink_t>(boost::make_shared<stdout_backend>());
    sink->set_formatter(&format_record);
    auto core = bl::core::get();
    core->remove_all_sinks();
    core->add_sink(sink);
    core->set_filter(severity <= static_cast<Level>(verbosity));
}

void set_output_backlog_handler(Output output, std::function<void()> handler) {
    writer(output).set_backlog_handler(std::move(handler));
}

bool flush_output_backlog(Output output) {
    if (output == Output::errors) {
        return writer(output).flush_some([](std::size_t dropped) {
            return program_name_storage() + ": " + std::to_string(dropped) +
                   " error lines dropped: standard error was full\n";
        });
    }
    return writer(output).flush_some([](std::size_t dropped) {
        return std::string(stamp_now()) + " {" + std::string(msg::ctx_main) + "} " + std::to_string(dropped) +
               " log records dropped: standard output was full\n";
    });
}

int output_fd(Output output) { return writer(output).fd(); }

void flush_outputs_at_exit() {
    using clock = std::chrono::steady_clock;
    const auto give_up_at = clock::now() + std::chrono::seconds(10);
    writer(Output::log).flush_at_exit(10000);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up_at - clock::now());
    writer(Output::errors).flush_at_exit(static_cast<int>(std::max<long long>(0, left.count())));
}

void log(Level level, std::string_view ctx, std::string_view message) {
    auto& lg = logger();
    if (bl::record rec = lg.open_record(bl::keywords::severity = level)) {
        // The two values go in as attribute values: no stream is built per record.
        rec.attribute_values().insert("Context", bl::attributes::make_attribute_value(std::string(ctx)));
        rec.attribute_values().insert("Message", bl::attributes::make_attribute_value(std::string(message)));
        lg.push_record(std::move(rec));
    }
}

void report_error(std::string_view text) {
    std::string line = program_name_storage();
    line += ": ";
    line += text;
    line += '\n';
    writer(Output::errors).write(line);
}

void set_program_name(std::string_view argv0) {
    auto slash = argv0.rfind('/');
    program_name_storage() = std::string(slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1));
}

const std::string& program_name() { return program_name_storage(); }

}  // namespace angel
