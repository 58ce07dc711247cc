// Prometheus' text format: every family has # HELP and # TYPE, label values are
// escaped, optional series appear only when known, and the whole text is exact.
#include <boost/test/unit_test.hpp>
#include <string>

#include "supervisor/control/metrics_text.hpp"

namespace angel::control {
namespace {

MetricsSnapshot one_of_each() {
    MetricsSnapshot s;
    s.version = "0.1.0";
    s.start_time_seconds = 900;
    s.reloads_ok = 2;
    s.reloads_error = 1;
    s.last_reload_ok = false;
    s.last_reload_success_seconds = 950;
    InstanceStatus web;
    web.id = "web-1";
    web.state = RunState::running;
    web.pid = 42;
    web.uptime_seconds = 30;
    web.start_time_seconds = 970;  // the scrape turns the steady start into this, once per angel
    web.restarts = 3;
    web.last_exit = "signal 9 (KILL)";
    web.last_exit_code = 137;
    web.ready = true;
    web.health = HealthStatus{"timeout after 2 s", 2, 10};  // `check`: its last two failed
    s.programs.push_back(ProgramMetrics{web, "web", 4096, 5});
    InstanceStatus cron;
    cron.id = "cron";
    cron.state = RunState::waiting;
    cron.last_exit = "exit 2";
    cron.last_exit_code = 2;
    s.programs.push_back(ProgramMetrics{cron, "cron", std::nullopt, std::nullopt});
    s.blocks.push_back(BlockMetrics{"web", 4, 1, true});
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics_text)

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
    BOOST_TEST(escape_label_value("web-1") == "web-1");
    BOOST_TEST(escape_label_value(R"(a"b\c)") == R"(a\"b\\c)");
    BOOST_TEST(escape_label_value("two\nlines") == "two\\nlines");
    BOOST_TEST(escape_label_value("wébé-服务") == "wébé-服务");
    BOOST_TEST(escape_label_value("") == "");
}

BOOST_AUTO_TEST_CASE(exit_status_is_the_code_or_128_plus_the_signal) {
    BOOST_TEST(exit_code_of(0 << 8).value() == 0);   // exit 0
    BOOST_TEST(exit_code_of(3 << 8).value() == 3);   // exit 3
    BOOST_TEST(exit_code_of(9).value() == 137);      // signal 9 (KILL)
    BOOST_TEST(exit_code_of(15).value() == 143);     // signal 15
    BOOST_TEST(!exit_code_of(-1));                   // unknown
    BOOST_TEST(!exit_code_of(0x137f));               // stopped: not an end
}

BOOST_AUTO_TEST_CASE(the_whole_text) {
    const std::string expected =
        "# HELP angel_build_info Always 1; the label says which angel runs.\n"
        "# TYPE angel_build_info gauge\n"
        "angel_build_info{version=\"0.1.0\"} 1\n"
        "# HELP angel_start_time_seconds When angel started, in Unix seconds.\n"
        "# TYPE angel_start_time_seconds gauge\n"
        "angel_start_time_seconds 900\n"
        "# HELP angel_config_reloads_total Config loads (the first one included) by result: ok, or error (the last "
        "good config stays).\n"
        "# TYPE angel_config_reloads_total counter\n"
        "angel_config_reloads_total{result=\"ok\"} 2\n"
        "angel_config_reloads_total{result=\"error\"} 1\n"
        "# HELP angel_config_last_reload_successful 1 if the last config load succeeded, else 0.\n"
        "# TYPE angel_config_last_reload_successful gauge\n"
        "angel_config_last_reload_successful 0\n"
        "# HELP angel_config_last_reload_success_timestamp_seconds When the config was last loaded successfully, in "
        "Unix seconds.\n"
        "# TYPE angel_config_last_reload_success_timestamp_seconds gauge\n"
        "angel_config_last_reload_success_timestamp_seconds 950\n"
        "# HELP angel_program_up 1 while a process of the program runs, else 0.\n"
        "# TYPE angel_program_up gauge\n"
        "angel_program_up{program=\"web-1\",block=\"web\"} 1\n"
        "angel_program_up{program=\"cron\",block=\"cron\"} 0\n"
        "# HELP angel_program_done 1 for a one-shot that ended well and that `restart` keeps ended, else 0.\n"
        "# TYPE angel_program_done gauge\n"
        "angel_program_done{program=\"web-1\",block=\"web\"} 0\n"
        "angel_program_done{program=\"cron\",block=\"cron\"} 0\n"
        "# HELP angel_program_stopped 1 while angelctl stop holds the program down, else 0.\n"
        "# TYPE angel_program_stopped gauge\n"
        "angel_program_stopped{program=\"web-1\",block=\"web\"} 0\n"
        "angel_program_stopped{program=\"cron\",block=\"cron\"} 0\n"
        "# HELP angel_program_ready Served programs: 1 if the serving process said it is ready.\n"
        "# TYPE angel_program_ready gauge\n"
        "angel_program_ready{program=\"web-1\",block=\"web\"} 1\n"
        "# HELP angel_program_restarts_total Starts of the program since angel started, less the first.\n"
        "# TYPE angel_program_restarts_total counter\n"
        "angel_program_restarts_total{program=\"web-1\",block=\"web\"} 3\n"
        "angel_program_restarts_total{program=\"cron\",block=\"cron\"} 0\n"
        "# HELP angel_program_check_failures_total Programs with a check: failed health checks since angel started.\n"
        "# TYPE angel_program_check_failures_total counter\n"
        "angel_program_check_failures_total{program=\"web-1\",block=\"web\"} 5\n"
        "# HELP angel_program_healthy Programs with a check: 0 after a failed check, 1 once one passes (and before "
        "the first).\n"
        "# TYPE angel_program_healthy gauge\n"
        "angel_program_healthy{program=\"web-1\",block=\"web\"} 0\n"
        "# HELP angel_program_start_time_seconds When the running process started, in Unix seconds.\n"
        "# TYPE angel_program_start_time_seconds gauge\n"
        "angel_program_start_time_seconds{program=\"web-1\",block=\"web\"} 970\n"
        "# HELP angel_program_last_exit_status How the last process ended: its exit code, or 128 plus the signal "
        "that killed it.\n"
        "# TYPE angel_program_last_exit_status gauge\n"
        "angel_program_last_exit_status{program=\"web-1\",block=\"web\"} 137\n"
        "angel_program_last_exit_status{program=\"cron\",block=\"cron\"} 2\n"
        "# HELP angel_program_resident_memory_bytes Resident memory of the running process in bytes, read from "
        "/proc when scraped.\n"
        "# TYPE angel_program_resident_memory_bytes gauge\n"
        "angel_program_resident_memory_bytes{program=\"web-1\",block=\"web\"} 4096\n"
        "# HELP angel_rollouts_total Served blocks: rollouts done, and new instances that failed to become ready.\n"
        "# TYPE angel_rollouts_total counter\n"
        "angel_rollouts_total{block=\"web\",outcome=\"done\"} 4\n"
        "angel_rollouts_total{block=\"web\",outcome=\"failed\"} 1\n"
        "# HELP angel_rollout_in_progress Served blocks: 1 while a rollout is under way.\n"
        "# TYPE angel_rollout_in_progress gauge\n"
        "angel_rollout_in_progress{block=\"web\"} 1\n";
    BOOST_TEST(render_metrics(one_of_each()) == expected);
}

BOOST_AUTO_TEST_CASE(ids_are_escaped_in_every_series) {
    MetricsSnapshot s = one_of_each();
    s.programs[0].status.id = "we\"b\\1\n";
    s.programs[0].block = "b\"";
    s.blocks[0].block = "b\"";
    const std::string text = render_metrics(s);
    BOOST_TEST(text.find("angel_program_up{program=\"we\\\"b\\\\1\\n\",block=\"b\\\"\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("angel_rollout_in_progress{block=\"b\\\"\"} 1\n") != std::string::npos);
    // No raw newline inside a sample: every line is a comment or a whole sample.
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        BOOST_REQUIRE(end != std::string::npos);
        const std::string line = text.substr(start, end - start);
        BOOST_TEST((line.starts_with("# ") || line.starts_with("angel_")), line);
        start = end + 1;
    }
}

BOOST_AUTO_TEST_CASE(unknown_figures_leave_their_series_out_but_not_their_family) {
    MetricsSnapshot s;
    s.version = "x";
    const std::string text = render_metrics(s);
    BOOST_TEST(text.find("\nangel_config_last_reload_success_timestamp_seconds ") == std::string::npos);
    BOOST_TEST(text.find("# TYPE angel_config_last_reload_success_timestamp_seconds gauge\n") != std::string::npos);
    BOOST_TEST(text.find("# TYPE angel_rollouts_total counter\n") != std::string::npos);
    BOOST_TEST(text.find("angel_config_last_reload_successful 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::control
