#include "runtime/commands/latency_command.hpp"
#include "runtime/commands/int8_row.hpp"

#include "ofa/runtime/measure/interleaved_rounds.hpp"
#include "ofa/runtime/measure/network_rounds.hpp"
#include "ofa/runtime/measure/fastest_engine.hpp"
#include "ofa/search/candidate_selection.hpp"
#include "ofa/runtime/measure/device_options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/setting_difference.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/search/library_builder.hpp"
#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/common/precision.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"
#include <map>

namespace ofa::runtime {

using namespace ofa::common;

namespace {

// Whether `engine` (a file's engine name) can time networks here with these options.
bool engine_runs_here(const std::string& engine, DeviceOptions options) {
  options.engine = engine;
  try {
    engine_choice(options);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// The first setting in which a resumed file differs from this run, as "key: file's vs now's";
// "" when they agree.
std::string differing_setting(const common::MeasuredFile& a, const common::MeasuredFile& b) {
  return first_difference({setting_difference("candidates", a.candidates, b.candidates), setting_difference("device", a.device, b.device),
                           setting_difference("engine", a.engine, b.engine), setting_difference("threads", a.threads, b.threads),
                           setting_difference("batch", a.batch, b.batch), setting_difference("warmup", a.warmup, b.warmup),
                           setting_difference("repeats", a.repeats, b.repeats), setting_difference("weights", a.weights, b.weights),
                           setting_difference("allow_tf32", a.allow_tf32, b.allow_tf32), setting_difference("rounds", a.rounds, b.rounds)});
}

void check_latency_options(const MeasureLatencyOptions& o) {
  check_device_options(o.device);
  if (o.rounds < 1) throw Error("--rounds " + std::to_string(o.rounds) + " must be >= 1");
  if (o.chunk < 1) throw Error("--chunk " + std::to_string(o.chunk) + " must be >= 1");
  if (o.batch < 1) throw Error("--batch " + std::to_string(o.batch) + " must be >= 1");
  search::check_selection(o.selection);
  const std::vector<std::string> precisions = parse_precision_list(o.precision, "--precision");
  check_range_method(o.range_method);
  if (std::find(precisions.begin(), precisions.end(), kInt8) == precisions.end()) {
    if (o.calib_images) throw Error("--calib-images: only int8 rows are calibrated (--precision fp32,int8 or int8)");
    return;
  }
  if (!onnxruntime_available()) throw Error("--precision " + o.precision + ": int8 runs on ONNX Runtime, which this build lacks (Debian 13's libonnxruntime-dev)");
  if (!onnx_export_available()) throw Error("--precision " + o.precision + ": int8 models are ONNX QDQ and this build has no ONNX (libonnx-dev)");
  if (!o.calib_images) throw Error("--precision " + o.precision + ": int8 models are calibrated on images: give --calib-images DIR");
  if (o.calib_count < 1 || o.calib_batch < 1)
    throw Error("--calib-count and --calib-batch must be >= 1 (got " + std::to_string(o.calib_count) + ", " + std::to_string(o.calib_batch) + ")");
}

// The candidates selected, spread over the predicted latency (or MACs) range.
std::vector<common::CandidateRow> selected_candidates(const MeasureLatencyOptions& o, const common::CandidatesFile& cands) {
  std::vector<common::CandidateRow> selected;
  for (std::size_t i : search::select_candidates(cands.candidates, o.selection, [&](std::size_t k) {
         const common::CandidateRow& c = cands.candidates[k];
         return c.latency_ms ? *c.latency_ms : c.macs_m;
       }))
    selected.push_back(cands.candidates[i]);
  if (selected.empty()) throw Error(o.candidates.string() + ": no candidates to measure" + (o.selection.only_front ? " on the front" : ""));
  return selected;
}

// An int8 row kept by --resume must have been calibrated as this run calibrates.
void check_resumed_calibration(const MeasureLatencyOptions& o, const CalibrationImages& calib, const std::filesystem::path& file) {
  const common::Int8Setup s = read_int8_calibration(file).setup;
  const std::string images = o.calib_images ? o.calib_images->string() : "";
  const std::string d = first_difference({setting_difference("calib_images", s.calib_images, images),
                                          setting_difference("calib_count", s.calib_count, static_cast<int>(calib.image_count())),
                                          setting_difference("calib_method", s.method, o.range_method.name),
                                          setting_difference("seed", s.seed, o.seed)});
  const bool percentile = s.method == "percentile" && s.percentile != o.range_method.percentile;
  if (!d.empty() || percentile)
    throw Error(o.out.string() + ": its int8 rows were calibrated with other settings (" + (d.empty() ? "calib_percentile" : d) +
                ", " + file.filename().string() + "); use the same flags or another --out");
}

// --resume: the rows --out already holds for the selected candidates, measured with the same
// settings, are kept (with the file's noise estimate); a file measured otherwise is refused,
// naming what continues it.
void keep_resumed_rows(const MeasureLatencyOptions& o, const std::vector<common::CandidateRow>& selected, const std::optional<CalibrationImages>& calib,
                       common::MeasuredFile& out) {
  std::error_code ec;
  if (!o.resume || !std::filesystem::exists(o.out, ec)) return;
  const common::MeasuredFile previous = common::read_measured(o.out);
  if (const std::string d = differing_setting(previous, out); !d.empty())
    // The engine default changed (auto): name the flag that continues a file begun before.
    throw Error(o.out.string() + ": was measured with other settings (" + d + "); " +
                (previous.engine == out.engine ? std::string("use the same flags")
                 : previous.engine == "auto"   ? std::string("its engines were chosen among more than this build and device have: continue it there")
                 : engine_runs_here(previous.engine, o.device) ? "give --engine " + previous.engine + " to continue it"
                                                               : "its engine, " + previous.engine + ", does not run in this build or on this device: continue it there") +
                " or another --out");
  out.noise = previous.noise;  // kept unless rows are measured now
  for (const auto& row : previous.rows) {
    const bool wanted = std::any_of(selected.begin(), selected.end(), [&row](const auto& c) { return c.id == row.candidate.id && c.arch == row.candidate.arch; });
    // An int8 row whose calibration file is gone is timed again; one calibrated otherwise is
    // another setting. Rows at a precision not asked for now are kept as they are.
    const bool file = row.precision.int8.empty() || std::filesystem::exists(o.out.parent_path() / row.precision.int8, ec);
    if (calib && file && !row.precision.int8.empty()) check_resumed_calibration(o, *calib, o.out.parent_path() / row.precision.int8);
    if (wanted && file) out.rows.push_back(row);
  }
}

CalibrationImagesOptions calibration_options(const MeasureLatencyOptions& o) {
  return {*o.calib_images, class_list_path(o.classes, o.data_dir), o.calib_count, o.calib_batch, o.seed, decode_threads(0), false};
}

// Interleaved rounds (interleaved_rounds.hpp) over chunks of the pending candidates: each
// chunk's networks are built together and timed round by round in a shuffled order, so a slow
// spell of the machine slows them alike; the file is rewritten after each chunk. With auto,
// each candidate is built on every contender and all are timed in the same rounds (item i is
// candidate i / E on engine i % E); the row keeps the fastest and names it.
void measure_pending(const MeasureLatencyOptions& o, const SearchSpace& space, const std::optional<Supernet>& supernet,
                     const std::vector<common::CandidateRow>& pending, const std::string& precision, const std::optional<CalibrationImages>& calib,
                     const torch::Device& device, common::MeasuredFile& out, std::vector<std::vector<double>>& all_rounds,
                     const common::Reporter& reporter) {
  const RoundsOptions rounds = spread_repeats(o.rounds, o.device.repeats, o.device.warmup, o.seed, reporter.cancel());
  if (rounds.rounds < o.rounds)
    reporter.say("measure: --repeats " + std::to_string(o.device.repeats) + " is fewer than --rounds " + std::to_string(o.rounds) + ": measuring " +
                 std::to_string(rounds.rounds) + " rounds of one call each");
  const bool int8 = precision == kInt8;
  const std::vector<EngineKind> engines = int8 ? std::vector<EngineKind>{EngineKind::OnnxRuntime} : engine_choice(o.device).engines();
  std::map<int, std::string> int8_files;  // candidate id -> its calibration file
  const OrtProvider provider = parse_ort_provider(o.device.ort_provider);
  const std::size_t e = engines.size();
  auto build = [&](std::size_t i) {
    const common::CandidateRow& c = pending[i / e];
    Subnet net = supernet ? Subnet::from_supernet(space, c.arch, *supernet) : Subnet::random(space, c.arch, static_cast<std::uint64_t>(c.id));
    const torch::Tensor input = torch::randn({o.batch, 3, c.arch.r, c.arch.r}).to(device);
    if (int8) {
      Int8Row row = calibrate_int8_row(net, c.id, *calib, {calibration_options(o), o.range_method}, o.out, device, provider, reporter.cancel());
      int8_files[c.id] = row.file;
      return TimedNetwork{std::move(row.engine), input};
    }
    net.to(device);
    return TimedNetwork{Engine(net, engines[i % e], nullptr, provider), input};
  };
  std::vector<EngineTiming> chosen;  // every candidate measured now, for the summary
  auto store = [&](std::size_t first, const RoundsResult& result) {
    const std::vector<EngineTiming> timings = keep_fastest(result, engines);
    for (std::size_t k = 0; k < timings.size(); ++k) {
      common::MeasuredRow row;
      row.candidate = pending[first / e + k];
      row.measured = timings[k].stats;
      // A file whose engine is auto names each row's; an int8 row's is ONNX Runtime's.
      if (e > 1 || (int8 && out.engine == kAutoEngine)) row.engine = engine_name(timings[k].engine);
      if (int8) row.precision = {std::string(kInt8), int8_files.at(row.candidate.id)};
      out.rows.push_back(row);
      all_rounds.push_back(timings[k].round_medians);
      chosen.push_back(timings[k]);
    }
    write_file_atomic(o.out, common::format_measured_yaml(out));
  };
  auto progress = [&](std::size_t first, std::size_t n, int r) {
    first /= e, n /= e;
    reporter.progress(int8 ? "measure int8" : "measure", (static_cast<double>(first) + static_cast<double>(n) * (r + 1) / rounds.rounds) / static_cast<double>(pending.size()),
                      "candidates " + std::to_string(first + 1) + "-" + std::to_string(first + n) + ", round " + std::to_string(r + 1));
  };
  time_in_chunks(pending.size() * e, static_cast<std::size_t>(std::max(1, o.chunk)) * e, build, device, rounds, store, progress);
  if (e > 1 && !chosen.empty()) reporter.say("measure: " + describe_engine_choices(chosen, engines));
}

}  // namespace

common::MeasuredFile run_measure_latency(const MeasureLatencyOptions& o, const common::Reporter& reporter) {
  check_latency_options(o);
  const common::CandidatesFile cands = common::read_candidates(o.candidates);
  const SearchSpace space = search_space(cands.space, cands.elastic_kernel);
  const torch::Device device = parse_device(o.device.device);
  const std::vector<std::string> precisions = parse_precision_list(o.precision, "--precision");
  if (std::find(precisions.begin(), precisions.end(), kInt8) != precisions.end()) {
    try {
      check_engine_device(EngineKind::OnnxRuntime, device, parse_ort_provider(o.device.ort_provider));
    } catch (const Error& e) {
      throw Error(std::string("--precision int8 runs on ONNX Runtime: ") + e.what());
    }
  }
  if (!o.pin_cpus.empty()) pin_to_cpus(o.pin_cpus);
  const int threads = apply_threads(o.device.threads);
  apply_tf32(o.device.allow_tf32);
  const std::vector<common::CandidateRow> selected = selected_candidates(o, cands);
  std::optional<Supernet> supernet;
  if (o.weights) supernet = Supernet::load(*o.weights, space);

  common::MeasuredFile out;
  out.candidates = o.candidates.string();
  out.lut_calibration = cands.lut_calibration;
  out.profile_name = cands.profile_name;
  out.space = cands.space;
  out.elastic_kernel = cands.elastic_kernel;
  record_setup_here(out, device.str(), o.device, threads, o.batch);
  out.warmup = o.device.warmup;
  out.repeats = o.device.repeats;
  out.rounds = spread_repeats(o.rounds, o.device.repeats, 0, 0, {}).rounds;
  out.weights = o.weights ? o.weights->string() : "random";
  // The calibration folder is read before any row is timed: a bad one costs nothing.
  std::optional<CalibrationImages> calib;
  if (std::find(precisions.begin(), precisions.end(), kInt8) != precisions.end()) calib.emplace(calibration_options(o));
  keep_resumed_rows(o, selected, calib, out);

  std::vector<std::vector<double>> all_rounds;  // every row measured now, for the noise estimate
  for (const std::string& precision : precisions) {
    std::vector<common::CandidateRow> pending;
    for (const auto& c : selected)
      if (std::none_of(out.rows.begin(), out.rows.end(), [&](const common::MeasuredRow& r) { return r.candidate.id == c.id && r.precision.precision == precision; }))
        pending.push_back(c);
    if (!pending.empty()) measure_pending(o, space, supernet, pending, precision, calib, device, out, all_rounds, reporter);
  }
  if (const auto noise = half_split_noise(all_rounds)) out.noise = common::MeasurementNoise{noise->spearman, noise->mape, static_cast<int>(noise->items)};
  // Keep the file in the candidates' order (fp32 before int8) whatever order a resumed run filled it in.
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const common::MeasuredRow& a, const common::MeasuredRow& b) {
    return std::pair(a.candidate.id, a.precision.precision) < std::pair(b.candidate.id, b.precision.precision);
  });
  write_file_atomic(o.out, common::format_measured_yaml(out));
  return out;
}

}  // namespace ofa::runtime
