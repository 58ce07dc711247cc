// libFuzzer target: any bytes as a config file, loaded the way angel loads one.
// The input is written to main.cfg in a private directory (imports of main.cfg, of
// itself or of missing files are reachable that way) and loaded with a fixed
// environment. load() must return a map or an error, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <unistd.h>

#include "configurator/dump_format.hpp"
#include "configurator/load.hpp"

namespace {

std::string& work_dir() {
    static std::string dir = [] {
        char tmpl[] = "/tmp/fuzz_load.XXXXXX";
        const char* d = ::mkdtemp(tmpl);
        if (d == nullptr) std::abort();
        return std::string(d);
    }();
    return dir;
}

std::optional<std::string> env(std::string_view name) {
    if (name == "HOME") return std::string("/home/test");
    if (name == "CFGDOLLAR") return std::string("$(HOME)");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool in_dir = ::chdir(work_dir().c_str()) == 0;
    if (!in_dir) std::abort();
    std::FILE* f = std::fopen("main.cfg", "wb");
    if (f == nullptr) std::abort();
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    const configurator::LoadResult r = configurator::load("main.cfg", env);
    // Render the result too: the dump code walks every value.
    if (const auto* m = std::get_if<configurator::Map>(&r)) {
        volatile std::size_t n = configurator::dump_map(*m).size();
        (void)n;
    }
    return 0;
}
