#include "ofa/cli/output_checks.hpp"

#include "ofa/cli/arg_parser.hpp"

#include <algorithm>
#include <vector>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"

namespace ofa::cli {

using common::Error;
using common::output_target;
using common::path_within;

namespace fs = std::filesystem;

namespace {

struct NamedPath {
  std::string_view flag;
  std::string given;
  fs::path resolved;  // absolute, links resolved as far as the path exists
  bool folder = false;  // an input folder (read whole)
};

fs::path resolve(const fs::path& cwd, const std::string& p) {
  std::error_code ec;
  const fs::path abs = fs::path(p).is_absolute() ? fs::path(p) : cwd / p;
  fs::path r = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : r;
}

bool same_file(const NamedPath& a, const NamedPath& b) {
  std::error_code ec;
  if (fs::exists(a.resolved, ec) && fs::exists(b.resolved, ec)) return fs::equivalent(a.resolved, b.resolved, ec);
  return a.resolved == b.resolved;
}

std::string label(const NamedPath& p) { return std::string(p.flag) + " " + p.given; }

// The paths the command line names, as inputs (files, folders) and outputs.
void named_paths(const ParsedArgs& args, const fs::path& cwd, std::vector<NamedPath>& inputs, std::vector<NamedPath>& outputs) {
  for (const CommandOption& o : args.command().options) {
    const OptionSpec* spec = find_option(o.name);
    if (!spec || spec->role == Role::None || !args.has(o.name)) continue;
    NamedPath p{o.name, args.value(o.name), resolve(cwd, args.value(o.name))};
    std::error_code ec;
    switch (spec->role) {
      case Role::InputFile:
        for (const std::string& v : takes_several(*spec) ? split_values(p.given) : std::vector<std::string>{p.given}) {
          NamedPath one{o.name, v, resolve(cwd, v)};
          if (fs::is_directory(one.resolved, ec)) throw Error(label(one) + ": is a folder, expected a file");
          inputs.push_back(one);
        }
        break;
      case Role::InputFolder:
        // Image and table folders are read whole. The data folder is read by named files and
        // may well hold the work area (--data-dir .): it only must not be written over.
        p.folder = o.name != "--data-dir";
        inputs.push_back(p);
        break;
      case Role::Output:
        outputs.push_back(p);
        break;
      case Role::None:
        break;
    }
  }
}

}  // namespace

void check_outputs(const ParsedArgs& args, const fs::path& cwd) {
  const CommandSpec& command = args.command();
  std::vector<NamedPath> inputs, outputs;
  named_paths(args, cwd, inputs, outputs);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    const OutKind kind = out.flag == "--out" ? command.out : OutKind::File;
    const bool replaced = kind == OutKind::FolderReplaced;
    std::error_code ec;
    if (kind != OutKind::File) {
      if (fs::exists(out.resolved, ec) && !fs::is_directory(out.resolved, ec))
        throw Error(label(out) + ": exists and is not a folder");
      if (replaced && path_within(resolve(cwd, "."), out.resolved))
        throw Error(label(out) + ": is the current folder or holds it; an output folder is replaced whole, so it must be another");
    } else {
      // A file output named like a folder ("runs/x/") would be written as "runs/x/" + nothing:
      // import and accuracy made "_bn/" of it. Refused before anything is created.
      if (!out.given.empty() && out.given.back() == '/')
        throw Error(label(out) + ": ends in '/', which names a folder; give a file name");
      try {
        output_target(out.resolved);
      } catch (const Error& e) {
        // Its message starts with the resolved path; the user typed another.
        const std::string what = e.what(), resolved = out.resolved.string();
        throw Error(label(out) + (what.rfind(resolved, 0) == 0 ? what.substr(resolved.size()) : ": " + what));
      }
    }
    for (const NamedPath& in : inputs) {
      if (same_file(out, in)) throw Error(label(out) + ": is also " + label(in) + "; an output must not overwrite an input");
      if (replaced && path_within(in.resolved, out.resolved))
        throw Error(label(out) + ": holds " + label(in) + "; an output folder is replaced whole, so it must not hold an input");
      // An image or table folder is read whole: a file written into it would be read back as
      // data (or overwrite some), so outputs stay out of input folders.
      if (in.folder && path_within(out.resolved, in.resolved))
        throw Error(label(out) + ": lies inside " + label(in) + ", an input folder; write it elsewhere");
    }
    for (std::size_t j = 0; j < i; ++j)
      if (same_file(out, outputs[j])) throw Error(label(outputs[j]) + " and " + label(out) + " are the same file");
  }
}

}  // namespace ofa::cli
