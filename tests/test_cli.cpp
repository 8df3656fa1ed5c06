// The shared option table and parser: what every tool's command line goes through.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>

#include "catch.hpp"

#include "ofa/cli/arg_parser.hpp"
#include "ofa/cli/option_table.hpp"
#include "ofa/cli/tool_main.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/common/error.hpp"
#include "test_support.hpp"
#include "tool_tables.hpp"

using namespace ofa::cli;
using ofa::test::built_tools;
using ofa::test::tool_named;
using ofa::test::required_args;

namespace {

ParseResult parse(std::string_view tool, std::vector<std::string> args) { return ofa::test::parse_tool(tool, args); }

std::string parse_error(std::string_view tool, std::vector<std::string> args) {
  try {
    parse(tool, std::move(args));
  } catch (const ofa::common::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("Every option is declared once, and every command's options are in the table", "[cli]") {
  std::set<std::string_view> names;
  for (const OptionSpec& o : option_table()) {
    INFO(o.name);
    CHECK(names.insert(o.name).second);
    CHECK(o.name.rfind("--", 0) == 0);
    CHECK(!o.help.empty());
    CHECK((o.check.kind == Check::Kind::Flag) == o.hint.empty());
  }
  std::set<std::string> commands;
  for (const Tool* tool : built_tools())
  for (const Command& command : tool->commands) {
    const CommandSpec& c = command.spec;
    INFO(c.tool << " " << c.name);
    CHECK(c.tool == tool->name);
    CHECK(commands.insert(std::string(c.tool) + " " + std::string(c.name)).second);
    std::set<std::string_view> taken;
    for (const CommandOption& o : c.options) {
      INFO(o.name);
      CHECK(find_option(o.name) != nullptr);
      CHECK(taken.insert(o.name).second);
    }
    for (const auto& [a, b] : c.exclusive) CHECK((taken.count(a) && taken.count(b)));
  }
  CHECK(tool_named("ofa-search").commands.size() == 5);  // search, predict, pareto, import-dynamic-ofa, train-predictor
  if (ofa::test::runtime_tools_built()) {
    CHECK(tool_named("ofa-measure").commands.size() == 7);
    CHECK(tool_named("ofa-runtime").commands.size() == 5);  // engines, infer, run, export, preprocess
  }
}

TEST_CASE("Every command's --help lists each of its options with its help and default", "[cli]") {
  for (const Tool* tool : built_tools())
  for (const Command& command : tool->commands) {
    const CommandSpec& c = command.spec;
    INFO(c.tool << " " << c.name);
    std::vector<std::string> args = c.name.empty() ? std::vector<std::string>{} : std::vector<std::string>{std::string(c.name)};
    args.emplace_back("--help");
    const ParseResult r = parse(c.tool, args);
    const std::string help = c.name.empty() ? tool_help(*tool) : r.help;
    CHECK((c.name.empty() ? r.tool_help : !r.help.empty()));
    for (const CommandOption& o : c.options) {
      INFO(o.name);
      CHECK_THAT(help, ofa::test::contains(std::string(o.name)));
      CHECK_THAT(help, ofa::test::contains(std::string(find_option(o.name)->help)));
      if (o.need == Need::Required) CHECK_THAT(help, ofa::test::contains(std::string(o.name) + " "));
      if (!o.default_shown().empty() && o.need == Need::Optional)
        CHECK_THAT(help, ofa::test::contains("(default: " + std::string(o.default_shown()) + ")"));
    }
  }
  // The tool's help names its commands.
  const std::string search = tool_help(tool_named("ofa-search"));
  for (const char* name : {"predict", "pareto", "import-dynamic-ofa", "train-predictor"}) CHECK_THAT(search, ofa::test::contains(name));
}

TEST_CASE("Each command parses its required options", "[cli]") {
  for (const Tool* tool : built_tools())
  for (const Command& command : tool->commands) {
    const CommandSpec& c = command.spec;
    INFO(c.tool << " " << c.name);
    const ParseResult r = parse(c.tool, required_args(c));
    CHECK(r.help.empty());
    CHECK(&r.args.command() == &c);
  }
}

#ifdef OFA_WITH_RUNTIME_TOOLS
TEST_CASE("Values are read back as given", "[cli]") {
  const ParseResult r = parse("ofa-measure", {"latency", "--candidates", "c.yaml", "--out=m.yaml", "--threads", "2", "--seed",
                                              "18446744073709551615", "--only-front", "--engine", "eager"});
  int threads = 0;
  std::uint64_t seed = 0;
  bool front = false, resume = false;
  std::string engine, out;
  r.args.get("--threads", threads);
  r.args.get("--seed", seed);
  r.args.get("--only-front", front);
  r.args.get("--resume", resume);
  r.args.get("--engine", engine);
  r.args.get("--out", out);
  CHECK(threads == 2);
  CHECK(seed == 18446744073709551615ull);
  CHECK(front);
  CHECK(!resume);
  CHECK(engine == "eager");
  CHECK(out == "m.yaml");
  std::optional<int> top;
  r.args.get("--top", top);
  CHECK(!top);
  // A getter for an option the command does not take is the program's mistake, not the user's.
  int levels = 0;
  CHECK_THROWS_AS(r.args.get("--levels", levels), std::logic_error);
}

TEST_CASE("Bad command lines are one line naming the flag and the value", "[cli]") {
  const std::vector<std::string> base = {"latency", "--candidates", "c.yaml", "--out", "m.yaml"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return parse_error("ofa-measure", a);
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--threads", "-1"}, "--threads: '-1' is not a whole number in [0, 1024]"},
      {{"--threads", "100000"}, "--threads: '100000' is not a whole number in [0, 1024]"},
      {{"--threads", "2x"}, "--threads: '2x' is not a whole number"},
      {{"--threads", "1.5"}, "--threads: '1.5' is not a whole number"},
      {{"--seed", "-1"}, "--seed: '-1' is not a whole number in [0, 18446744073709551615]"},
      {{"--seed", "99999999999999999999999"}, "--seed: '99999999999999999999999' is not a whole number"},
      {{"--engine", "fast"}, "--engine: 'fast' is not one of auto, optimized, onnxruntime, llga, eager"},
      {{"--rounds", "0"}, "--rounds: '0' is not a whole number in [1, 10000]"},
      {{"--threads"}, "--threads needs a value (N)"},
      {{"--only-front=yes"}, "--only-front takes no value (given 'yes')"},
      {{"--bogus", "1"}, "ofa-measure latency: unknown option --bogus"},
      {{"--levels", "3"}, "ofa-measure latency: unknown option --levels"},
      {{"--seed", "1", "--seed", "2"}, "ofa-measure latency: --seed given twice"},
      {{"stray"}, "ofa-measure latency: unexpected argument 'stray'"},
      {{"--out", "other.yaml"}, "ofa-measure latency: --out given twice"},
  };
  for (const auto& [extra, expect] : cases) {
    INFO(expect);
    const std::string e = with(extra);
    CHECK_THAT(e, ofa::test::starts_with(expect));
    CHECK(e.find('\n') == std::string::npos);
  }
  CHECK(parse_error("ofa-measure", {"latency", "--candidates", "c.yaml"}) == "ofa-measure latency: --out is required (see --help)");
  // Issue #29: docs/robustness.md says batches are at most 4096.
  CHECK(parse_error("ofa-measure", {"accuracy", "--measured", "m.yaml", "--val-images", "v", "--calib-batch", "4097"}) ==
        "--calib-batch: '4097' is not a whole number in [1, 4096]");
  CHECK_THAT(parse_error("ofa-measure", {"latency", "--candidates", "c.yaml", "--library", "l.yaml", "--out", "m.yaml"}),
             ofa::test::contains("--candidates") && ofa::test::contains("--library"));
  CHECK_THAT(parse_error("ofa-measure", {"lat"}), ofa::test::starts_with("unknown command 'lat' (commands: latency, lut, bn"));
  CHECK_THAT(parse_error("ofa-runtime", {"--library", "l.yaml"}), ofa::test::starts_with("give a command first"));
  CHECK(parse_error("ofa-runtime", {"run", "--library", "l", "--duration", "10", "--latency-target", "inf"}) ==
        "--latency-target: 'inf' is not a finite number in (0, 1000000000]");
  CHECK(parse_error("ofa-runtime", {"run", "--library", "l", "--duration", "10", "--latency-target", "nan"}) ==
        "--latency-target: 'nan' is not a finite number in (0, 1000000000]");
  CHECK(parse_error("ofa-runtime", {"run", "--library", "l", "--duration", "10", "--latency-target", "5", "--margin", "1"}) ==
        "--margin: '1' is not a finite number in [0, 1)");
  CHECK(parse_error("ofa-runtime", {"run", "--library", "l", "--duration", "10", "--latency-target", "5", "--margin", "0.99"}) == "(no error)");
  CHECK(parse_error("ofa-runtime", {"run", "--library", "l", "--duration", "10", "--latency-target", "0"}) ==
        "--latency-target: '0' is not a finite number in (0, 1000000000]");
  CHECK(parse_error("ofa-search", {"--profile", "p", "--out", "o", "--population", "2000000000"}) ==
        "--population: '2000000000' is not a whole number in [4, 1000000]");
  CHECK(parse_error("ofa-measure", {"bn", "--arch", "a", "--out", "o", "--tensors", "t", "--calib-images", "i"}) ==
        "ofa-measure bn: --tensors and --calib-images cannot be given together");
  // Defect: --decode-threads used to answer about --threads.
  CHECK_THAT(parse_error("ofa-measure", {"accuracy", "--measured", "m", "--val-images", "v", "--out", "o", "--decode-threads", "-2"}),
             ofa::test::starts_with("--decode-threads: '-2'"));
  CHECK(parse("ofa-measure", {"accuracy", "--measured", "m", "--val-images", "v", "--out", "o", "--decode-threads", "0"}).help.empty());
}

TEST_CASE("the run command's --policy is a choice, one line naming the value", "[policy][dynamic-ofa][cli]") {
  const std::vector<std::string> base = {"run", "--library", "l.yaml", "--duration", "10", "--latency-target", "20"};
  auto parse_policy = [&](std::string value) {
    std::vector<std::string> a = base;
    a.insert(a.end(), {"--policy", value});
    return parse("ofa-runtime", a);
  };
  CHECK_NOTHROW(parse_policy("dynamic-ofa"));
  CHECK_NOTHROW(parse_policy("ofa-toolchain"));
  CHECK(parse_error("ofa-runtime", {"run", "--library", "l.yaml", "--duration", "10", "--latency-target", "20", "--policy", "fast"}) ==
        "--policy: 'fast' is not one of ofa-toolchain, dynamic-ofa");
}
#endif

TEST_CASE("Bad values of ofa-search's flags are one line naming the flag and the value", "[cli]") {
  // The parser's checks, on the table every build has (the sanitizer lane runs these).
  const std::vector<std::string> base = {"train-predictor", "--data", "d.yaml", "--out", "p.pt"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return parse_error("ofa-search", a);
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--workers", "-1"}, "--workers: '-1' is not a whole number in [0, 1024]"},
      {{"--workers", "2x"}, "--workers: '2x' is not a whole number"},
      {{"--threads", "2"}, "ofa-search train-predictor: unknown option --threads"},
      {{"--seed", "-1"}, "--seed: '-1' is not a whole number in [0, 18446744073709551615]"},
      {{"--seed", "99999999999999999999999"}, "--seed: '99999999999999999999999' is not a whole number"},
      {{"--space", "big"}, "--space: 'big' is not one of ofa-mbv3-w1.2, ofa-mbv3-w1.0, compofa-mbv3-w1.2"},
      // Issue #29: a value with a newline was cut at it; it is quoted whole, on one line.
      {{"--space", "big\nspace: x"}, "--space: 'big\\nspace: x' is not one of ofa-mbv3-w1.2"},
      {{"--lr", "0"}, "--lr: '0' is not a finite number in (0, 1000000000]"},
      {{"--lr", "nan"}, "--lr: 'nan' is not a finite number"},
      {{"--epochs"}, "--epochs needs a value (N)"},
      {{"--quiet=yes"}, "--quiet takes no value (given 'yes')"},
      {{"--levels", "3"}, "ofa-search train-predictor: unknown option --levels"},
      {{"--seed", "1", "--seed", "2"}, "ofa-search train-predictor: --seed given twice"},
      {{"--out", "q.pt"}, "ofa-search train-predictor: --out given twice"},
  };
  for (const auto& [extra, expect] : cases) {
    INFO(expect);
    const std::string e = with(extra);
    CHECK_THAT(e, ofa::test::starts_with(expect));
    CHECK(e.find('\n') == std::string::npos);
  }
  CHECK(parse_error("ofa-search", {"train-predictor", "--data", "d.yaml"}) == "ofa-search train-predictor: --out is required (see --help)");
  CHECK_THAT(parse_error("ofa-search", {"predikt"}), ofa::test::starts_with("unknown command"));
}

TEST_CASE("The tools answer through the shared driver: help, usage errors, and stdout that cannot be written", "[cli]") {
  const std::string search = ofa::test::tool("ofa-search");
  const auto bare = ofa::test::shell(search);
  CHECK(bare.status == 2);
  CHECK_THAT(bare.output, ofa::test::contains("Commands:") && ofa::test::contains("predict") && ofa::test::contains("--profile"));
  const auto bad = ofa::test::shell(search + " --profile p.yaml --out o --workers -1");
  CHECK(bad.status == 2);
  CHECK(bad.output == "ofa-search: error: --workers: '-1' is not a whole number in [0, 1024]\n");
  const auto unknown = ofa::test::shell(search + " predikt --profile p.yaml");
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.output, ofa::test::starts_with("ofa-search: error: unknown command 'predikt' (commands: predict, pareto"));
  // Results that never reach stdout are a failure (it used to exit 0).
  const std::string predict = search + " predict --profile " + (ofa::test::source_dir() / "configs/jetson-xavier-nx-gpu.yaml").string() +
                              " --archs " + (ofa::test::source_dir() / "configs/examples/dynamic-ofa-levels.yaml").string();
  REQUIRE(ofa::test::shell(predict + " > /dev/null").status == 0);
  const auto full = ofa::test::shell("(" + predict + " > /dev/full)");
  CHECK(full.status == 2);
  CHECK(full.output == "ofa-search: error: could not write to standard output\n");
}

TEST_CASE("a command's bare argument is its positional option, once, and others are refused", "[cli]") {
  const std::string pickle = "levels.pickle";
  const std::vector<std::string> args{"import-dynamic-ofa", pickle, "--out", "lib.yaml"};
  const auto r = ofa::test::parse_tool("ofa-search", args);
  CHECK(r.args.value("--pickle") == pickle);
  CHECK_THROWS_WITH(ofa::test::parse_tool("ofa-search", std::vector<std::string>{"import-dynamic-ofa", "a.pickle", "b.pickle", "--out", "l.yaml"}),
                    ofa::test::contains("unexpected argument 'b.pickle'"));
  CHECK_THROWS_WITH(ofa::test::parse_tool("ofa-search", std::vector<std::string>{"import-dynamic-ofa", "a.pickle", "--pickle", "b.pickle", "--out", "l.yaml"}),
                    ofa::test::contains("--pickle given twice"));
  CHECK_THROWS_WITH(ofa::test::parse_tool("ofa-search", std::vector<std::string>{"pareto", "m.yaml"}),
                    ofa::test::contains("unexpected argument 'm.yaml'"));
}

TEST_CASE("scripts/predictor-loop: --help is its help, and bad counts are refused before anything runs", "[cli][errors]") {
  // Issue #29: --help exited 2 printing a line of the script's source; --front 0 ran a search first.
  const std::string script = (ofa::test::source_dir() / "scripts/predictor-loop").string();
  const auto help = ofa::test::shell(script + " --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.output, ofa::test::starts_with("The predictor loop for one profile"));
  CHECK(help.output.find("set -euo") == std::string::npos);
  ofa::test::TempDir dir("predictor-loop");
  for (const std::string bad : {"--front 0", "--rounds -1", "--front 2x"}) {
    INFO(bad);
    const auto r = ofa::test::shell(script + " p.yaml " + (dir / "out").string() + " --weights w.pt --val-images v --calib-images c " + bad);
    CHECK(r.status == 2);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_THAT(r.output, ofa::test::contains("is not a whole number in [1, 100000]"));
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
  }
}

TEST_CASE("after Ctrl-C a command says what it leaves: its own note where the tool's would be wrong", "[cli]") {
  // Issue #29: latency-model said ofa-measure's "completed results are kept, --resume continues"
  // (true of latency, lut and accuracy); it keeps nothing and has no --resume. The command's own
  // note wins. The command here stands in for one stopped by Ctrl-C (the flag set, then its error).
  struct Options {
    std::filesystem::path out;
  };
  const Tool tool{"ofa-measure", "about", "completed results are kept, --resume continues",
                  {make_command<Options>({"ofa-measure", "latency-model", "summary"}, {bind(CommandOption{"--out", Need::Required}, &Options::out)},
                                         [](Options&, const ofa::common::Reporter&) -> std::string {
                                           std::raise(SIGINT);  // caught: sets the interrupt flag, as a user's Ctrl-C does
                                           throw ofa::common::Error("interrupted");
                                         },
                                         CommandTraits{true, "nothing was written (no --resume)"})}};
  std::vector<std::string> args = {"ofa-measure", "latency-model", "--out", "model"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  // stderr into a file for the length of the call.
  ofa::test::TempDir dir("interrupted-note");
  const std::string log = (dir / "stderr.txt").string();
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  const int status = ofa::cli::tool_main(tool, static_cast<int>(argv.size()), argv.data());
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(fd);
  ::close(saved);
  CHECK(status == 130);
  const std::string said = ofa::common::read_file(log);
  CHECK_THAT(said, ofa::test::contains("ofa-measure: interrupted; nothing was written (no --resume)"));
  CHECK(said.find("--resume continues") == std::string::npos);
}

TEST_CASE("a renamed flag's old spelling is read for one release where a script used it, and --help says so", "[cli]") {
  // Issue #28: --batch-size meant three things; train-predictor's is --train-batch now, and
  // scripts/predictor-loop passed --batch-size.
  const ParseResult r = parse("ofa-search", {"train-predictor", "--data", "d.yaml", "--out", "p.pt", "--batch-size", "16"});
  CHECK(r.args.value("--train-batch") == "16");
  CHECK(parse_error("ofa-search", {"train-predictor", "--data", "d.yaml", "--out", "p.pt", "--batch-size", "16", "--train-batch", "8"}) ==
        "ofa-search train-predictor: --train-batch given twice");
  const std::string help = parse("ofa-search", {"train-predictor", "--help"}).help;
  CHECK_THAT(help, ofa::test::contains("--batch-size (its old spelling) is read until the next release"));
  // Elsewhere the old name means nothing.
  CHECK_THAT(parse_error("ofa-search", {"pareto", "--measured", "m.yaml", "--out", "l.yaml", "--batch-size", "2"}),
             ofa::test::contains("unknown option --batch-size"));
}

TEST_CASE("a flag name means one thing: no command gives a shared flag a meaning of its own", "[cli]") {
  // Issue #28: --threads meant search workers, predictor threads, LibTorch threads or decoding
  // threads; --format two formats; --images, --count and --batch-size two concepts each.
  for (const Tool* tool : built_tools())
    for (const Command& command : tool->commands)
      for (const CommandOption& o : command.spec.options) {
        INFO(command.spec.tool << " " << command.spec.name << " " << o.name);
        for (std::string_view gone : {"--images", "--count", "--batch-size", "--into"}) CHECK(o.name != gone);
        if (o.name == "--threads") CHECK((tool->name != "ofa-search" && command.spec.name != "bn" && command.spec.name != "preprocess"));
      }
}

TEST_CASE("Ctrl-C never cuts a command's write in half: one that does not poll finishes, then exits 130", "[cli][outputs]") {
  // Issue #29: Ctrl-C during import-dynamic-ofa left lib_bn/level_N.pt.tmp.* files (3 to 90 of
  // them, up to 14 MB). Every command now runs with the flag; one that does not poll it writes
  // its outputs whole and says so. The command here stands in for import: Ctrl-C arrives
  // between staging its files and committing them.
  ofa::test::TempDir dir("interrupted-write");
  struct Options {
    std::filesystem::path out;
  };
  const Tool tool{"ofa-search", "about", "no output written",
                  {make_command<Options>({"ofa-search", "import-dynamic-ofa", "summary"}, {bind(CommandOption{"--out", Need::Required}, &Options::out)},
                                         [](Options& o, const ofa::common::Reporter&) -> std::string {
                                           ofa::common::OutputSet outputs;
                                           outputs.add(o.out.parent_path() / "lib_bn/level_0.pt", std::string(1 << 20, 'x'));
                                           std::raise(SIGINT);  // caught: sets the flag, as a user's Ctrl-C does
                                           outputs.add(o.out, "levels: []\n");
                                           outputs.commit();
                                           return "imported";
                                         })}};
  const std::string out = (dir / "lib.yaml").string();
  std::vector<std::string> args = {"ofa-search", "import-dynamic-ofa", "--out", out};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  const std::string log = (dir / "stderr.txt").string();
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  const int status = ofa::cli::tool_main(tool, static_cast<int>(argv.size()), argv.data());
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(fd);
  ::close(saved);
  CHECK(status == 130);
  CHECK_THAT(ofa::common::read_file(log), ofa::test::contains("ofa-search: interrupted; it ran to its end first: its outputs are whole"));
  CHECK(ofa::common::read_file(out) == "levels: []\n");
  CHECK(std::filesystem::file_size(dir / "lib_bn/level_0.pt") == (1u << 20));
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path()))
    CHECK(e.path().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("a program whose one job needs nothing runs bare, and a tool that needs a command or a flag shows its help", "[cli]") {
  struct Options {
    int count = 3;
  };
  const Tool bench = single_command_tool<Options>("bench-x", "bench-x: a benchmark\n  bench-x", {bind(CommandOption{"--repeats"}, &Options::count)},
                                                  [](Options&, const ofa::common::Reporter&) { return std::string(); });
  const ParseResult bare = parse_command_line(bench, std::vector<std::string>{});
  CHECK_FALSE(bare.tool_help);
  CHECK(bare.args.command().name.empty());
  CHECK(parse_command_line(tool_named("ofa-search"), std::vector<std::string>{}).tool_help);  // --profile is required
  // A default shown as people write it: 0.0001, not 1e-04.
  CHECK(shown(0.0001) == "0.0001");
  CHECK(shown(0.5) == "0.5");
  CHECK(shown(std::optional<double>()) == "");
}
