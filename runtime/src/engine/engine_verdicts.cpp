#include "ofa/runtime/engine/engine_verdicts.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cstdlib>

#include <torch/version.h>

#include "ofa/common/engine_verdicts_file.hpp"
#include "ofa/common/file_lock.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/runtime/engine/engine_check_runner.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/engine/machine_identity.hpp"

#ifndef OFA_ENGINE_CHECK_BUILD_PATH
#define OFA_ENGINE_CHECK_BUILD_PATH ""
#endif
#ifndef OFA_ENGINE_CHECK_INSTALL_PATH
#define OFA_ENGINE_CHECK_INSTALL_PATH ""
#endif

namespace ofa::runtime {

using common::Error;
namespace fs = std::filesystem;

namespace {

// Bumped whenever the check itself changes what it proves: older verdicts are not reused.
constexpr const char* kCheckVersion = "1";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string device_key(const torch::Device& device, OrtProvider provider) { return device.str() + "/" + ort_provider_name(provider); }

// What was found, or "" (with the places looked in).
fs::path find_checker(const EngineCheckSettings& s) {
  if (!s.checker.empty()) return s.checker;
  if (const std::string e = env("OFA_ENGINE_CHECK"); !e.empty()) return e;
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path() / "ofa-engine-check");
  // The installed package, wherever its prefix was moved to: libexec beside the lib folder of
  // the library (or program) holding this code.
  Dl_info info{};
  if (::dladdr(reinterpret_cast<const void*>(&find_checker), &info) != 0 && info.dli_fname != nullptr) {
    const fs::path lib_dir = fs::path(info.dli_fname).parent_path();
    candidates.push_back(lib_dir.parent_path() / "libexec/ofa-toolchain/ofa-engine-check");
    // Debian's multiarch layout: P/lib/x86_64-linux-gnu/libofa-runtime.so.
    candidates.push_back(lib_dir.parent_path().parent_path() / "libexec/ofa-toolchain/ofa-engine-check");
  }
  candidates.emplace_back(OFA_ENGINE_CHECK_BUILD_PATH);
  candidates.emplace_back(OFA_ENGINE_CHECK_INSTALL_PATH);
  for (const fs::path& c : candidates)
    if (!c.empty() && fs::is_regular_file(c, ec) && ::access(c.c_str(), X_OK) == 0) return c;
  return {};
}

}  // namespace

std::vector<EngineKind> engines_of_build(const torch::Device& device, OrtProvider provider) {
  std::vector<EngineKind> e{EngineKind::Eager, EngineKind::Optimized};
  for (EngineKind k : auto_candidates(device, provider))
    if (k != EngineKind::Optimized) e.push_back(k);
  return e;
}

EngineVerdicts& EngineVerdicts::registry() {
  static EngineVerdicts r;
  return r;
}

void EngineVerdicts::configure(EngineCheckSettings settings) {
  const std::lock_guard lock(mutex_);
  settings_ = std::move(settings);
  known_.clear();
  trust_all_ = false;
}

EngineCheckSettings EngineVerdicts::settings() const {
  const std::lock_guard lock(mutex_);
  return settings_;
}

void EngineVerdicts::set_note(std::function<void(std::string_view)> note) {
  const std::lock_guard lock(mutex_);
  settings_.note = std::move(note);
}

void EngineVerdicts::trust_all() {
  const std::lock_guard lock(mutex_);
  trust_all_ = true;
}

fs::path EngineVerdicts::checker() const { return find_checker(settings()); }

void EngineVerdicts::say(const std::string& line) const {
  if (settings_.note) settings_.note(line);
}

namespace {

std::vector<std::pair<std::string, std::string>> key_for(const EngineCheckSettings& s, const torch::Device& device, OrtProvider provider) {
  const fs::path checker = find_checker(s);
  std::string checker_id = checker.string();
  struct stat st {};
  if (!checker.empty() && ::stat(checker.c_str(), &st) == 0)  // a rebuilt checker (and engines) is checked afresh
    checker_id += " (" + std::to_string(st.st_size) + " bytes, modified " + std::to_string(st.st_mtim.tv_sec) + "." +
                  std::to_string(st.st_mtim.tv_nsec) + ")";
  for (const auto& a : s.checker_args) checker_id += " " + a;
  return {{"cpu", cpu_identity()},
          {"arch", machine_architecture()},
          {"cpu_flags", cpu_flags_hash()},
          {"libtorch", TORCH_VERSION},
          {"onednn", onednn_version()},
          {"onnxruntime", onnxruntime_version()},
          {"device", device_key(device, provider)},
          {"checker", checker_id},
          {"check", kCheckVersion}};
}

fs::path file_for(const EngineCheckSettings& s, const torch::Device& device, OrtProvider provider) {
  fs::path dir = s.cache_dir;
  if (dir.empty()) dir = env("OFA_CACHE_DIR");
  if (dir.empty() && !env("XDG_CACHE_HOME").empty()) dir = fs::path(env("XDG_CACHE_HOME")) / "ofa-toolchain";
  if (dir.empty() && !env("HOME").empty()) dir = fs::path(env("HOME")) / ".cache" / "ofa-toolchain";
  if (dir.empty()) dir = fs::temp_directory_path() / ("ofa-toolchain-" + std::to_string(::getuid()));
  std::string key;
  for (const auto& [k, v] : key_for(s, device, provider)) key += k + "=" + v + "\n";
  return dir / ("engine-verdicts-" + common::sha256_hex(key).substr(0, 16) + ".yaml");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> EngineVerdicts::machine_key(const torch::Device& device, OrtProvider provider) const {
  return key_for(settings(), device, device.is_cpu() ? OrtProvider::Cpu : provider);
}

fs::path EngineVerdicts::cache_file(const torch::Device& device, OrtProvider provider) const {
  return file_for(settings(), device, device.is_cpu() ? OrtProvider::Cpu : provider);
}

namespace {

common::EngineVerdictsFile to_file(const std::vector<std::pair<std::string, std::string>>& key, const std::vector<EngineVerdict>& verdicts) {
  common::EngineVerdictsFile f;
  f.machine = key;
  for (const EngineVerdict& v : verdicts)
    f.engines.push_back({engine_name(v.kind), v.device, v.right, v.reason, std::min(v.max_error, DBL_MAX), v.tolerance, v.check_seconds});
  return f;
}

// The kept verdicts when they hold for `key` and cover `engines`; empty otherwise.
std::vector<EngineVerdict> read_kept(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& key,
                                     const std::vector<EngineKind>& engines) {
  std::error_code ec;
  if (file.empty() || !fs::is_regular_file(file, ec)) return {};
  try {
    const common::EngineVerdictsFile f = common::read_engine_verdicts(file);
    if (f.machine != key) return {};
    std::vector<EngineVerdict> out;
    for (EngineKind k : engines) {
      const auto it = std::find_if(f.engines.begin(), f.engines.end(), [k](const auto& r) { return r.engine == engine_name(k); });
      if (it == f.engines.end()) return {};
      out.push_back({k, it->device, it->right, it->reason, it->max_error, it->tolerance, it->check_seconds, true});
    }
    return out;
  } catch (const Error&) {
    return {};  // damaged or from another version: checked again and rewritten
  }
}

}  // namespace

std::vector<EngineVerdict> EngineVerdicts::load_or_check(const torch::Device& device, OrtProvider provider) {
  const std::vector<EngineKind> engines = engines_of_build(device, provider);
  const auto key = key_for(settings_, device, provider);
  const fs::path file = file_for(settings_, device, provider);
  // Kept verdicts still say, once per process, what they refuse: auto leaves those out.
  const auto kept_here = [&]() -> std::vector<EngineVerdict> {
    if (settings_.recheck) return {};
    std::vector<EngineVerdict> kept = read_kept(file, key, engines);
    for (const EngineVerdict& v : kept)
      if (!v.right) say("engines: refused on this machine (checked before, " + file.string() + "): " + v.reason);
    return kept;
  };
  if (auto kept = kept_here(); !kept.empty()) return kept;
  const common::FileLock lock(file.empty() ? file : fs::path(file.string() + ".lock"));
  if (auto kept = kept_here(); !kept.empty()) return kept;  // another process checked while this one waited
  const fs::path checker = find_checker(settings_);
  if (checker.empty()) {
    std::vector<EngineVerdict> out;
    for (EngineKind k : engines)
      out.push_back(refused_verdict(k, device, "not checked: the check program ofa-engine-check was not found (beside this program, in the build or the install; set OFA_ENGINE_CHECK)", false));
    return out;
  }
  say("engines: checking each engine once on this machine (" + cpu_identity() + ", " + device.str() + "); the verdicts are kept in " +
      (file.empty() ? std::string("no file (no cache folder)") : file.string()));
  std::vector<EngineVerdict> out = run_engine_checks(checker, settings_, engines, device, provider);
  std::sort(out.begin(), out.end(), [&engines](const EngineVerdict& a, const EngineVerdict& b) {
    return std::find(engines.begin(), engines.end(), a.kind) < std::find(engines.begin(), engines.end(), b.kind);
  });
  // Only verdicts on the engines themselves are kept (not a check cut short from outside).
  const bool keep = std::all_of(out.begin(), out.end(), [](const EngineVerdict& v) { return v.kept; });
  if (!keep) say("engines: note: the check was cut short or could not run; this process refuses what it could not check, and the next checks again");
  if (keep && !file.empty()) {
    try {
      common::write_file_atomic(file, common::format_engine_verdicts_yaml(to_file(key, out)));
    } catch (const std::exception& e) {
      say(std::string("engines: note: the verdicts are not kept (") + e.what() + "); the next process checks again");
    }
  }
  for (const EngineVerdict& v : out)
    if (!v.right) say("engines: refused on this machine: " + v.reason);
  return out;
}

std::vector<EngineVerdict> EngineVerdicts::verdicts(const torch::Device& device, OrtProvider provider) {
  if (device.is_cpu()) provider = OrtProvider::Cpu;  // the only provider a CPU device runs
  const std::lock_guard lock(mutex_);
  const std::string k = device_key(device, provider);
  auto it = known_.find(k);
  if (it == known_.end()) it = known_.emplace(k, load_or_check(device, provider)).first;
  return it->second;
}

EngineVerdict EngineVerdicts::verdict(EngineKind kind, const torch::Device& device, OrtProvider provider) {
  {
    const std::lock_guard lock(mutex_);
    if (trust_all_) return {kind, device.str(), true, "", 0, 0, 0, false};
  }
  for (const EngineVerdict& v : verdicts(device, provider))
    if (v.kind == kind) return v;
  return refused_verdict(kind, device, "this build cannot run it on " + device.str(), false);
}

void EngineVerdicts::require(EngineKind kind, const torch::Device& device, OrtProvider provider) {
  // An engine this build cannot run on `device` is refused by its own code, with its own reason.
  const std::vector<EngineKind> built = engines_of_build(device, device.is_cpu() ? OrtProvider::Cpu : provider);
  if (std::find(built.begin(), built.end(), kind) == built.end()) return;
  const EngineVerdict v = verdict(kind, device, provider);
  if (!v.right) throw Error("refused on this machine: " + v.reason + " (ofa-runtime engines lists every engine's verdict)");
}

}  // namespace ofa::runtime
