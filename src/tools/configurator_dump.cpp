// configurator-dump FILE: loads FILE as angel does and prints the flat map (or the
// error) in the corpus format. Exit 0 on success, 1 on a load error, 2 on bad usage.
#include <cstdio>
#include <string>
#include <variant>

#include "configurator/dump_format.hpp"
#include "configurator/load.hpp"

namespace {

void write_all(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: configurator-dump FILE\n");
        return 2;
    }
    const configurator::LoadResult result = configurator::load(argv[1]);
    if (const auto* err = std::get_if<configurator::LoadError>(&result)) {
        write_all(configurator::dump_error(err->text));
        return 1;
    }
    write_all(configurator::dump_map(std::get<configurator::Map>(result)));
    return std::fflush(stdout) == 0 ? 0 : 1;
}
