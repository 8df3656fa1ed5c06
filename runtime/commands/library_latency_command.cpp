#include "runtime/commands/library_latency_command.hpp"

#include <cstdio>
#include <limits>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/search_space.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/measure/fastest_engine.hpp"
#include "ofa/runtime/measure/device_options.hpp"

#include "ofa/runtime/measure/network_rounds.hpp"

namespace ofa::runtime {

using common::Error;
namespace fs = std::filesystem;

std::vector<std::size_t> levels_still_on_front(const std::vector<common::Level>& levels) {
  // From the most accurate down: a level stays when it is strictly faster than every level
  // above it (all of which are more accurate).
  std::vector<std::size_t> kept;
  double fastest_above = std::numeric_limits<double>::infinity();
  for (std::size_t i = levels.size(); i-- > 0;) {
    if (levels[i].latency_median_ms < fastest_above) {
      kept.insert(kept.begin(), i);
      fastest_above = levels[i].latency_median_ms;
    }
  }
  return kept;
}

namespace {

// Every level built as the runtime builds it (its supernet, its BN file) on each engine asked
// for, all timed in one chunk, round by round, as the runtime will switch between them. auto:
// every level on every contender in the same rounds (item i is level i / E on engine i % E);
// each level keeps the fastest and names it.
std::vector<EngineTiming> time_levels(const RetimeLibraryOptions& ro, const common::LibraryFile& in, const std::vector<EngineKind>& engines,
                                      const torch::Device& device, const common::Reporter& reporter) {
  const MeasureLatencyOptions& o = ro.measure;
  const OrtProvider provider = parse_ort_provider(o.device.ort_provider);
  const std::size_t e = engines.size();
  Supernet supernet = library_supernet(in, ro.library, o.weights, o.seed);
  supernet.to(device);
  WeightSlicer slicer(WeightSlicer::Mode::Copy);
  auto build = [&](std::size_t item) {
    const std::size_t i = item / e;
    const EngineKind kind = engines[item % e];
    Subnet net = level_subnet(in, i, ro.library.parent_path(), supernet, slicer);
    const int r = in.levels[i].arch.r;
    try {
      // An int8 level is timed as it is served: its QDQ model on ONNX Runtime (every contender's slot).
      if (in.levels[i].precision.precision == common::kInt8)
        return TimedNetwork{int8_level_engine(in, i, ro.library.parent_path(), net, std::nullopt, device, provider), torch::randn({o.batch, 3, r, r}).to(device)};
      return TimedNetwork{Engine(net, kind, nullptr, provider), torch::randn({o.batch, 3, r, r}).to(device)};
    } catch (const std::exception& e) {
      throw Error("level " + std::to_string(i) + " (" + common::to_string(in.levels[i].arch) + "): the " + engine_name(kind) +
                  " engine cannot build it: " + e.what());
    }
  };
  const RoundsOptions rounds = spread_repeats(o.rounds, o.device.repeats, o.device.warmup, o.seed, reporter.cancel());
  if (rounds.rounds < o.rounds)
    reporter.say("measure: --repeats " + std::to_string(o.device.repeats) + " is fewer than --rounds " + std::to_string(o.rounds) + ": measuring " +
                 std::to_string(rounds.rounds) + " rounds of one call each");
  std::vector<EngineTiming> timings;
  time_in_chunks(in.levels.size() * e, in.levels.size() * e, build, device, rounds,
                 [&](std::size_t, const RoundsResult& result) { timings = keep_fastest(result, engines); },
                 [&](std::size_t, std::size_t, int r) {
                   reporter.progress("measure", static_cast<double>(r + 1) / rounds.rounds, "levels, round " + std::to_string(r + 1));
                 });
  return timings;
}

// The levels still on the front here; the others named in `dropped` (", level i (ms, accuracy)").
std::vector<common::Level> keep_front(const std::vector<common::Level>& all, std::string& dropped) {
  const std::vector<std::size_t> kept = levels_still_on_front(all);
  std::vector<common::Level> levels;
  for (std::size_t i = 0, k = 0; i < all.size(); ++i) {
    if (k < kept.size() && kept[k] == i) {
      levels.push_back(all[i]);
      ++k;
      continue;
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s level %zu (%.3f ms, accuracy %.4f)", dropped.empty() ? "" : ",", i, all[i].latency_median_ms, all[i].accuracy);
    dropped += buf;
  }
  return levels;
}

std::string retime_summary(const RetimeLibraryOptions& ro, const common::LibraryFile& out, int threads, const std::vector<EngineTiming>& timings,
                           const std::vector<EngineKind>& engines, const std::string& dropped) {
  std::string summary = "measure: " + std::to_string(timings.size()) + " levels of " + ro.library.string() + " timed on " + out.device + " (" +
                        out.engine + ", " + std::to_string(threads) + " threads):";
  for (const EngineTiming& t : timings) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " %.3f", t.stats.median_ms);
    summary += buf;
  }
  summary += " ms; written to " + ro.measure.out.string();
  if (engines.size() > 1) summary += "\nmeasure: " + describe_engine_choices(timings, engines);
  if (!dropped.empty()) summary += "\nmeasure: dropped, not faster here than a more accurate level:" + dropped;
  return summary;
}

}  // namespace

std::string run_retime_library(const RetimeLibraryOptions& ro, const common::Reporter& reporter) {
  const MeasureLatencyOptions& o = ro.measure;
  check_device_options(o.device);
  if (o.rounds < 1) throw Error("--rounds " + std::to_string(o.rounds) + " must be >= 1");
  if (o.batch < 1) throw Error("--batch " + std::to_string(o.batch) + " must be >= 1");
  const common::LibraryFile in = common::read_library(ro.library);
  if (in.levels.empty()) throw Error(ro.library.string() + ": no levels");
  // The driver checked --out against the flags; the library's weights and BN files are inputs too.
  common::check_output_spares_inputs("--out", o.out, common::library_inputs(in, ro.library, o.weights));
  const torch::Device device = parse_device(o.device.device);
  if (!o.pin_cpus.empty()) pin_to_cpus(o.pin_cpus);
  const int threads = apply_threads(o.device.threads);
  apply_tf32(o.device.allow_tf32);
  const std::vector<EngineKind> engines = engine_choice(o.device).engines();
  const std::vector<EngineTiming> timings = time_levels(ro, in, engines, device, reporter);

  common::LibraryFile out = in;
  out.format_version = 2;
  out.latency_device.clear();
  out.imported_from.clear();
  out.measured = ro.library.string();
  record_setup_here(out, device.str(), o.device, threads, o.batch);
  if (o.weights) out.weights = common::weights_for_library(o.weights->string(), o.out);
  else if (in.weights != "random") out.weights = common::weights_for_library(common::weights_path(in, ro.library).string(), o.out);
  for (std::size_t i = 0; i < out.levels.size(); ++i) {
    common::Level& l = out.levels[i];
    l.latency_median_ms = timings[i].stats.median_ms;
    l.latency_p90_ms = timings[i].stats.p90_ms;
    const bool int8 = l.precision.precision == common::kInt8;
    l.engine = engines.size() > 1 ? (int8 ? "onnxruntime" : engine_name(timings[i].engine)) : "";
    if (!l.bn.empty()) l.bn = common::rebase_relative(l.bn, ro.library.parent_path(), o.out.parent_path());
    if (int8) l.precision.int8 = common::rebase_relative(l.precision.int8, ro.library.parent_path(), o.out.parent_path());
  }
  std::string dropped;
  out.levels = keep_front(out.levels, dropped);
  common::check_levels(out.levels, o.out.string());
  common::write_file_atomic(o.out, common::format_library_yaml(out));
  return retime_summary(ro, out, threads, timings, engines, dropped);
}

std::string run_latency(const RetimeLibraryOptions& options, const common::Reporter& reporter) {
  const bool candidates = !options.measure.candidates.empty(), library = !options.library.empty();
  if (candidates == library)
    throw common::Error(candidates ? "--candidates and --library cannot be given together"
                                   : "give --candidates FILE (a search's candidates) or --library FILE (a library to re-time)");
  if (library) return run_retime_library(options, reporter);
  const common::MeasuredFile result = run_measure_latency(options.measure, reporter);
  return "measure: " + std::to_string(result.rows.size()) + " rows in " + options.measure.out.string();
}

}  // namespace ofa::runtime
