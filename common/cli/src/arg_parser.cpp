#include "ofa/cli/arg_parser.hpp"

#include "ofa/cli/command.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "ofa/common/error.hpp"

namespace ofa::cli {

using common::Error;

namespace {

std::string str(std::string_view s) { return std::string(s); }

// A number as a person would write it in the message: 1024, not 1024.000000.
std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string range_text(const Check& c) {
  if (c.max >= 1e300) return (c.min_open ? "> " : ">= ") + number_text(c.min);
  return (c.min_open ? "in (" : "in [") + number_text(c.min) + ", " + number_text(c.max) + (c.max_open ? ")" : "]");
}

[[noreturn]] void bad_value(const OptionSpec& o, const std::string& value, const std::string& what) {
  throw Error(str(o.name) + ": '" + common::printable(value) + "' is not " + what);
}

bool is_whole(const std::string& s, bool allow_sign) {
  std::size_t i = allow_sign && !s.empty() && s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

const CommandSpec* find_command(const Tool& tool, std::string_view name) {
  const Command* c = tool.find(name);
  return c ? &c->spec : nullptr;
}

std::string command_label(const CommandSpec& c) { return c.name.empty() ? str(c.tool) : str(c.tool) + " " + str(c.name); }

}  // namespace

bool takes_several(const OptionSpec& o) { return o.hint.size() > 3 && o.hint.substr(o.hint.size() - 3) == "..."; }

std::vector<std::string> split_values(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = value.find(kValueSeparator, start)) != std::string::npos; start = end + 1) out.push_back(value.substr(start, end - start));
  out.push_back(value.substr(start));
  return out;
}

std::vector<std::filesystem::path> split_paths(const std::string& value) {
  std::vector<std::filesystem::path> paths;
  for (const std::string& v : split_values(value)) paths.emplace_back(v);
  return paths;
}

void check_value(const OptionSpec& o, const std::string& v) {
  const Check& c = o.check;
  switch (c.kind) {
    case Check::Kind::Flag:
      throw Error(str(o.name) + " takes no value (given '" + common::printable(v) + "')");
    case Check::Kind::Text:
      if (v.empty()) throw Error(str(o.name) + ": an empty value");
      return;
    case Check::Kind::Integer: {
      const std::string what = "a whole number " + range_text(c);
      if (!is_whole(v, true)) bad_value(o, v, what);
      long long n = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || static_cast<double>(n) < c.min || static_cast<double>(n) > c.max)
        bad_value(o, v, what);
      return;
    }
    case Check::Kind::Seed: {
      std::uint64_t n = 0;
      const std::string what = "a whole number in [0, 18446744073709551615]";
      if (!is_whole(v, false)) bad_value(o, v, what);
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size()) bad_value(o, v, what);
      return;
    }
    case Check::Kind::Real: {
      const std::string what = "a finite number " + range_text(c);
      char* end = nullptr;
      const double d = v.empty() ? std::nan("") : std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d) || d < c.min || d > c.max || (c.min_open && d == c.min) ||
          (c.max_open && d == c.max))
        bad_value(o, v, what);
      return;
    }
    case Check::Kind::Choice: {
      if (std::find(c.choices.begin(), c.choices.end(), v) != c.choices.end()) return;
      std::string list;
      for (std::string_view s : c.choices) list += (list.empty() ? "" : ", ") + str(s);
      bad_value(o, v, "one of " + list);
    }
  }
}

namespace {

using Values = std::map<std::string, std::string, std::less<>>;

// The option at args[i] ("--name", "--name=value", or the command's bare argument) read into
// `values`; returns the index of the last argument it took.
std::size_t read_option(const CommandSpec& cmd, std::span<const std::string> args, std::size_t i, Values& values) {
  const std::string label = command_label(cmd);
  const std::string& a = args[i];
  if (a.rfind("--", 0) != 0 && !cmd.positional.empty() && !a.empty() && a[0] != '-') {
    // The command's bare argument; bare arguments, when its option takes several (`merge PART...`).
    const OptionSpec& bare = *find_option(cmd.positional);
    const auto given = values.find(cmd.positional);
    if (given == values.end() || takes_several(bare)) {
      check_value(bare, a);
      if (given == values.end()) values.emplace(str(cmd.positional), a);
      else given->second += kValueSeparator + a;
      return i;
    }
  }
  if (a.rfind("--", 0) != 0) throw Error(label + ": unexpected argument '" + common::printable(a) + "' (options start with --; see --help)");
  const std::size_t eq = a.find('=');
  std::string name = a.substr(0, eq);
  for (const CommandOption& o : cmd.options)
    if (!o.old_spelling.empty() && name == o.old_spelling) name = str(o.name);
  const auto takes = std::find_if(cmd.options.begin(), cmd.options.end(), [&](const CommandOption& o) { return o.name == name; });
  const OptionSpec* spec = find_option(name);
  if (takes == cmd.options.end() || !spec) throw Error(label + ": unknown option " + common::printable(name) + " (see --help)");
  if (values.count(name)) throw Error(label + ": " + name + " given twice");
  std::string value;
  if (spec->check.kind == Check::Kind::Flag) {
    if (eq != std::string::npos) throw Error(name + " takes no value (given '" + common::printable(a.substr(eq + 1)) + "')");
  } else if (eq != std::string::npos) {
    value = a.substr(eq + 1);
  } else {
    if (i + 1 >= args.size()) throw Error(name + " needs a value (" + str(spec->hint) + ")");
    // `--out --quiet` is a forgotten value, not a file named --quiet (--out=--quiet says it is).
    if (find_option(args[i + 1].substr(0, args[i + 1].find('='))) || args[i + 1] == "--help")
      throw Error(name + " needs a value (" + str(spec->hint) + "); got the option " + common::printable(args[i + 1]) + " (write " + name + "=VALUE for a value that starts with --)");
    value = args[++i];
    // An option of several values (hint "FILE...") takes the bare arguments after it too.
    if (takes_several(*spec))
      for (; i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0; ++i) {
        check_value(*spec, args[i + 1]);
        value += kValueSeparator + args[i + 1];
      }
  }
  // A choice this command narrows is checked against its own list only, so the error lists
  // what this command takes.
  if (spec->check.kind != Check::Kind::Flag && takes->choices.empty()) check_value(*spec, value);
  if (!takes->choices.empty() && std::find(takes->choices.begin(), takes->choices.end(), value) == takes->choices.end()) {
    std::string list;
    for (std::string_view c : takes->choices) list += (list.empty() ? "" : ", ") + str(c);
    throw Error(label + ": " + name + " '" + common::printable(value) + "' is not one of " + list);
  }
  values.emplace(name, std::move(value));
  return i;
}

}  // namespace

ParseResult parse_command_line(const Tool& tool, std::span<const std::string> args) {
  std::size_t i = 0;
  const CommandSpec* cmd = nullptr;
  const bool wants_help = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    cmd = find_command(tool, args[0]);
    if (!cmd || cmd->name.empty()) {
      std::string names;
      for (const Command& c : tool.commands)
        if (!c.spec.name.empty()) names += (names.empty() ? "" : ", ") + str(c.spec.name);
      throw Error("unknown command '" + common::printable(args[0]) + "' (commands: " + names + "; see --help)");
    }
    if (wants_help) return {ParsedArgs(cmd, {}), command_help(*cmd), false};
    i = 1;
  } else {
    if (wants_help) return {{}, {}, true};
    cmd = find_command(tool, "");
    // Nothing given: the tool's help, unless its only job needs nothing (a benchmark runs with
    // its defaults).
    const bool needs_something = !cmd || std::any_of(cmd->options.begin(), cmd->options.end(), [](const CommandOption& o) { return o.need == Need::Required; });
    if (args.empty() && (needs_something || tool.commands.size() > 1)) return {{}, {}, true};
    if (!cmd) throw Error("give a command first (see --help)");
  }
  Values values;
  for (; i < args.size(); ++i) i = read_option(*cmd, args, i, values);
  const std::string label = command_label(*cmd);
  for (const CommandOption& o : cmd->options)
    if (o.need == Need::Required && !values.count(o.name)) throw Error(label + ": " + str(o.name) + " is required (see --help)");
  for (const auto& [a, b] : cmd->exclusive)
    if (values.count(a) && values.count(b)) throw Error(label + ": " + str(a) + " and " + str(b) + " cannot be given together");
  return {ParsedArgs(cmd, std::move(values)), {}, false};
}

std::string tool_help(const Tool& tool) {
  std::string s = str(tool.about) + "\n\nCommands:\n";
  const CommandSpec* unnamed = nullptr;
  for (const Command& command : tool.commands) {
    const CommandSpec* c = &command.spec;
    if (c->name.empty()) {
      unnamed = c;
      continue;
    }
    std::string name = "  " + str(c->name);
    name.resize(std::max<std::size_t>(name.size() + 1, 18), ' ');
    s += name + str(c->summary.substr(0, c->summary.find('\n'))) + "\n";
  }
  s += "\n" + str(tool.name) + " COMMAND --help lists a command's options.\n";
  // A tool whose main job has no command name (ofa-search) shows that job's options here.
  if (unnamed) s += "\nWithout a command:\n" + command_help(*unnamed);
  return s;
}

std::string command_help(const CommandSpec& c) {
  std::string usage = command_label(c);
  if (!c.positional.empty()) usage += " " + str(find_option(c.positional)->hint) + " (or " + str(c.positional) + " " + str(find_option(c.positional)->hint) + ")";
  std::string s = "Usage: " + usage + " [options]\n" + str(c.summary) + "\n\nOptions:\n";
  for (const CommandOption& o : c.options) {
    const OptionSpec* spec = find_option(o.name);
    std::string head = "  " + str(o.name) + (spec->hint.empty() ? "" : " " + str(spec->hint));
    if (head.size() < 26) head.resize(26, ' ');
    else head += "\n" + std::string(26, ' ');
    std::string help = str(spec->help);
    if (!o.note.empty()) help += "; here: " + str(o.note);
    if (!o.old_spelling.empty()) help += "; " + str(o.old_spelling) + " (its old spelling) is read until the next release";
    if (o.need == Need::Required) help += " (required)";
    else if (!o.default_shown().empty()) help += " (default: " + str(o.default_shown()) + ")";
    s += head + help + "\n";
  }
  s += "  --help                  This text\n";
  return s;
}

}  // namespace ofa::cli
