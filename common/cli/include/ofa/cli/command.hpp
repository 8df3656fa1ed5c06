// A command as a tool declares it: each flag bound to the field of the command's options it
// fills, the options' own defaults shown by --help, and the function that runs it.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ofa/cli/arg_parser.hpp"
#include "ofa/cli/parsed_args.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/reporter.hpp"

namespace ofa::cli {

// A value as --help states a default and as the defaults test compares it: "" for no value
// (an empty path or text, an absent optional, a flag that is off).
inline std::string shown(bool v) { return v ? "true" : ""; }
inline std::string shown(const std::string& v) { return v; }
inline std::string shown(const std::filesystem::path& v) { return v.string(); }
// The shortest text that reads back as v, in %g's style (0.0001, not 1e-04).
inline std::string shown(double v) { return common::format_shortest(v); }
template <class T>
  requires std::is_integral_v<T>
std::string shown(T v) {
  return std::to_string(v);
}
template <class T>
std::string shown(const std::optional<T>& v) {
  return v ? shown(*v) : std::string();
}

// One flag of one command: how it appears (name, required, a default described in words
// where the options leave the field unset) and the field of `Options` it fills.
template <class Options>
struct Flag {
  CommandOption option;
  std::function<void(const ParsedArgs&, Options&)> read;      // empty: the driver reads it (--quiet)
  std::function<std::string(const Options&)> show;            // the field as --help shows it
};

// A flag filling `options.*member` as ParsedArgs::get reads its type.
template <class Options, class T>
Flag<Options> bind(CommandOption option, T Options::*member) {
  const std::string name(option.name);
  return {std::move(option), [name, member](const ParsedArgs& a, Options& o) { a.get(name, o.*member); },
          [member](const Options& o) { return shown(o.*member); }};
}

// A flag filling the field `field(options)` returns (a nested field: o.device.threads).
template <class Options, class Field>
Flag<Options> bind_at(CommandOption option, Field field) {
  const std::string name(option.name);
  return {std::move(option), [name, field](const ParsedArgs& a, Options& o) { a.get(name, field(o)); },
          [field](const Options& o) { return shown(field(const_cast<Options&>(o))); }};
}

// A flag whose text is converted by `parse` (an enum, a list) into the field `field` returns;
// `show` states the field's default for --help.
template <class Options, class Field, class Parse, class Show>
Flag<Options> bind_parsed(CommandOption option, Field field, Parse parse, Show show) {
  const std::string name(option.name);
  return {std::move(option),
          [name, field, parse](const ParsedArgs& a, Options& o) {
            if (a.has(name)) field(o) = parse(a.value(name));
          },
          [field, show](const Options& o) { return show(field(const_cast<Options&>(o))); }};
}

// A flag the driver reads itself (--quiet): no field.
template <class Options>
Flag<Options> driver_flag(CommandOption option) {
  return {std::move(option), {}, {}};
}

// A command, its type erased: the spec the parser and --help read, and its run.
struct Command {
  CommandSpec spec;
  // Reads the options from `args` and runs; returns what the driver prints on stdout (data:
  // a table, what was written). Progress and notes go through the reporter, on stderr.
  std::function<std::string(const ParsedArgs&, const common::Reporter&)> run;
  // Every bound flag's field after reading `args`, by flag name (the defaults test).
  std::function<std::map<std::string, std::string, std::less<>>(const ParsedArgs&)> read_fields;
  // Whether the command stops early on Ctrl-C (it polls the interrupt flag between items); the
  // others run to their end first, so a write is never cut halfway (a second Ctrl-C ends any
  // command at once).
  bool stops_on_interrupt = false;
  // What Ctrl-C leaves, when it differs from the tool's note.
  std::string_view interrupted_note = {};
  // Whether the command, stopped by Ctrl-C, still returns what it did (run serves, stops, then
  // writes and returns its summary): its note is said then too.
  bool returns_when_stopped = false;
};

struct CommandTraits {
  bool stops_on_interrupt = false;
  std::string_view interrupted_note = {};
  bool returns_when_stopped = false;
};

// `spec.options` comes from the flags; each default --help shows is the options' own
// (a default-constructed Options), unless the flag describes it in words.
template <class Options>
Command make_command(CommandSpec spec, std::vector<Flag<Options>> flags,
                     std::function<std::string(Options&, const common::Reporter&)> run, CommandTraits traits = {}) {
  const Options defaults{};
  spec.options.clear();
  for (const Flag<Options>& f : flags) {
    CommandOption o = f.option;
    if (f.show) o.shown_default = f.show(defaults);
    spec.options.push_back(std::move(o));
  }
  auto read = [flags](const ParsedArgs& a) {
    Options o{};
    for (const Flag<Options>& f : flags)
      if (f.read) f.read(a, o);
    return o;
  };
  Command c;
  c.spec = std::move(spec);
  c.run = [read, run](const ParsedArgs& a, const common::Reporter& reporter) {
    Options o = read(a);
    return run(o, reporter);
  };
  c.read_fields = [read, flags](const ParsedArgs& a) {
    const Options o = read(a);
    std::map<std::string, std::string, std::less<>> out;
    for (const Flag<Options>& f : flags)
      if (f.show) out.emplace(std::string(f.option.name), f.show(o));
    return out;
  };
  c.stops_on_interrupt = traits.stops_on_interrupt;
  c.interrupted_note = traits.interrupted_note;
  c.returns_when_stopped = traits.returns_when_stopped;
  return c;
}

// A tool: its commands and what its --help and Ctrl-C say.
struct Tool {
  std::string_view name;              // "ofa-measure"
  std::string_view about;             // the first line of --help
  std::string_view interrupted_note;  // after "interrupted; " when a command has none of its own
  std::vector<Command> commands;
  // Runs once before a command (where a tool routes a library's notes to stderr).
  std::function<void()> start = {};

  const Command* find(std::string_view command) const {
    for (const Command& c : commands)
      if (c.spec.name == command) return &c;
    return nullptr;
  }
};

// A program of one command without a name (the benchmarks): its flags parsed as the tools'
// are, --help from the same table.
template <class Options>
Tool single_command_tool(std::string_view name, std::string_view summary, std::vector<Flag<Options>> flags,
                         std::function<std::string(Options&, const common::Reporter&)> run) {
  return Tool{name, summary.substr(0, summary.find('\n')), "stopped", {make_command<Options>({name, "", summary}, std::move(flags), std::move(run))}};
}

}  // namespace ofa::cli
