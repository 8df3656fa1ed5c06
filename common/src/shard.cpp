#include "ofa/common/shard.hpp"

#include <charconv>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace {

// A whole decimal number in [0, kMaxShards], or nullopt.
std::optional<int> count_value(const std::string& text) {
  int v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0 || v > kMaxShards) return std::nullopt;
  return v;
}

Shard checked(const std::string& index_text, const std::string& count_text, const std::string& what, const std::string& source) {
  const std::optional<int> i = count_value(index_text), n = count_value(count_text);
  if (!i || !n || *n < 1 || *i >= *n)
    throw Error(what + " is not a part I/N with 0 <= I < N <= " + std::to_string(kMaxShards));
  return Shard{*i, *n, source};
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const std::string what = "--shard '" + printable(text) + "'";
  if (slash == std::string::npos) throw Error(what + " is not a part I/N (0/4 is the first of four)");
  return checked(text.substr(0, slash), text.substr(slash + 1), what, "--shard");
}

std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& env) {
  // Most specific first: an array task's own index beats the step's rank (an array task may run srun).
  const std::pair<const char*, const char*> pairs[] = {{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"},
                                                       {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                                                       {"PMIX_RANK", "PMIX_SIZE"},
                                                       {"PMIX_RANK", "OMPI_COMM_WORLD_SIZE"},
                                                       {"SLURM_PROCID", "SLURM_NTASKS"}};
  for (const auto& [index_var, count_var] : pairs) {
    const char* i = env(index_var);
    const char* n = env(count_var);
    if (!i || !n) continue;
    // A batch script sees SLURM_PROCID=0 and its -n as SLURM_NTASKS too: only an srun step's
    // tasks (SLURM_STEP_ID set) are parts.
    if (std::string(index_var) == "SLURM_PROCID" && !env("SLURM_STEP_ID")) continue;
    std::string index = i, what = std::string(index_var) + "=" + printable(i) + ", " + count_var + "=" + printable(n);
    // An array numbered from SLURM_ARRAY_TASK_MIN (--array=1-4): part = id - min.
    const char* min = std::string(index_var) == "SLURM_ARRAY_TASK_ID" ? env("SLURM_ARRAY_TASK_MIN") : nullptr;
    if (min) {
      const std::optional<int> id = count_value(index), lo = count_value(min);
      what += ", SLURM_ARRAY_TASK_MIN=" + printable(min);
      if (!id || !lo || *id < *lo) throw Error(what + " is not a part of an array numbered from its minimum");
      index = std::to_string(*id - *lo);
    }
    const Shard s = checked(index, n, what, index_var);
    return s.count == 1 ? std::nullopt : std::optional<Shard>(s);
  }
  return std::nullopt;
}

std::string shard_path(const std::string& path, const Shard& shard) {
  std::string out;
  for (std::size_t k = 0; k < path.size(); ++k) {
    if (path.compare(k, 2, "%p") == 0) {
      out += std::to_string(shard.index);
      ++k;
    } else {
      out += path[k];
    }
  }
  return out;
}

}  // namespace ofa::common
