// The floor for spawning: what a bare posix_spawn loop costs on this machine, to
// compare angel's spawning with (bench/spawn_bench.py runs both, in one run).
//   spawn-floor start N        posix_spawnp N `sleep 100000`, stdout/stderr on /dev/null,
//                              empty environment; prints wall and CPU seconds, then
//                              kills and reaps them
//   spawn-floor loop SECONDS   spawn `true`, reap it, again, for SECONDS; prints
//                              spawns per second and CPU seconds per 1,000
// Output: one line of `key=value` words.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

double cpu_seconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// posix_spawnp of argv with stdout and stderr on `null_fd` and no environment.
pid_t spawn(char* const* argv, int null_fd) {
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, null_fd, 1);
    ::posix_spawn_file_actions_adddup2(&actions, null_fd, 2);
    char* empty_env[] = {nullptr};
    pid_t pid = -1;
    const int err = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv, empty_env);
    ::posix_spawn_file_actions_destroy(&actions);
    if (err != 0) {
        std::fprintf(stderr, "spawn-floor: posix_spawnp: %s\n", std::strerror(err));
        std::exit(1);
    }
    return pid;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: spawn-floor start N | spawn-floor loop SECONDS\n");
        return 2;
    }
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const auto t0 = std::chrono::steady_clock::now();
    if (std::strcmp(argv[1], "start") == 0) {
        const int n = std::atoi(argv[2]);
        char sleep_name[] = "sleep", forever[] = "100000";
        char* child_argv[] = {sleep_name, forever, nullptr};
        std::vector<pid_t> pids;
        pids.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) pids.push_back(spawn(child_argv, null_fd));
        const double wall = since(t0), cpu = cpu_seconds();
        std::printf("start n=%d wall=%.4f cpu=%.4f\n", n, wall, cpu);
        std::fflush(stdout);
        for (pid_t pid : pids) ::kill(pid, SIGKILL);
        for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
        return 0;
    }
    if (std::strcmp(argv[1], "loop") == 0) {
        const double seconds = std::atof(argv[2]);
        char true_name[] = "true";
        char* child_argv[] = {true_name, nullptr};
        long spawns = 0;
        while (since(t0) < seconds) {
            ::waitpid(spawn(child_argv, null_fd), nullptr, 0);
            ++spawns;
        }
        const double wall = since(t0), cpu = cpu_seconds();
        std::printf("loop spawns=%ld wall=%.4f per_second=%.1f cpu_per_1000=%.4f\n", spawns, wall, spawns / wall,
                    cpu * 1000.0 / static_cast<double>(spawns));
        return 0;
    }
    std::fprintf(stderr, "usage: spawn-floor start N | spawn-floor loop SECONDS\n");
    return 2;
}
