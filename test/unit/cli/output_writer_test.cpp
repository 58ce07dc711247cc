// The writer of angel's stdout and stderr on a real pipe: a full pipe queues records instead of
// waiting, they come out whole and in order once the reader reads, the backlog is
// bounded (drops are counted and said), and a closed reader drops everything.
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "supervisor/text/output_writer.hpp"

namespace angel {
namespace {

struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        r = fds[0];
        w = fds[1];
        ::fcntl(r, F_SETFL, O_NONBLOCK);  // the test's reader only; the writer's end stays blocking
    }
    ~Pipe() {
        if (r >= 0) ::close(r);
        if (w >= 0) ::close(w);
    }
    std::string drain() {
        std::string out;
        char buffer[65536];
        ssize_t n;
        while ((n = ::read(r, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(n));
        return out;
    }
};

std::string record(int i) { return "record " + std::to_string(i) + " " + std::string(100, 'x') + "\n"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(output_writer)

BOOST_AUTO_TEST_CASE(a_full_pipe_queues_in_order_and_nothing_is_lost) {
    Pipe pipe;
    OutputWriter writer(pipe.w);
    int backlogs = 0;
    writer.set_backlog_handler([&] { ++backlogs; });
    std::string expected;
    for (int i = 0; i < 5000; ++i) {  // ~550 KB: far more than the pipe holds
        writer.write(record(i));
        expected += record(i);
    }
    BOOST_TEST(backlogs == 1);  // once per backlog, not per record
    BOOST_TEST(writer.backlog_bytes() > 0u);
    BOOST_TEST((::fcntl(pipe.w, F_GETFL) & O_NONBLOCK) == 0);  // the shared description is untouched
    std::string got = pipe.drain();
    while (writer.flush_some()) got += pipe.drain();
    got += pipe.drain();
    BOOST_TEST(got == expected);
    BOOST_TEST(writer.backlog_bytes() == 0u);
    writer.write("after\n");  // no backlog: straight through
    BOOST_TEST(pipe.drain() == "after\n");
}

BOOST_AUTO_TEST_CASE(the_backlog_is_bounded_and_drops_are_said) {
    Pipe pipe;
    OutputWriter writer(pipe.w);
    const std::string big(1 << 20, 'y');
    for (int i = 0; i < 40; ++i) writer.write(big);  // 40 MiB against a 16 MiB bound
    BOOST_TEST(writer.backlog_bytes() <= OutputWriter::kMaxBacklog);
    BOOST_TEST(writer.dropped() > 0u);
    std::string got = pipe.drain();
    auto note = [](std::size_t n) { return "dropped " + std::to_string(n) + "\n"; };
    while (writer.flush_some(note)) got += pipe.drain();
    got += pipe.drain();
    BOOST_TEST(got.ends_with("dropped 24\n"));
    BOOST_TEST(got.size() == 16u * (1u << 20) + std::string("dropped 24\n").size());
}

BOOST_AUTO_TEST_CASE(a_closed_reader_drops_everything_without_a_signal) {
    std::signal(SIGPIPE, SIG_IGN);  // as angel runs (EPIPE, not death)
    Pipe pipe;
    ::close(pipe.r);
    pipe.r = -1;
    OutputWriter writer(pipe.w);
    writer.write("lost\n");
    writer.write("lost too\n");
    BOOST_TEST(writer.backlog_bytes() == 0u);
    BOOST_TEST(!writer.flush_some());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
