// Haskell `show` of the env list.
#include "supervisor/spec/show_env.hpp"

#include "configurator/haskell_show.hpp"

namespace angel {

std::string show_env(const std::vector<EnvEntry>& env) {
    std::string out = "[";
    for (std::size_t i = 0; i < env.size(); ++i) {
        if (i != 0) out += ',';
        out += '(';
        out += configurator::haskell_show(env[i].first);
        out += ',';
        out += configurator::haskell_show(env[i].second);
        out += ')';
    }
    out += ']';
    return out;
}

}  // namespace angel
