#include "ofa/common/named_inputs.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"

namespace ofa::common {

namespace fs = std::filesystem;

namespace {

// Absolute, links resolved as far as the path exists; never throws (fs::absolute("") would).
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  const fs::path abs = fs::absolute(p, ec);
  if (ec) return p.lexically_normal();
  const fs::path r = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : r;
}

}  // namespace

void check_output_spares_inputs(const std::string& flag, const fs::path& out, const std::vector<NamedInput>& inputs, const std::string& remedy) {
  if (out.empty()) return;
  const fs::path o = resolved(out);
  for (const NamedInput& in : inputs) {
    if (in.path.empty()) continue;
    std::error_code ec;
    const bool same = fs::exists(out, ec) && fs::exists(in.path, ec) ? fs::equivalent(out, in.path, ec) : o == resolved(in.path);
    if (same) throw Error(flag + " " + out.string() + " is " + in.what + " (" + in.path.string() + "), an input; " + (remedy.empty() ? "choose another " + flag : remedy));
  }
}

void check_folder_spares_inputs(const std::string& flag, const fs::path& out, const std::vector<NamedInput>& inputs) {
  if (out.empty()) return;
  for (const NamedInput& in : inputs)
    if (!in.path.empty() && path_within(resolved(in.path), resolved(out)))
      throw Error(flag + " " + out.string() + ": holds " + in.what + " (" + in.path.string() +
                  "); an output folder is replaced whole, so it must not hold an input");
}

}  // namespace ofa::common
