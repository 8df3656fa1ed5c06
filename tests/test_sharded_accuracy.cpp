// Accuracy in shards: parts merged equal one process byte for byte (top-1 above zero, BN files
// included); a merge refuses what is not one whole job; and on a real Slurm cluster, started by
// the test, the launcher's array and merge give the same file, name a failed task, and resume.
#include <cstdlib>
#include <fstream>

#include "ofa/common/accuracy_part_file.hpp"
#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/engine/state_dict.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/runtime/images/image_decoder.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/images/image_transforms.hpp"
#include "measured_fixtures.hpp"
#include "runtime/commands/accuracy_command.hpp"
#include "runtime/commands/merge_command.hpp"
#include "torch_test_support.hpp"
// Catch last: LibTorch's glog headers define CHECK too, and the later definition wins.
#include "catch.hpp"

using namespace ofa::common;
using namespace ofa::runtime;
using ofa::test::q;
using ofa::test::shell;
using ofa::test::TempDir;
using ofa::test::tool;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kSeed = 1;

// Three candidates of the example levels, measured (made-up latencies) with random weights.
void write_measured(const fs::path& file) {
  MeasuredFile m = ofa::test::measured_header();
  const auto archs = read_archs(ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml", ofa::test::w12());
  for (std::size_t i = 0; i < archs.size(); ++i) m.rows.push_back(ofa::test::measured_row(static_cast<int>(i) + 4, archs[i].arch, 2.0 * (i + 1)));
  write_file_atomic(file, format_measured_yaml(m));
}

AccuracyOptions options(const fs::path& dir, const fs::path& val, const fs::path& out) {
  AccuracyOptions o;
  o.measured = dir / "measured.yaml";
  o.val_images = val;
  o.calib_images = ofa::test::data_dir() / "images/val";
  o.calib_count = 6;
  o.calib_batch = 3;
  o.batch_size = 4;  // 20 images: 5 batches, so parts cut the list on batch boundaries
  o.seed = kSeed;
  o.device.threads = 1;
  o.out = out;
  return o;
}

// The shared images under the classes candidate `row` predicts (with its recalibrated BN file
// `bn`), so its top-1 over them is 1 and the others' is what it is: a test of counts, not of zeros.
fs::path labelled_by_prediction(const fs::path& dir, const fs::path& bn) {
  const MeasuredFile m = read_measured(dir / "measured.yaml");
  const ArchConfig& arch = m.rows[0].candidate.arch;
  const Supernet net = Supernet::random(ofa::test::w12(), kSeed).with_bn_overrides(load_state_dict(bn), bn.string());
  const Subnet subnet = Subnet::from_supernet(ofa::test::w12(), arch, net);
  const std::vector<std::string> wnids = read_class_list(ofa::test::data_dir() / "imagenet_classes.txt");
  const std::vector<LabeledImage> images = list_image_folder(ofa::test::data_dir() / "images/val", ofa::test::data_dir() / "imagenet_classes.txt");
  torch::NoGradGuard no_grad;
  int k = 0;
  for (const LabeledImage& im : images) {
    torch::Tensor x = torch::empty({1, 3, arch.r, arch.r});
    normalize_to_chw(eval_crop(read_image(im.file), arch.r, im.file.string()), x.data_ptr<float>());
    const auto cls = static_cast<std::size_t>(subnet.forward(x).argmax(1).item<std::int64_t>());
    fs::create_directories(dir / "labelled" / wnids.at(cls));
    fs::copy_file(im.file, dir / "labelled" / wnids.at(cls) / (std::to_string(k++) + "_" + im.file.filename().string()));
  }
  return dir / "labelled";
}

// One process's output and its BN files, read back: what merged parts must equal.
std::map<std::string, std::string> output_files(const fs::path& out) {
  std::map<std::string, std::string> files{{"measured", read_file(out)}};
  for (const auto& e : fs::directory_iterator(out.parent_path() / (out.stem().string() + "_bn"))) files[e.path().filename().string()] = read_file(e.path());
  return files;
}

// A job evaluated once in one process, on images labelled so that top-1 is not zero.
struct Job {
  TempDir dir{"sharded"};
  fs::path val;
  Job() {
    write_measured(dir / "measured.yaml");
    run_accuracy(options(dir.path(), ofa::test::data_dir() / "images/val", dir / "first/acc.yaml"));
    val = labelled_by_prediction(dir.path(), dir / "first" / ("acc_bn/cand_4.pt"));
    run_accuracy(options(dir.path(), val, dir / "whole/acc.yaml"));
  }
};

std::vector<fs::path> run_parts(const Job& job, int n, const std::string& folder) {
  std::vector<fs::path> parts;
  for (int i = 0; i < n; ++i) {
    AccuracyOptions o = options(job.dir.path(), job.val, job.dir / folder / "part_%p.yaml");
    o.shard = Shard{i, n, "--shard"};
    run_accuracy(o);
    parts.push_back(job.dir / folder / ("part_" + std::to_string(i) + ".yaml"));
  }
  return parts;
}

}  // namespace

TEST_CASE("accuracy in 2 or 7 parts, merged, equals one process byte for byte, BN files included", "[accuracy][shard]") {
  Job job;
  const auto whole = output_files(job.dir / "whole/acc.yaml");
  const MeasuredFile w = read_measured(job.dir / "whole/acc.yaml");
  REQUIRE(w.rows[0].measured_accuracy);
  CHECK(*w.rows[0].measured_accuracy == 1.0);  // labelled by its own predictions
  // 2 parts: each candidate in one part. 7 parts (more than the 3 candidates): candidates cut
  // into image ranges, BN recalibrated in several parts and checked equal by the merge.
  for (const int n : {2, 7}) {
    INFO(n << " parts");
    const std::vector<fs::path> parts = run_parts(job, n, "parts" + std::to_string(n));
    const std::string merged = "merged" + std::to_string(n) + "/acc.yaml";
    CHECK_THAT(run_merge({parts, job.dir / merged}), ofa::test::contains(std::to_string(n) + " parts"));
    CHECK((output_files(job.dir / merged) == whole));
  }
}

TEST_CASE("merge refuses a missing, duplicated, foreign, unfinished or damaged part, writing nothing", "[accuracy][shard][errors]") {
  Job job;
  const std::vector<fs::path> parts = run_parts(job, 3, "parts");
  const fs::path out = job.dir / "merged/acc.yaml";
  auto refused = [&](std::vector<fs::path> given, const std::string& says) {
    CHECK_THROWS_WITH(run_merge({std::move(given), out}), ofa::test::contains(says));
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(job.dir / "merged/acc_bn"));
  };
  refused({parts[0], parts[2]}, "1 of 3 parts missing (1)");
  refused({parts[0], parts[1], parts[1], parts[2]}, "part given twice");
  // Another job's part: another seed.
  AccuracyOptions other = options(job.dir.path(), job.val, job.dir / "other/part_%p.yaml");
  other.seed = 9;
  other.shard = Shard{1, 3, "--shard"};
  run_accuracy(other);
  refused({parts[0], job.dir / "other/part_1.yaml", parts[2]}, "another job's part");
  // Truncated, and unfinished.
  const std::string text = read_file(parts[1]);
  write_file_atomic(job.dir / "cut.yaml", text.substr(0, text.size() / 2));
  refused({parts[0], job.dir / "cut.yaml", parts[2]}, "cut.yaml");
  std::string unfinished = text;
  unfinished.replace(unfinished.find("complete: true"), 14, "complete: false");
  write_file_atomic(job.dir / "unfinished.yaml", unfinished);
  refused({parts[0], job.dir / "unfinished.yaml", parts[2]}, "unfinished");
  // A BN file changed after its part recorded it.
  const AccuracyPart p0 = read_accuracy_part(parts[0]);
  REQUIRE_FALSE(p0.cells.empty());
  write_file_atomic(parts[0].parent_path() / p0.cells[0].bn, "not the statistics");
  refused(parts, "not the BN file its part recorded");
}

TEST_CASE("a part from the launcher's environment needs %p in --out: --shard wins over the environment", "[accuracy][shard][errors]") {
  TempDir dir("shard-env");
  write_measured(dir / "measured.yaml");
  const std::string args = " accuracy --measured " + q(dir / "measured.yaml") + " --val-images " + q(ofa::test::data_dir() / "images/val") +
                           " --no-recalibrate --limit 4 --val-batch 2 --threads 1";
  const auto same = shell("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 " + tool("ofa-measure") + args + " --out " + q(dir / "a.yaml"));
  CHECK(same.status == 2);
  CHECK_THAT(same.output, ofa::test::contains("put %p in it"));
  CHECK_FALSE(fs::exists(dir / "a.yaml"));
  const auto part = shell("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 " + tool("ofa-measure") + args + " --out " + q(dir / "part_%p.yaml"));
  CHECK(part.status == 0);
  CHECK(read_accuracy_part(dir / "part_1.yaml").shard.count == 2);
  const auto flag = shell("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 " + tool("ofa-measure") + args + " --shard 0/3 --out " + q(dir / "b.yaml"));
  CHECK(flag.status == 0);
  CHECK((read_accuracy_part(dir / "b.yaml").shard == Shard{0, 3}));
  // --shard 0/1 is the whole job even inside a launcher's task: a measured file, not a part.
  const auto whole = shell("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 " + tool("ofa-measure") + args + " --shard 0/1 --out " + q(dir / "c.yaml"));
  CHECK(whole.status == 0);
  CHECK(read_measured(dir / "c.yaml").rows[0].measured_accuracy.has_value());
  // A part's file, %p replaced, must not be an input.
  fs::copy_file(dir / "measured.yaml", dir / "0_measured.yaml");
  const auto over = shell(tool("ofa-measure") + " accuracy --measured " + q(dir / "0_measured.yaml") + " --val-images " +
                          q(ofa::test::data_dir() / "images/val") + " --no-recalibrate --limit 4 --val-batch 2 --threads 1 --shard 0/2 --out " +
                          q(dir / "%p_measured.yaml"));
  CHECK(over.status == 2);
  CHECK_THAT(over.output, ofa::test::contains("--out"));
  CHECK(read_file(dir / "0_measured.yaml") == read_file(dir / "measured.yaml"));
  const auto merged = shell(tool("ofa-measure") + " merge --out " + q(dir / "m.yaml") + " " + q(dir / "part_1.yaml"));
  CHECK(merged.status == 2);
  CHECK_THAT(merged.output, ofa::test::contains("1 of 2 parts missing (0)"));
}

TEST_CASE("on a real Slurm cluster: array and merge equal one process, a failed task is named, a rerun completes", "[accuracy][shard][slurm]") {
  if (const char* skip = std::getenv("OFA_SKIP_SLURM_TESTS"); skip && std::string(skip) == "1") {
    WARN("OFA_SKIP_SLURM_TESTS=1: the Slurm cluster test is not run in this lane");
    return;
  }
  Job job;
  const fs::path cluster = job.dir / "cluster";
  const std::string scripts = (ofa::test::source_dir() / "scripts").string();
  const auto started = shell(scripts + "/slurm-test-cluster start " + q(cluster) + " 2");
  INFO(started.output);
  REQUIRE(started.status == 0);
  struct Stop {
    std::string cmd;
    ~Stop() { shell(cmd); }
  } stop{scripts + "/slurm-test-cluster stop " + q(cluster)};
  const std::string env = "SLURM_CONF=" + q(cluster / "slurm.conf") + " ";
  auto launch = [&](const fs::path& out) {
    return shell(env + scripts + "/slurm-accuracy --shards 3 --out " + q(out) + " --poll 1 --timeout 300 --measure " + tool("ofa-measure") +
                 " -- --measured " + q(job.dir / "measured.yaml") + " --val-images " + q(job.val) + " --calib-images " +
                 q(ofa::test::data_dir() / "images/val") + " --calib-count 6 --calib-batch 3 --val-batch 4 --seed 1 --threads 1");
  };
  const auto ok = launch(job.dir / "slurm/acc.yaml");
  INFO(ok.output);
  REQUIRE(ok.status == 0);
  CHECK((output_files(job.dir / "slurm/acc.yaml") == output_files(job.dir / "whole/acc.yaml")));
  // Part 1 cannot write its file (a folder stands there): its task fails, the merge is cancelled.
  fs::create_directories(job.dir / "failing/acc.yaml.parts/part_1.yaml");
  const auto failed = launch(job.dir / "failing/acc.yaml");
  CHECK(failed.status == 1);
  CHECK_THAT(failed.output, ofa::test::contains("part 1 FAILED") && ofa::test::contains("task_1.out"));
  CHECK_FALSE(fs::exists(job.dir / "failing/acc.yaml"));
  // Rerun: only the missing part is submitted, and the file is the one process's.
  fs::remove(job.dir / "failing/acc.yaml.parts/part_1.yaml");
  const auto rerun = launch(job.dir / "failing/acc.yaml");
  INFO(rerun.output);
  CHECK(rerun.status == 0);
  CHECK_THAT(rerun.output, ofa::test::contains("submitted 1 of 3 parts"));
  CHECK((output_files(job.dir / "failing/acc.yaml") == output_files(job.dir / "whole/acc.yaml")));
}
