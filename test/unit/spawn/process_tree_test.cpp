// Notify sockets' sender checks with real processes: the sender's pid that comes with
// each datagram (SO_PASSCRED), and whose descendant a process is (/proc parent chains).
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <variant>

#include "supervisor/os/notify_socket.hpp"
#include "supervisor/os/process_tree.hpp"

namespace {

/// A child that forks a grandchild and both sleep; killed (the whole group) at the end.
struct Family {
    pid_t child = -1;
    pid_t grandchild = -1;
    Family() {
        int p[2];
        BOOST_REQUIRE(::pipe(p) == 0);
        child = ::fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            ::setpgid(0, 0);
            const pid_t g = ::fork();
            if (g == 0) {
                ::pause();
                ::_exit(0);
            }
            ssize_t ignored = ::write(p[1], &g, sizeof g);
            (void)ignored;
            ::pause();
            ::_exit(0);
        }
        ::close(p[1]);
        BOOST_REQUIRE(::read(p[0], &grandchild, sizeof grandchild) == static_cast<ssize_t>(sizeof grandchild));
        ::close(p[0]);
    }
    ~Family() {
        ::kill(-child, SIGKILL);
        ::kill(child, SIGKILL);
        ::kill(grandchild, SIGKILL);
        ::waitpid(child, nullptr, 0);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(process_tree)

BOOST_AUTO_TEST_CASE(the_parent_in_a_stat_line) {
    BOOST_TEST(*angel::parent_in_stat("42 (sleep) S 7 42 42 0 -1") == 7);
    // comm may hold spaces and parentheses: the last ')' ends it.
    BOOST_TEST(*angel::parent_in_stat("42 (a) b) (c) R 1234 42 42") == 1234);
    BOOST_TEST(*angel::parent_in_stat("1 (init) S 0 1 1") == 0);
    for (const char* bad : {"", "42 (x", "42 (x) S", "42 (x) S x", "42 (x)S 7", "42 (x) S -3"}) {
        BOOST_TEST(!angel::parent_in_stat(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(descendants_are_in_the_tree_others_not) {
    Family f;
    BOOST_TEST(angel::in_process_tree(f.child, f.child));
    BOOST_TEST(angel::in_process_tree(f.grandchild, f.child));
    BOOST_TEST(angel::in_process_tree(f.grandchild, ::getpid()));
    BOOST_TEST(!angel::in_process_tree(::getpid(), f.child));  // an ancestor is not a descendant
    BOOST_TEST(!angel::in_process_tree(f.child, f.grandchild));
    BOOST_TEST(!angel::in_process_tree(f.grandchild, f.child, 0));  // the walk is bounded
    BOOST_TEST(!angel::in_process_tree(0, f.child));
    BOOST_TEST(!angel::in_process_tree(f.child, 0));
}

BOOST_AUTO_TEST_CASE(a_datagram_comes_with_its_senders_pid) {
    char dir[] = "/tmp/angel-notify-test-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(dir) != nullptr);
    const std::string path = std::string(dir) + "/n";
    auto opened = angel::open_notify_socket(path);
    BOOST_REQUIRE(std::holds_alternative<angel::Fd>(opened));
    const int fd = std::get<angel::Fd>(opened).get();
    const auto send_from_child = [&](bool pass_fd) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int s = ::socket(AF_UNIX, SOCK_DGRAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
            char text[] = "READY=1";
            iovec part{text, 7};
            msghdr m{};
            m.msg_name = &addr;
            m.msg_namelen = sizeof addr;
            m.msg_iov = &part;
            m.msg_iovlen = 1;
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
            if (pass_fd) {
                m.msg_control = control;
                m.msg_controllen = sizeof control;
                cmsghdr* c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                const int passed = 0;
                std::memcpy(CMSG_DATA(c), &passed, sizeof passed);
            }
            ::_exit(::sendmsg(s, &m, 0) == 7 ? 0 : 1);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        return pid;
    };
    const auto open_fds = [] {
        int n = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
        return n;
    };
    for (bool pass_fd : {false, true}) {
        const int fds_before = open_fds();
        const pid_t sender = send_from_child(pass_fd);
        char buffer[64];
        pid_t got = 0;
        BOOST_TEST(angel::receive_notify(fd, buffer, sizeof buffer, got) == 7);
        BOOST_TEST(std::string(buffer, 7) == "READY=1");
        BOOST_TEST(got == sender);
        BOOST_TEST(open_fds() == fds_before);  // a passed descriptor is closed, not kept
    }
    pid_t got = 1;
    char buffer[8];
    BOOST_TEST(angel::receive_notify(fd, buffer, sizeof buffer, got) == -1);  // nothing more: non-blocking
    BOOST_TEST(errno == EAGAIN);
    ::unlink(path.c_str());
    ::rmdir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
