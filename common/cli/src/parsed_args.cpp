#include "ofa/cli/parsed_args.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace ofa::cli {

ParsedArgs::ParsedArgs(const CommandSpec* command, std::map<std::string, std::string, std::less<>> values)
    : command_(command), values_(std::move(values)) {}

const CommandSpec& ParsedArgs::command() const {
  if (!command_) throw std::logic_error("ParsedArgs without a command");
  return *command_;
}

const std::string* ParsedArgs::find(std::string_view name) const {
  bool declared = false;
  for (const CommandOption& o : command().options) declared |= o.name == name;
  if (!declared)
    throw std::logic_error("command '" + std::string(command().name) + "' of " + std::string(command().tool) + " does not declare " +
                           std::string(name));
  const auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

bool ParsedArgs::has(std::string_view name) const { return find(name) != nullptr; }

const std::string& ParsedArgs::value(std::string_view name) const {
  const std::string* v = find(name);
  if (!v) throw std::logic_error(std::string(name) + " was not given");
  return *v;
}

// The parser has checked every value against its option's check, so these conversions
// cannot fail for a value of the right kind; a getter of the wrong kind is a logic error.
namespace {

template <class T>
T whole(const std::string& s, std::string_view name) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) throw std::logic_error(std::string(name) + ": not read as a whole number");
  return v;
}

}  // namespace

void ParsedArgs::get(std::string_view name, bool& out) const {
  if (has(name)) out = true;
}
void ParsedArgs::get(std::string_view name, int& out) const {
  if (const std::string* v = find(name)) out = whole<int>(*v, name);
}
void ParsedArgs::get(std::string_view name, std::int64_t& out) const {
  if (const std::string* v = find(name)) out = whole<std::int64_t>(*v, name);
}
void ParsedArgs::get(std::string_view name, std::uint64_t& out) const {
  if (const std::string* v = find(name)) out = whole<std::uint64_t>(*v, name);
}
void ParsedArgs::get(std::string_view name, double& out) const {
  if (const std::string* v = find(name)) out = std::strtod(v->c_str(), nullptr);  // as check_value read it
}
void ParsedArgs::get(std::string_view name, std::string& out) const {
  if (const std::string* v = find(name)) out = *v;
}
void ParsedArgs::get(std::string_view name, std::filesystem::path& out) const {
  if (const std::string* v = find(name)) out = *v;
}

}  // namespace ofa::cli
