// Sharded accuracy without LibTorch: the part a process is, the cells a part evaluates, the part file.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "ofa/common/accuracy_part_file.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "test_support.hpp"
#include "catch.hpp"

using namespace ofa::common;

namespace {

// An environment made of `vars`, as std::getenv answers.
auto env_of(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

}  // namespace

TEST_CASE("the flag --shard I/N is parsed and checked", "[shard]") {
  CHECK((parse_shard("0/4") == Shard{0, 4}));
  CHECK((parse_shard("3/4") == Shard{3, 4}));
  for (const std::string bad : {"4/4", "-1/4", "1/0", "1", "a/b", "1/4x", "", "/4", "1/100001", " 1/4"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_shard(bad), ofa::test::contains("--shard"));
  }
}

TEST_CASE("the part comes from Slurm's array, srun or MPI: a launcher of one task is no shard", "[shard]") {
  CHECK_FALSE(shard_from_environment(env_of({})));
  CHECK((shard_from_environment(env_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "5"}})) == Shard{2, 5}));
  // An array numbered from 1 (--array=1-5): part = id - min.
  CHECK((shard_from_environment(env_of({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "5"}, {"SLURM_ARRAY_TASK_MIN", "1"}})) ==
         Shard{4, 5}));
  // An array task that runs srun: the array's index wins over the step's rank.
  CHECK((shard_from_environment(env_of({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "3"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}})) ==
         Shard{1, 3}));
  CHECK((shard_from_environment(env_of({{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "8"}, {"SLURM_STEP_ID", "0"}})) == Shard{3, 8}));
  // sbatch -n 8: the batch script itself sees SLURM_PROCID=0 and SLURM_NTASKS=8, but no step: not a part.
  CHECK_FALSE(shard_from_environment(env_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}})));
  CHECK((shard_from_environment(env_of({{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "2"}})) == Shard{1, 2}));
  CHECK((shard_from_environment(env_of({{"PMIX_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "2"}})) == Shard{0, 2}));
  CHECK(shard_from_environment(env_of({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}))->source == "SLURM_ARRAY_TASK_ID");
  CHECK_FALSE(shard_from_environment(env_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}, {"SLURM_STEP_ID", "0"}})));  // srun -n 1
  CHECK_THROWS_WITH(shard_from_environment(env_of({{"SLURM_PROCID", "9"}, {"SLURM_NTASKS", "8"}, {"SLURM_STEP_ID", "0"}})),
                    ofa::test::contains("SLURM_PROCID=9"));
  CHECK_THROWS_WITH(shard_from_environment(env_of({{"OMPI_COMM_WORLD_RANK", "x"}, {"OMPI_COMM_WORLD_SIZE", "2"}})),
                    ofa::test::contains("OMPI_COMM_WORLD_RANK"));
  CHECK(shard_path("parts/part_%p.yaml", Shard{7, 9}) == "parts/part_7.yaml");
  CHECK(shard_path("p%p_%p", Shard{1, 2}) == "p1_1");
}

TEST_CASE("the parts' cells cover every candidate over every image once, cut on batch boundaries", "[shard]") {
  const std::vector<int> candidates{10, 11, 12};
  for (const auto& [images, batch, parts] : std::vector<std::tuple<std::int64_t, std::int64_t, int>>{
           {20, 5, 1}, {20, 5, 2}, {20, 5, 3}, {20, 5, 7}, {20, 5, 12}, {20, 5, 40}, {23, 5, 8}, {4, 100, 6}}) {
    INFO(images << " images, batch " << batch << ", " << parts << " parts");
    std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> ranges;
    std::size_t busy = 0;
    for (int p = 0; p < parts; ++p) {
      const std::vector<AccuracyCell> cells = shard_cells(candidates, images, batch, Shard{p, parts});
      busy += !cells.empty();
      for (const AccuracyCell& c : cells) {
        CHECK(c.first % batch == 0);
        ranges[c.candidate].push_back({c.first, c.end});
      }
    }
    // Every part has work while there are cells enough (candidates x batches).
    CHECK(busy == std::min<std::size_t>(static_cast<std::size_t>(parts), candidates.size() * static_cast<std::size_t>((images + batch - 1) / batch)));
    for (int c : candidates) {
      auto r = ranges[c];
      std::sort(r.begin(), r.end());
      REQUIRE_FALSE(r.empty());
      CHECK(r.front().first == 0);
      CHECK(r.back().second == images);
      for (std::size_t k = 1; k < r.size(); ++k) CHECK(r[k].first == r[k - 1].second);
      // With at least as many candidates as parts, a candidate is one cell: calibrated once.
      if (parts <= static_cast<int>(candidates.size())) CHECK(r.size() == 1);
    }
  }
}

TEST_CASE("a part file reads back as written: damaged ones are one line naming the file", "[shard][formats]") {
  AccuracyPart p;
  p.shard = Shard{1, 3};
  p.machine = "host (CPU)";
  p.complete = true;
  p.inputs.measured = "/runs/m.yaml";
  p.inputs.measured_sha256 = std::string(64, 'a');
  p.inputs.weights_sha256 = "random";
  p.inputs.val_sha256 = std::string(64, 'b');
  p.inputs.val_count = 20;
  p.inputs.classes_sha256 = std::string(64, 'c');
  p.inputs.batch = 5;
  p.inputs.engine = "optimized";
  p.inputs.device = "cpu";
  p.inputs.ort_provider = "cpu";
  p.inputs.threads = 1;
  p.inputs.candidates = {4, 9};
  p.inputs.setup = AccuracySetup{"random", "val", 0, "images", "calib", 10, 5, 3};
  p.cells = {AccuracyCell{9, 0, 20, 20, 7, 12, "part_1_bn/cand_9.pt", std::string(64, 'd')}};
  ofa::test::TempDir dir("part-file");
  const std::string text = format_accuracy_part_yaml(p);
  write_file_atomic(dir / "p.yaml", text);
  const AccuracyPart back = read_accuracy_part(dir / "p.yaml");
  CHECK((back.shard == p.shard));
  CHECK(back.inputs.same_job(p.inputs));
  CHECK(back.inputs.measured == p.inputs.measured);
  // Another mount of the same file is the same job; another thread count is not.
  AccuracyPartInputs elsewhere = p.inputs, threads = p.inputs;
  elsewhere.measured = "/mnt/other/m.yaml";
  threads.threads = 4;
  CHECK(p.inputs.same_job(elsewhere));
  CHECK_FALSE(p.inputs.same_job(threads));
  REQUIRE(back.cells.size() == 1);
  CHECK(back.cells[0].top5 == 12);
  CHECK(format_accuracy_part_yaml(back) == text);
  for (const auto& [bad, says] : std::vector<std::pair<std::string, std::string>>{
           {text.substr(0, text.size() / 2), "p.yaml"},
           {text + "extra: 1\n", "extra"},
           {"format: ofa-accuracy-part/9\n", "is not ofa-accuracy-part/1"},
           {std::string(text).replace(text.find("top1: 7"), 7, "top1: 30"), "counts that cannot be"},
           {std::string(text).replace(text.find("index: 1"), 8, "index: 3"), "part I/N"}}) {
    INFO(bad);
    write_file_atomic(dir / "p.yaml", bad);
    CHECK_THROWS_WITH(read_accuracy_part(dir / "p.yaml"), ofa::test::contains("p.yaml"));
    CHECK_THROWS_WITH(read_accuracy_part(dir / "p.yaml"), ofa::test::contains(says));
  }
}
