// configurator-bench: generates a 200,000-line config (20,000 groups of 8 bindings with
// escapes, interpolations, `$$` and nested lists, ~5.4 MB) in a temporary directory,
// loads it with configurator::load, and prints the wall time and the peak RSS.
// usage: configurator-bench [--short-lists] [GROUPS]   (default 20000)
// Each group's `args` is a list of 9 elements nested 3 deep; with --short-lists it is a
// list of 3 elements nested 2 deep (lists cost 16 bytes per element in the map).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <variant>

#include <sys/resource.h>
#include <unistd.h>

#include "configurator/load.hpp"

namespace {

double cpu_ms() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

std::string args(int g, bool short_lists) {
    char buf[128];
    if (short_lists) {
        std::snprintf(buf, sizeof buf, "  args = [\"-verbose\", [%d, \"nested\\u0041\"]]  # a short list\n", g % 10);
    } else {
        std::snprintf(buf, sizeof buf, "  args = [\"-v\", %d, [\"nested\\u0041\", 1.5e-3, [true, off]], \"t\"]\n", g % 10);
    }
    return buf;
}

// Streams the file group by group, so generating it costs no memory worth measuring.
std::size_t generate(const std::string& path, int groups, bool short_lists) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
        std::perror(path.c_str());
        std::exit(2);
    }
    std::size_t bytes = 0;
    char buf[1024];
    for (int g = 0; g < groups; ++g) {
        const int n = std::snprintf(
            buf, sizeof buf,
            "svc%05d {\n"
            "  name = \"worker-%05d\"\n"
            "  exec = \"/usr/bin/worker --id %05d -l \\\"q\\\"\\t--v\"\n"
            "  dir = \"$(HOME)/srv/$(name)/data\"\n"
            "  price = \"$$%d.50 for $(name) in $(USER)\"\n"
            "  delay = %d\n"
            "  ratio = 0.%02d5\n"
            "  enabled = %s\n"
            "%s"
            "}\n",
            g, g, g, g % 100, g % 60, g % 100, g % 2 ? "true" : "off", args(g, short_lists).c_str());
        std::fwrite(buf, 1, static_cast<std::size_t>(n), f);
        bytes += static_cast<std::size_t>(n);
    }
    std::fclose(f);
    return bytes;
}

std::optional<std::string> env(std::string_view name) {
    if (name == "HOME") return std::string("/home/bench");
    if (name == "USER") return std::string("bench");
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    int arg = 1;
    const bool short_lists = argc > arg && std::string(argv[arg]) == "--short-lists";
    if (short_lists) ++arg;
    const int groups = argc > arg ? std::atoi(argv[arg]) : 20000;
    char tmpl[] = "/tmp/configurator-bench.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
        std::perror("mkdtemp");
        return 2;
    }
    const std::string dir = tmpl;
    const std::string path = dir + "/bench.cfg";
    const std::size_t bytes = generate(path, groups, short_lists);
    const long rss_before = peak_rss_kib();

    const double cpu_start = cpu_ms();
    const auto start = std::chrono::steady_clock::now();
    configurator::LoadResult result = configurator::load(path, env);
    const auto stop = std::chrono::steady_clock::now();
    const double cpu = cpu_ms() - cpu_start;

    std::filesystem::remove_all(dir);
    if (const auto* err = std::get_if<configurator::LoadError>(&result)) {
        std::fprintf(stderr, "load failed: %s\n", err->text.c_str());
        return 1;
    }
    const auto& map = std::get<configurator::Map>(result);
    const double ms = std::chrono::duration<double, std::milli>(stop - start).count();
    std::printf("configurator load: %d lines, %.2f MB, %zu keys\n", groups * 10, bytes / 1e6, map.size());
    std::printf("wall time: %.1f ms (CPU time: %.1f ms)\n", ms, cpu);
    std::printf("peak RSS: %.1f MB (before loading: %.1f MB)\n", peak_rss_kib() / 1024.0, rss_before / 1024.0);
    return 0;
}
