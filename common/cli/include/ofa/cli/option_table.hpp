// The one table of command-line options shared by ofa-search, ofa-measure and ofa-runtime.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ofa/common/limits.hpp"

namespace ofa::cli {

// How an option's value is checked when the command line is parsed, before any command runs:
// a bad value is one line naming the flag and the value (llama.cpp's common/arg.cpp keeps the
// check with the option's declaration the same way).
struct Check {
  enum class Kind {
    Flag,     // takes no value
    Text,     // any non-empty text (paths, lists the command parses itself)
    Integer,  // a whole number in [min, max]
    Seed,     // a whole number in 0..2^64-1, never read through a double
    Real,     // a finite number in [min, max], `min` excluded when min_open
    Choice,   // one of `choices`
  };
  Kind kind = Kind::Text;
  double min = 0, max = 0;
  bool min_open = false;
  std::vector<std::string_view> choices;
  bool max_open = false;  // `max` excluded (Real)
};

Check flag();
Check text();
Check integer(std::int64_t min, std::int64_t max);
Check seed();
Check real(double min, double max, bool min_open = false, bool max_open = false);
Check choice(std::vector<std::string_view> choices);

using common::kMaxThreads;

// What a path option names, so the driver can check a command's outputs against its inputs
// and each other before the command starts (no output may overwrite an input or a device).
enum class Role {
  None,
  InputFile,
  InputFolder,
  Output,  // a file; --out is what its CommandSpec's `out` says
};

// What a command's --out names.
enum class OutKind {
  File,
  FolderInto,      // a folder the command writes its files into (ofa-search, lut)
  FolderReplaced,  // a folder written whole beside its target and renamed into place (export, latency-model)
};

// One option, declared once for every command that takes it.
struct OptionSpec {
  std::string_view name;  // "--threads"
  std::string_view hint;  // "N" (empty for a flag)
  std::string_view help;  // what it means, for every command that takes it
  Check check;
  Role role = Role::None;
};

enum class Need { Optional, Required };

// An option as one command takes it: whether it must be given, its default and, where the
// command gives the shared meaning a particular sense, a note. The default is the field's in
// the command's options (command.hpp fills `shown_default`); `default_text` only describes one
// that is not a value ("the profile's", "the library's"), where the field stays unset.
struct CommandOption {
  std::string_view name;
  Need need = Need::Optional;
  std::string_view default_text = {};
  std::string_view note = {};
  // For a Choice option: the values this command takes, a subset of the option's (empty: all).
  std::vector<std::string_view> choices = {};
  std::string shown_default = {};  // filled by make_command: the options' own default
  // A spelling this command took before the flag was renamed, still read (and named in --help)
  // for one release where a script in this repository used it.
  std::string_view old_spelling = {};
  std::string_view default_shown() const { return default_text.empty() ? std::string_view(shown_default) : default_text; }
};

struct CommandSpec {
  std::string_view tool;     // "ofa-measure"
  std::string_view name;     // "latency"; "" for a tool's command without a name (ofa-search's search)
  std::string_view summary;  // one paragraph, with an example
  std::vector<CommandOption> options = {};
  // Pairs of options that cannot be given together.
  std::vector<std::pair<std::string_view, std::string_view>> exclusive = {};
  OutKind out = OutKind::File;
  // The option a bare argument gives (`import-dynamic-ofa nets_6.pickle` is `--pickle nets_6.pickle`);
  // empty: bare arguments are errors.
  std::string_view positional = {};
};

// Every option, each once.
std::span<const OptionSpec> option_table();

// The option named `name`; nullptr when there is none.
const OptionSpec* find_option(std::string_view name);

}  // namespace ofa::cli
