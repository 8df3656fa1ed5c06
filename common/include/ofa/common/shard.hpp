// Which part of a job this process is: `--shard I/N`, or the launcher's environment (Slurm, MPI).
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace ofa::common {

struct Shard {
  int index = 0, count = 1;  // part `index` of `count`, 0 <= index < count
  std::string source;        // where it came from: "--shard", "SLURM_ARRAY_TASK_ID", ...
  bool operator==(const Shard& other) const { return index == other.index && count == other.count; }
};

// At most this many parts: more than any array a scheduler accepts (Slurm's MaxArraySize is
// 1001 by default), few enough that a merge reads them all.
inline constexpr int kMaxShards = 100'000;

// "I/N" with 0 <= I < N <= kMaxShards; Error naming the flag and the value otherwise.
Shard parse_shard(const std::string& text);

// The part the launcher gave this process, read through `env` (std::getenv): a Slurm array
// task (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), an srun step (SLURM_PROCID /
// SLURM_NTASKS), Open MPI (OMPI_COMM_WORLD_RANK / OMPI_COMM_WORLD_SIZE) or PMIx (PMIX_RANK with
// PMIX_SIZE, or OMPI_COMM_WORLD_SIZE); nullopt when none is set, or a launcher of one task (a
// plain batch job, whose script sees SLURM_PROCID without SLURM_STEP_ID, or srun of one task).
// Error when a variable is set but unusable.
std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& env);

// `path` with each "%p" replaced by the part's index: one --out for every part of an mpirun or
// srun launch (parts/part_%p.yaml).
std::string shard_path(const std::string& path, const Shard& shard);

}  // namespace ofa::common
