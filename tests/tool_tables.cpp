#include "tool_tables.hpp"

#include <algorithm>
#include <stdexcept>

#include "search/tools/search_tool.hpp"
#ifdef OFA_WITH_RUNTIME_TOOLS
#include "runtime/tools/measure_tool.hpp"
#include "runtime/tools/runtime_tool.hpp"
#endif

namespace ofa::test {

std::vector<const cli::Tool*> built_tools() {
#ifdef OFA_WITH_RUNTIME_TOOLS
  return {&tools::search_tool(), &tools::measure_tool(), &tools::runtime_tool()};
#else
  return {&tools::search_tool()};
#endif
}

bool runtime_tools_built() { return built_tools().size() == 3; }

const cli::Tool& tool_named(std::string_view name) {
  for (const cli::Tool* t : built_tools())
    if (t->name == name) return *t;
  throw std::logic_error(std::string(name) + " is not built here (it needs LibTorch)");
}

std::vector<std::string> required_args(const cli::CommandSpec& c) {
  std::vector<std::string> args;
  if (!c.name.empty()) args.emplace_back(c.name);
  for (const cli::CommandOption& o : c.options) {
    if (o.need != cli::Need::Required) continue;
    const cli::OptionSpec* spec = cli::find_option(o.name);
    args.emplace_back(o.name);
    switch (spec->check.kind) {
      case cli::Check::Kind::Integer: args.emplace_back(std::to_string(static_cast<long long>(std::max(spec->check.min, 1.0)))); break;
      case cli::Check::Kind::Real: args.emplace_back("1"); break;
      case cli::Check::Kind::Choice: args.emplace_back(spec->check.choices.front()); break;
      default: args.emplace_back("x");
    }
  }
  return args;
}

}  // namespace ofa::test
