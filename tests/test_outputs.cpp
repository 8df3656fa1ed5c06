// Nothing a user types can destroy their files: outputs checked against inputs before a
// command starts, regular files only, output sets all or nothing; and the silent-nonsense
// inputs (repeated keys, impossible counts) refused on reading.
#include <sys/stat.h>

#include <filesystem>

#include "catch.hpp"

#include "ofa/common/arch_yaml.hpp"
#include "ofa/common/candidates_file.hpp"
#include "ofa/cli/arg_parser.hpp"
#include "ofa/cli/output_checks.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/library_file.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/torch_save_writer.hpp"
#include "ofa/runtime/adaptive/contention.hpp"
#include "ofa/search/library_builder.hpp"
#include "measured_fixtures.hpp"
#include "test_support.hpp"
#include "tool_tables.hpp"

namespace fs = std::filesystem;
using namespace ofa::common;
using ofa::test::TempDir;
using ofa::test::contains;

namespace {

std::string outputs_error(std::string_view tool, std::vector<std::string> args, const fs::path& cwd) {
  try {
    ofa::cli::check_outputs(ofa::test::parse_tool(tool, args).args, cwd);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool is_char_device(const char* p) {
  struct stat st {};
  return ::stat(p, &st) == 0 && S_ISCHR(st.st_mode);
}

MeasuredFile small_measured() {
  MeasuredFile m = ofa::test::measured_header();
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  for (int i = 0; i < 3; ++i) {
    MeasuredRow r;
    r.candidate.id = i;
    r.candidate.arch = read_archs(ofa::test::source_dir() / "configs/examples/single-arch.yaml", space).front().arch;
    r.candidate.predicted_accuracy = 0.7 + 0.01 * i;
    r.measured.count = 3;
    r.measured.median_ms = r.measured.p90_ms = 10.0 + i;
    r.measured.p10_ms = 9.0 + i;
    m.rows.push_back(r);
  }
  return m;
}

// The error `read(file)` gives after `from` is replaced by `to` in `good` ("(no error)" if none).
template <class Read>
std::string edited_error(const std::string& good, const std::string& from, const std::string& to, const fs::path& file, Read read) {
  std::string text = good;
  const auto p = text.find(from);
  if (p == std::string::npos) return "(text '" + from + "' not found)";
  text.replace(p, from.size(), to);
  write_file_atomic(file, text);
  try {
    read(file);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("an output that names an input, another output or a device is refused before the command starts", "[outputs]") {
  TempDir dir("outputs");
  const fs::path m = dir / "m.yaml";
  write_file_atomic(m, "x");
  fs::create_symlink(m, dir / "link.yaml");
  const fs::path cwd = dir.path();
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "m.yaml"}, cwd) ==
        "--out m.yaml: is also --measured m.yaml; an output must not overwrite an input");
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "link.yaml"}, cwd) ==
        "--out link.yaml: is also --measured m.yaml; an output must not overwrite an input");
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "./sub/../m.yaml"}, cwd) ==
        "--out ./sub/../m.yaml: is also --measured m.yaml; an output must not overwrite an input");
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "f.yaml", "--plot", "f.yaml"}, cwd) ==
        "--out f.yaml and --plot f.yaml are the same file");
#ifdef OFA_WITH_RUNTIME_TOOLS
  CHECK(outputs_error("ofa-runtime", {"run", "--library", "m.yaml", "--latency-target", "5", "--duration", "1", "--trace", "m.yaml"}, cwd) ==
        "--trace m.yaml: is also --library m.yaml; an output must not overwrite an input");
  CHECK(outputs_error("ofa-runtime", {"run", "--library", "m.yaml", "--latency-target", "5", "--duration", "1", "--trace", "t.csv",
                                      "--summary-json", "t.csv"},
                      cwd) == "--trace t.csv and --summary-json t.csv are the same file");
  CHECK(outputs_error("ofa-measure", {"latency", "--candidates", "m.yaml", "--out", "m.yaml"}, cwd) ==
        "--out m.yaml: is also --candidates m.yaml; an output must not overwrite an input");
#endif
  if (is_char_device("/dev/full")) {
    CHECK(outputs_error("ofa-search", {"predict", "--profile", "m.yaml", "--archs", "m.yaml", "--out", "/dev/full"}, cwd) ==
          "--out /dev/full: is not a regular file; an output must be a regular file or a new path");
    CHECK_THROWS_WITH(write_file_atomic("/dev/full", "x"), contains("/dev/full: is not a regular file"));
    CHECK(is_char_device("/dev/full"));
  }
  fs::create_directories(dir / "folder");
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "folder"}, cwd) ==
        "--out folder: is a folder; an output must be a regular file or a new path");
  CHECK(outputs_error("ofa-search", {"--profile", "folder", "--out", "o"}, cwd) == "--profile folder: is a folder, expected a file");
  // A folder replaced whole never holds an input, the current folder or one above it,
  // --force or not (export used to delete the library's own folder).
  fs::create_directories(dir / "lib");
  write_file_atomic(dir / "lib/library.yaml", "x");
#ifdef OFA_WITH_RUNTIME_TOOLS
  CHECK(outputs_error("ofa-runtime", {"export", "--library", "lib/library.yaml", "--out", "lib", "--force"}, cwd) ==
        "--out lib: holds --library lib/library.yaml; an output folder is replaced whole, so it must not hold an input");
  CHECK(outputs_error("ofa-runtime", {"export", "--library", "lib/library.yaml", "--out", ".", "--force"}, dir / "lib") ==
        "--out .: is the current folder or holds it; an output folder is replaced whole, so it must be another");
  CHECK(outputs_error("ofa-runtime", {"export", "--library", "lib/library.yaml", "--out", "..", "--force"}, dir / "lib") ==
        "--out ..: is the current folder or holds it; an output folder is replaced whole, so it must be another");
  CHECK(outputs_error("ofa-measure", {"latency-model", "--lut", "lib", "--out", "."}, dir / "lib") ==
        "--out .: is the current folder or holds it; an output folder is replaced whole, so it must be another");
  CHECK(outputs_error("ofa-runtime", {"export", "--library", "lib/library.yaml", "--out", "export"}, cwd) == "(no error)");
#endif
  // Writing into a folder is not replacing it: ofa-search --out . is fine.
  CHECK(outputs_error("ofa-search", {"--profile", "m.yaml", "--out", "."}, cwd) == "(no error)");
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "new/library.yaml", "--plot", "new/front.svg"}, cwd) ==
        "(no error)");
}

TEST_CASE("a failed write takes back the folders it made, and a file output ending in / is refused first", "[outputs][errors]") {
  // Issue #29: on a full disk import left an empty lib_bn/, accuracy an empty a_bn/, search,
  // train-predictor and latency a new empty parent folder; --out ending in / made import write
  // _bn/ and accuracy _bn/cand_30.pt.
  TempDir dir("debris");
  {
    OutputSet outputs;
    outputs.add(dir / "new/deeper/a.txt", "a");
    outputs.add(dir / "new/b.txt", "b");
  }  // not committed: its files and the folders made for them go
  CHECK_FALSE(fs::exists(dir / "new"));
  fs::create_directories(dir / "kept");
  {
    OutputSet outputs;
    outputs.add(dir / "kept/sub/a.txt", "a");
  }
  CHECK(fs::exists(dir / "kept"));  // it was there before
  CHECK_FALSE(fs::exists(dir / "kept/sub"));
  const auto made = create_folders(dir / "x/y/z");
  REQUIRE(made.size() == 3);
  write_file_atomic(dir / "x/y/keep.txt", "k");
  remove_created_folders(made);
  CHECK_FALSE(fs::exists(dir / "x/y/z"));
  CHECK(fs::exists(dir / "x/y/keep.txt"));  // a folder another file landed in stays
  const fs::path cwd = dir.path();
  write_file_atomic(dir / "m.yaml", "x");
  CHECK(outputs_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "lib/"}, cwd) ==
        "--out lib/: ends in '/', which names a folder; give a file name");
  CHECK(outputs_error("ofa-search", {"import-dynamic-ofa", "m.yaml", "--out", "runs/"}, cwd) ==
        "--out runs/: ends in '/', which names a folder; give a file name");
  CHECK_FALSE(fs::exists(dir / "lib"));
  // Folder outputs may end in '/'.
  CHECK(outputs_error("ofa-search", {"--profile", "m.yaml", "--out", "search/"}, cwd) == "(no error)");
}

TEST_CASE("an output set appears whole or not at all", "[outputs]") {
  TempDir dir("outputset");
  write_file_atomic(dir / "a.txt", "old a");
  {
    OutputSet set;
    set.add(dir / "a.txt", "new a");
    set.add(dir / "b.txt", "new b");
    CHECK(read_file(dir / "a.txt") == "old a");
    CHECK_FALSE(fs::exists(dir / "b.txt"));
    set.commit();
  }
  CHECK(read_file(dir / "a.txt") == "new a");
  CHECK(read_file(dir / "b.txt") == "new b");
  fs::create_directories(dir / "c.txt");  // an output that cannot be written: nothing of the set appears
  {
    OutputSet set;
    set.add(dir / "a.txt", "newer a");
    CHECK_THROWS_WITH(set.add(dir / "c.txt", "c"), contains("c.txt: is a folder"));
  }
  CHECK(read_file(dir / "a.txt") == "new a");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  CHECK(files == 2);  // no temporary file left behind
}

TEST_CASE("a key given twice is an error naming it, in every YAML reader", "[outputs][errors]") {
  TempDir dir("dupkeys");
  const SearchSpace space = search_space("ofa-mbv3-w1.2");
  std::string arch = read_file(ofa::test::source_dir() / "configs/examples/single-arch.yaml");
  write_file_atomic(dir / "a.yaml", arch + "r: 160\n");
  CHECK_THROWS_WITH(read_archs(dir / "a.yaml", space), contains("a.yaml: key 'r' appears twice"));
  write_file_atomic(dir / "p.yaml", "space: ofa-mbv3-w1.2\nmetric: flops\nmetric: latency\n");
  CHECK_THROWS_WITH(load_profile(dir / "p.yaml"), contains("p.yaml: key 'metric' appears twice"));
  write_file_atomic(dir / "flow.yaml", "x: {count: 1, count: 2}\n");
  CHECK_THROWS_WITH(load_yaml_file(dir / "flow.yaml"), contains("flow.yaml: key 'x.count' appears twice"));
  write_file_atomic(dir / "deep.yaml", "l: [{a: 1}, {b: 2, b: 3}]\n");
  CHECK_THROWS_WITH(load_yaml_file(dir / "deep.yaml"), contains("key 'l[1].b' appears twice"));
  CHECK_THROWS_WITH(load_yaml_file(dir.path()), contains("is a folder, expected a file"));
  CHECK_THROWS_WITH(ofa::runtime::parse_contention("at=0s,at=5s,for=1s"), contains("--contention: key 'at' given twice"));
}

TEST_CASE("counts, devices and fractions that cannot be right are refused on reading", "[outputs][errors]") {
  TempDir dir("nonsense");
  const MeasuredFile m = small_measured();
  const std::string good = format_measured_yaml(m);
  auto measured_error = [&](const std::string& from, const std::string& to) {
    return edited_error(good, from, to, dir / "m.yaml", [](const fs::path& f) { read_measured(f); });
  };
  CHECK_THAT(measured_error("threads: 1\n", "threads: 100000\n"), contains("key 'threads' = 100000 is not a thread count in [0, 1024]"));
  CHECK_THAT(measured_error("threads: 1\n", "threads: -1\n"), contains("key 'threads' = -1 is not a thread count"));
  CHECK_THAT(measured_error("batch: 1\n", "batch: 0\n"), contains("key 'batch' = 0 is not a batch size in [1, 4096]"));
  CHECK_THAT(measured_error("device: \"cpu\"", "device: \"tpu\""), contains("key 'device' = 'tpu' is not cpu, cuda or cuda:N"));
  CHECK(measured_error("device: \"cpu\"", "device: \"cuda:1\"") == "(no error)");
  CHECK_THAT(measured_error("predicted_accuracy: 0.7", "predicted_accuracy: 1.5"), contains("'predicted_accuracy' = 1.5 is not a fraction in [0, 1]"));
  CHECK_THAT(measured_error("p90_ms: 10,", "p90_ms: 9.5,"), contains("p10_ms <= median_ms <= p90_ms does not hold"));
  CHECK_THAT(measured_error("id: 1\n", "id: 0\n"), contains("candidate id 0 appears twice"));
  // The library built from a good file carries the same checks.
  const LibraryFile lib = ofa::search::build_library(m, "m.yaml", 0, ofa::search::AccuracySource::Predicted);
  CHECK_THAT(edited_error(format_library_yaml(lib), "threads: 1\n", "threads: 100000\n", dir / "l.yaml", [](const fs::path& f) { read_library(f); }),
             contains("key 'threads' = 100000 is not a thread count"));
  CHECK_THAT(edited_error(format_library_yaml(lib), "batch: 1\n", "batch: 100000\n", dir / "l.yaml", [](const fs::path& f) { read_library(f); }),
             contains("key 'batch' = 100000 is not a batch size in [1, 4096]"));
  // Candidates: a metric, an algorithm or an accuracy that no search writes.
  CandidatesFile c;
  c.profile = "p.yaml";
  c.profile_name = "p";
  c.device = "cpu";
  c.space = "ofa-mbv3-w1.2";
  c.metric = "latency";
  c.unit = "ms";
  c.predictor = "x";
  c.lut = "y";
  c.algorithm = "evolution";
  c.candidates.push_back(m.rows[0].candidate);
  const std::string cgood = format_candidates_yaml(c);
  auto candidates_error = [&](const std::string& from, const std::string& to) {
    return edited_error(cgood, from, to, dir / "c.yaml", [](const fs::path& f) { read_candidates(f); });
  };
  CHECK(candidates_error("metric: latency", "metric: latency") == "(no error)");
  CHECK_THAT(candidates_error("metric: latency", "metric: joules"), contains("key 'metric' = 'joules' is not latency or flops"));
  CHECK_THAT(candidates_error("algorithm: evolution", "algorithm: magic"), contains("key 'algorithm' = 'magic' is not evolution, nsga2 or exhaustive"));
  CHECK_THAT(candidates_error("predicted_accuracy: 0.7", "predicted_accuracy: -3"), contains("'predicted_accuracy' = -3 is not a fraction"));
}

TEST_CASE("pareto refuses to overwrite its input and writes nothing when its plot cannot be written", "[outputs][cli]") {
  TempDir dir("pareto-out");
  const std::string measured = format_measured_yaml(small_measured());
  write_file_atomic(dir / "m.yaml", measured);
  const std::string pareto = ofa::test::tool("ofa-search") + " pareto --measured " + (dir / "m.yaml").string();
  const auto same = ofa::test::shell(pareto + " --out " + (dir / "m.yaml").string());
  CHECK(same.status == 2);
  CHECK_THAT(same.output, ofa::test::starts_with("ofa-search: error: --out ") && contains("is also --measured"));
  CHECK(read_file(dir / "m.yaml") == measured);
  fs::create_directories(dir / "plot.svg");
  const auto plot = ofa::test::shell(pareto + " --out " + (dir / "l.yaml").string() + " --plot " + (dir / "plot.svg/").string() + "x/../");
  CHECK(plot.status == 2);
  CHECK_FALSE(fs::exists(dir / "l.yaml"));
  const auto ok = ofa::test::shell(pareto + " --out " + (dir / "l.yaml").string() + " --plot " + (dir / "f.svg").string());
  CHECK(ok.status == 0);
  CHECK(fs::exists(dir / "l.yaml"));
  CHECK(fs::exists(dir / "f.svg"));
}

TEST_CASE("pareto refuses an output that is the measured file's weights or a row's BN file", "[outputs][cli]") {
  TempDir dir("pareto-inputs");
  MeasuredFile m = small_measured();
  write_file_atomic(dir / "w.pt", "the supernet");
  write_file_atomic(dir / "bn/c1.pt", "a BN file");
  m.weights = (dir / "w.pt").string();
  m.rows[1].bn = "bn/c1.pt";  // relative to the measured file's folder
  write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
  const std::string pareto = ofa::test::tool("ofa-search") + " pareto --measured " + (dir / "m.yaml").string();
  const auto weights = ofa::test::shell(pareto + " --out " + (dir / "w.pt").string());
  CHECK(weights.status == 2);
  CHECK_THAT(weights.output, contains("--out " + (dir / "w.pt").string() + " is the measured file's weights"));
  const auto bn = ofa::test::shell(pareto + " --out " + (dir / "l.yaml").string() + " --plot " + (dir / "bn/../bn/c1.pt").string());
  CHECK(bn.status == 2);
  CHECK_THAT(bn.output, contains("is candidate 1's BN file"));
  CHECK(read_file(dir / "w.pt") == "the supernet");
  CHECK(read_file(dir / "bn/c1.pt") == "a BN file");
  CHECK_FALSE(fs::exists(dir / "l.yaml"));
}

#ifdef OFA_WITH_RUNTIME_TOOLS
TEST_CASE("no output is written inside an input folder", "[outputs]") {
  TempDir dir("inside-input");
  fs::create_directories(dir / "im/n1");
  const fs::path cwd = fs::current_path();
  CHECK_THAT(outputs_error("ofa-runtime", {"preprocess", "--val-images", (dir / "im").string(), "--resolution", "160", "--out", (dir / "im/n1/x.JPEG").string()}, cwd),
             contains("--out " + (dir / "im/n1/x.JPEG").string() + ": lies inside --val-images " + (dir / "im").string()));
  CHECK_THAT(outputs_error("ofa-measure", {"accuracy", "--measured", "m.yaml", "--val-images", (dir / "im").string(), "--no-recalibrate", "--out",
                                           (dir / "im/acc.yaml").string()}, cwd),
             contains("lies inside --val-images"));
  CHECK_THAT(outputs_error("ofa-measure", {"bn", "--arch", "a.yaml", "--calib-images", (dir / "im").string(), "--out", (dir / "im/../im/bn.pt").string()}, cwd),
             contains("lies inside --calib-images"));
  CHECK(outputs_error("ofa-runtime", {"preprocess", "--val-images", (dir / "im").string(), "--resolution", "160", "--out", (dir / "x.pt").string()}, cwd) ==
        "(no error)");
}
#endif

TEST_CASE("pareto names a level's BN file that is gone, and takes a bare --out name", "[outputs][cli]") {
  TempDir dir("pareto-bn");
  MeasuredFile m = small_measured();
  for (auto& r : m.rows) r.bn = "bn/c" + std::to_string(r.candidate.id) + ".pt";
  // Real BN files: pareto checks that a file the measured file names as one is one.
  for (int i : {0, 1, 2})
    write_torch_save(dir / ("bn/c" + std::to_string(i) + ".pt"),
                     FloatStateDict{{"first_conv.bn.running_mean", FloatTensor{{1}, {0.f}}}, {"first_conv.bn.running_var", FloatTensor{{1}, {1.f}}}});
  write_file_atomic(dir / "m.yaml", format_measured_yaml(m));
  // A bare file name is an output in the current folder.
  const auto bare = ofa::test::shell("cd " + dir.path().string() + " && " + ofa::test::tool("ofa-search") + " pareto --measured m.yaml --out lib.yaml");
  INFO(bare.output);
  CHECK(bare.status == 0);
  REQUIRE(fs::exists(dir / "lib.yaml"));
  CHECK(read_library(dir / "lib.yaml").levels.back().bn == "bn/c2.pt");
  fs::remove(dir / "bn/c2.pt");
  const auto gone = ofa::test::shell(ofa::test::tool("ofa-search") + " pareto --measured " + (dir / "m.yaml").string() + " --out " + (dir / "l2.yaml").string());
  CHECK(gone.status == 2);
  CHECK_THAT(gone.output, contains("candidate 2's BN file") && contains("does not exist"));
  CHECK_FALSE(fs::exists(dir / "l2.yaml"));
}

TEST_CASE("a library's inputs: itself, its weights and its BN files, never an output", "[outputs]") {
  TempDir dir("library-inputs");
  LibraryFile lib;
  lib.weights = "w.pt";
  Level l;
  l.bn = "bn/level_0.pt";
  lib.levels = {l, Level{}};
  const auto inputs = library_inputs(lib, dir / "lib/library.yaml", std::nullopt);
  REQUIRE(inputs.size() == 3);
  CHECK(inputs[0].what == "the library");
  CHECK(inputs[1].path == dir / "lib/w.pt");
  CHECK(inputs[2].path == dir / "lib/bn/level_0.pt");
  CHECK(library_inputs(lib, dir / "lib/library.yaml", dir / "other.pt")[1].what == "--weights");
  // Paths that do not exist yet compare as paths; through a link, as files.
  CHECK_THROWS_WITH(check_output_spares_inputs("--out", dir / "lib/./bn/level_0.pt", inputs), contains("is level 0's BN file"));
  CHECK_NOTHROW(check_output_spares_inputs("--out", dir / "lib/bn/level_1.pt", inputs));
  write_file_atomic(dir / "lib/w.pt", "w");
  fs::create_symlink(dir / "lib/w.pt", dir / "link.pt");
  CHECK_THROWS_WITH(check_output_spares_inputs("--trace", dir / "link.pt", inputs), contains("--trace") && contains("the library's weights"));
  CHECK_THROWS_WITH(check_folder_spares_inputs("--out", dir / "lib/bn", inputs), contains("holds level 0's BN file"));
  CHECK_NOTHROW(check_folder_spares_inputs("--out", dir / "export", inputs));
}

TEST_CASE("reading YAML with aliases, flags swallowed as values, and a dangling link as output", "[outputs][errors]") {
  TempDir dir("yaml-alias");
  // A node that contains itself: the duplicate-key check visits it once and ends.
  write_file_atomic(dir / "self.yaml", "a: &x [*x]\nb: {c: 1}\n");
  CHECK_NOTHROW(load_yaml_file(dir / "self.yaml"));
  write_file_atomic(dir / "laughs.yaml",
                    "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n");
  CHECK_NOTHROW(load_yaml_file(dir / "laughs.yaml"));
  // `--out --quiet` forgot the value; it is not a file named --quiet.
  try {
    ofa::test::parse_tool("ofa-search", std::vector<std::string>{"train-predictor", "--data", "d.yaml", "--out", "--quiet"});
    FAIL("--out --quiet was taken as a file name");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), ofa::test::starts_with("--out needs a value (PATH); got the option --quiet"));
  }
  CHECK(ofa::test::parse_tool("ofa-search", std::vector<std::string>{"train-predictor", "--data", "d.yaml", "--out=--quiet"}).args.value("--out") ==
        "--quiet");
  // A dangling link: the file it names is created, the link stays.
  fs::create_symlink("target.txt", dir / "link.txt");
  write_file_atomic(dir / "link.txt", "through the link");
  CHECK(fs::is_symlink(fs::symlink_status(dir / "link.txt")));
  CHECK(read_file(dir / "target.txt") == "through the link");
}

TEST_CASE("a profile's thread count and search sizes are limited like the flags", "[outputs][errors]") {
  TempDir dir("profile-limits");
  auto error_of = [&](const std::string& search) {
    write_file_atomic(dir / "p.yaml", "space: ofa-mbv3-w1.2\nmetric: flops\nsearch: " + search + "\n");
    try {
      load_profile(dir / "p.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK_THAT(error_of("{threads: 100000}"), contains("threads = 100000 is more than the 1024 threads a search may use"));
  CHECK_THAT(error_of("{population: 2000000000}"), contains("population = 2000000000 is more than 1000000"));
  CHECK(error_of("{threads: 2, population: 50}") == "(no error)");
}
