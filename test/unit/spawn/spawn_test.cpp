// Spawning real processes: errors known at once with the reference's texts, the child's
// environment, directory, descriptors and signal state; the files angel opens for it.
#define BOOST_TEST_MODULE spawn
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "supervisor/os/files.hpp"
#include "supervisor/os/spawn.hpp"

namespace fs = std::filesystem;
using angel::SpawnRequest;

namespace {

/// A fresh directory per test, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/angel-spawn-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void write_file(const std::string& path, const std::string& text, fs::perms perms = fs::perms::owner_all) {
    std::ofstream(path) << text;
    fs::permissions(path, perms);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A request to run just PROGRAM, with angel's environment and streams.
SpawnRequest command(const std::string& program) {
    SpawnRequest request;
    request.argv = {program};
    return request;
}

/// The error text of a spawn that must fail.
std::string error_of(const SpawnRequest& request) {
    auto result = angel::spawn(request);
    BOOST_REQUIRE(std::holds_alternative<angel::SpawnError>(result));
    return std::get<angel::SpawnError>(result).text;
}

/// Runs a request that must succeed, waits for the child, returns its exit status.
int run(const SpawnRequest& request) {
    auto result = angel::spawn(request);
    BOOST_REQUIRE(std::holds_alternative<pid_t>(result));
    int status = 0;
    BOOST_REQUIRE(::waitpid(std::get<pid_t>(result), &status, 0) > 0);
    BOOST_REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/// Runs ARGV with stdout into the file OUT and returns what it wrote.
std::string output_of(const TempDir& dir, std::vector<std::string> argv, SpawnRequest request = {}) {
    auto opened = angel::open_for_append(dir / "out");
    BOOST_REQUIRE(std::holds_alternative<angel::Fd>(opened));
    request.argv = std::move(argv);
    request.fds.push_back({std::get<angel::Fd>(opened).get(), 1});
    BOOST_TEST(run(request) == 0);
    return read_file(dir / "out");
}

}  // namespace

BOOST_AUTO_TEST_CASE(missing_binary_is_known_at_once) {
    BOOST_TEST(error_of(command("./no-such-program")) ==
               "./no-such-program: createProcess: posix_spawnp: does not exist (No such file or directory)");
    BOOST_TEST(error_of(command("no-such-program-in-path")) ==
               "no-such-program-in-path: createProcess: posix_spawnp: does not exist (No such file or directory)");
}

BOOST_AUTO_TEST_CASE(not_executable_and_no_shebang) {
    TempDir dir;
    write_file(dir / "plain", "echo hi\n", fs::perms::owner_read | fs::perms::owner_write);
    BOOST_TEST(error_of(command(dir / "plain")) ==
               dir / "plain" + ": createProcess: posix_spawnp: permission denied (Permission denied)");
    write_file(dir / "noshebang", "echo hi\n");
    BOOST_TEST(error_of(command(dir / "noshebang")) ==
               dir / "noshebang" + ": createProcess: posix_spawnp: invalid argument (Exec format error)");
    BOOST_TEST(error_of(command(dir.path.string())) ==
               dir.path.string() + ": createProcess: posix_spawnp: permission denied (Permission denied)");
}

BOOST_AUTO_TEST_CASE(directory_resolves_relative_exec_inside_it) {
    TempDir dir;
    fs::create_directory(dir / "sub");
    write_file(dir / "sub/x.sh", "#!/bin/sh\nexit 7\n");
    SpawnRequest request = command("./x.sh");
    request.directory = dir / "sub";
    BOOST_TEST(run(request) == 7);
    request.argv = {"./missing.sh"};
    BOOST_TEST(error_of(request) == "./missing.sh: createProcess: exec: does not exist (No such file or directory)");
    request.directory = dir / "nope";
    BOOST_TEST(error_of(request) == "./missing.sh: createProcess: chdir: does not exist (No such file or directory)");
    request.directory = dir / "sub/x.sh";
    BOOST_TEST(error_of(request) == "./missing.sh: createProcess: chdir: inappropriate type (Not a directory)");
}

BOOST_AUTO_TEST_CASE(child_gets_exactly_its_environment_and_directory) {
    TempDir dir;
    SpawnRequest request;
    request.env = std::vector<std::string>{"B=2", "A=1"};
    request.directory = dir.path.string();
    BOOST_TEST(output_of(dir, {"/usr/bin/env"}, request) == "B=2\nA=1\n");
    BOOST_TEST(output_of(dir, {"/bin/pwd"}, request) == "B=2\nA=1\n" + dir.path.string() + "\n");
}

BOOST_AUTO_TEST_CASE(no_descriptor_leaks_and_default_signals) {
    TempDir dir;
    // A descriptor angel opened (close-on-exec) and an ignored SIGPIPE must not reach the child.
    auto extra = angel::open_for_append(dir / "extra");
    BOOST_REQUIRE(std::holds_alternative<angel::Fd>(extra));
    angel::Fd high(::fcntl(std::get<angel::Fd>(extra).get(), F_DUPFD_CLOEXEC, 50));  // a number sh leaves alone
    BOOST_REQUIRE(high.get() == 50);
    struct sigaction ignore {}, saved{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &saved);
    angel::note_signal_dispositions();
    std::string out = output_of(dir, {"/bin/sh", "-c",
                                      "[ -e /proc/self/fd/50 ] && echo leaked || echo closed;"
                                      "grep -E '^Sig(Ign|Blk)' /proc/self/status"});
    ::sigaction(SIGPIPE, &saved, nullptr);
    angel::note_signal_dispositions();
    BOOST_TEST(out == "closed\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

BOOST_AUTO_TEST_CASE(descriptor_moves_are_done_as_if_at_once) {
    TempDir dir;
    auto x = angel::open_for_append(dir / "x");
    auto y = angel::open_for_append(dir / "y");
    BOOST_REQUIRE(std::holds_alternative<angel::Fd>(x));
    BOOST_REQUIRE(std::holds_alternative<angel::Fd>(y));
    // Put them at 7 and 8 (sh redirects single digits only), then ask for a swap: x at
    // 8, y at 7. Done one dup2 after another, the first would overwrite the second's source.
    BOOST_REQUIRE(::fcntl(7, F_GETFD) < 0);
    BOOST_REQUIRE(::fcntl(8, F_GETFD) < 0);
    angel::Fd fx(::dup3(std::get<angel::Fd>(x).get(), 7, O_CLOEXEC));
    angel::Fd fy(::dup3(std::get<angel::Fd>(y).get(), 8, O_CLOEXEC));
    BOOST_REQUIRE(fx.get() == 7);
    BOOST_REQUIRE(fy.get() == 8);
    SpawnRequest request;
    request.fds = {{7, 8}, {8, 7}, {7, 3}};
    BOOST_TEST(output_of(dir, {"/bin/sh", "-c", "echo to-x >&8; echo to-y >&7; echo also-x >&3; echo out"}, request) ==
               "out\n");
    BOOST_TEST(read_file(dir / "x") == "to-x\nalso-x\n");
    BOOST_TEST(read_file(dir / "y") == "to-y\n");
    // A descriptor already in place is passed on (its close-on-exec flag cleared).
    SpawnRequest in_place;
    in_place.fds = {{7, 7}};
    BOOST_TEST(output_of(dir, {"/bin/sh", "-c", "echo again >&7; echo out"}, in_place) == "out\nout\n");
    BOOST_TEST(read_file(dir / "x") == "to-x\nalso-x\nagain\n");
}

BOOST_AUTO_TEST_CASE(the_child_writes_its_own_pid_into_its_environment) {
    // LISTEN_PID must name the child itself: only the child knows it before exec.
    TempDir dir;
    SpawnRequest request;
    request.env = std::vector<std::string>{"A=1", "LISTEN_PID=", "B=2", "WATCHDOG_PID="};
    request.own_pid_envs = {1, 3};
    auto opened = angel::open_for_append(dir / "out");
    BOOST_REQUIRE(std::holds_alternative<angel::Fd>(opened));
    request.argv = {"/bin/sh", "-c", "echo \"$A $LISTEN_PID $$ $B $WATCHDOG_PID\""};
    request.fds.push_back({std::get<angel::Fd>(opened).get(), 1});
    auto result = angel::spawn(request);
    BOOST_REQUIRE(std::holds_alternative<pid_t>(result));
    const pid_t pid = std::get<pid_t>(result);
    BOOST_REQUIRE(::waitpid(pid, nullptr, 0) == pid);
    const std::string p = std::to_string(pid);
    BOOST_TEST(read_file(dir / "out") == "1 " + p + " " + p + " 2 " + p + "\n");
    BOOST_TEST((*request.env)[1] == "LISTEN_PID=");  // the request itself is untouched
}

BOOST_AUTO_TEST_CASE(a_bad_descriptor_is_known_at_once) {
    SpawnRequest request = command("/bin/true");
    request.fds = {{77, 3}};  // not open
    BOOST_TEST(error_of(request) == "/bin/true: createProcess: dup2: invalid argument (Bad file descriptor)");
}

BOOST_AUTO_TEST_CASE(append_files_and_pidfiles) {
    TempDir dir;
    {
        // The same file twice (stdout = stderr) is fine: defect D1 of the original, fixed.
        auto a = angel::open_for_append(dir / "both.log");
        auto b = angel::open_for_append(dir / "both.log");
        BOOST_TEST(std::holds_alternative<angel::Fd>(a));
        BOOST_TEST(std::holds_alternative<angel::Fd>(b));
        BOOST_TEST(::write(std::get<angel::Fd>(a).get(), "a\n", 2) == 2);
        BOOST_TEST(::write(std::get<angel::Fd>(b).get(), "b\n", 2) == 2);
    }
    BOOST_TEST(read_file(dir / "both.log") == "a\nb\n");
    auto missing = angel::open_for_append(dir / "no/out.log");
    BOOST_TEST(std::get<angel::FileError>(missing).text ==
               dir / "no/out.log" + ": openFile: does not exist (No such file or directory)");

    // A FIFO nobody reads fails at once instead of blocking the daemon's only thread.
    BOOST_REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    BOOST_TEST(std::get<angel::FileError>(angel::open_for_append(dir / "fifo")).text ==
               dir / "fifo" + ": openFile: does not exist (No such device or address)");

    write_file(dir / "p.pid", "999999999\n");
    BOOST_TEST(std::holds_alternative<std::monostate>(angel::write_pidfile(dir / "p.pid", 1234)));
    BOOST_TEST(read_file(dir / "p.pid") == "1234");
    BOOST_TEST(std::get<angel::FileError>(angel::write_pidfile(dir / "no/p.pid", 1)).text ==
               dir / "no/p.pid" + ": openFile: does not exist (No such file or directory)");
    angel::remove_file(dir / "p.pid");
    angel::remove_file(dir / "p.pid");  // a missing file is fine
    BOOST_TEST(!fs::exists(dir / "p.pid"));
}
