// The values a command line gave one command, already checked against the option table.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ofa/cli/option_table.hpp"

namespace ofa::cli {

// A command reads its options from here into its plain options struct: each `get` assigns
// only when the option was given, so the struct's own defaults stand otherwise. Asking for an
// option the command does not declare is a programming error (std::logic_error), caught by
// the tests that run every command.
class ParsedArgs {
 public:
  ParsedArgs() = default;
  ParsedArgs(const CommandSpec* command, std::map<std::string, std::string, std::less<>> values);

  const CommandSpec& command() const;
  bool has(std::string_view name) const;
  // The value as given (for Text options, and for messages).
  const std::string& value(std::string_view name) const;

  void get(std::string_view name, bool& out) const;
  void get(std::string_view name, int& out) const;
  void get(std::string_view name, std::int64_t& out) const;
  void get(std::string_view name, std::uint64_t& out) const;
  void get(std::string_view name, double& out) const;
  void get(std::string_view name, std::string& out) const;
  void get(std::string_view name, std::filesystem::path& out) const;
  template <class T>
  void get(std::string_view name, std::optional<T>& out) const {
    if (!has(name)) return;
    T v{};
    get(name, v);
    out = std::move(v);
  }

 private:
  const std::string* find(std::string_view name) const;
  const CommandSpec* command_ = nullptr;
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace ofa::cli
