#include "runtime/commands/run_command.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>

#include <torch/cuda.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/adaptive/bundle.hpp"
#include "ofa/runtime/adaptive/library_levels.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/adaptive/contention.hpp"
#include "ofa/runtime/measure/device_options.hpp"

#include "ofa/runtime/adaptive/trace_plot.hpp"
#include "ofa/common/library_inputs.hpp"

namespace ofa::runtime {

using namespace ofa::common;

namespace {

// The competing workload on a GPU: large matrix products on the same device.
Contention::Work cuda_work(const torch::Device& device) {
  return [device](const std::atomic<bool>& stop) {
    torch::NoGradGuard no_grad;
    const torch::Tensor a = torch::randn({2048, 2048}, torch::TensorOptions().device(device));
    torch::Tensor b = a.clone();
    while (!stop.load(std::memory_order_relaxed)) {
      b = torch::mm(a, b).tanh_();
      torch::cuda::synchronize();
    }
  };
}

// The library's engines checked (or the one --engine names) and the notes a user needs about
// them: an imported library's levels, levels measured on another engine, eager levels.
std::optional<EngineKind> serving_engines(const RunOptions& o, const common::LibraryFile& lib, const torch::Device& device,
                                          OrtProvider provider, const common::Reporter& reporter) {
  const std::optional<EngineKind> engine = o.device.engine.empty() ? std::nullopt : std::optional<EngineKind>(parse_engine(o.device.engine));
  if (engine) {
    check_engine_device(*engine, device, provider);
    if (*engine == EngineKind::OnnxRuntime) check_ort_provider(provider);
  }
  if (!lib.latency_device.empty()) {
    reporter.say("run: note: the library's latencies were measured on " + lib.latency_device + " (imported from " + lib.imported_from +
                 "), not here; the policy scales them by the slowdown it measures");
    // Its engine is how the other toolchain ran (Dynamic-OFA: eager PyTorch); here the levels
    // run on the first engine right on this machine (eager, the reference, when none is).
    if (engine) return engine;
    const std::vector<EngineKind> right = auto_engines(device, provider);
    return right.empty() ? EngineKind::Eager : right.front();
  }
  if (!engine) {
    // Refused before anything is built: an engine this build lacks or that cannot run here.
    bool eager = false;
    for (std::size_t i = 0; i < lib.levels.size(); ++i) {
      if (lib.levels[i].precision.precision == common::kInt8) continue;  // ONNX Runtime's, checked when built
      std::string note;
      const EngineKind kind = serving_engine(lib, i, device, provider, &note, o.library.string());
      if (!note.empty()) reporter.say("run: note: " + note);
      check_engine_device(kind, device, provider);
      if (kind == EngineKind::OnnxRuntime) check_ort_provider(provider);
      eager = eager || kind == EngineKind::Eager;
    }
    // Libraries written before the engine key read as eager: say so, it is 1.1x-10x slower.
    if (eager) reporter.say("run: note: levels measured on the eager engine run on it, as measured; --engine optimized runs them faster");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < lib.levels.size(); ++i)
    if (lib.levels[i].precision.precision == common::kInt8 && *engine != EngineKind::OnnxRuntime)
      throw Error("--engine " + std::string(engine_name(*engine)) + ": level " + std::to_string(i) +
                  " is int8, which runs on onnxruntime only (--precision fp32 --convert-precision runs its fp32 network)");
  std::size_t other = 0, first = lib.levels.size();
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    const std::string measured_on = lib.levels[i].engine.empty() ? lib.engine : lib.levels[i].engine;
    if (measured_on == engine_name(*engine) || lib.levels[i].precision.precision == common::kInt8) continue;
    ++other;
    first = std::min(first, i);
  }
  if (other > 0) {
    const common::Level& l = lib.levels[first];
    reporter.say("run: note: " + std::to_string(other) + " of " + std::to_string(lib.levels.size()) + " levels were measured on another engine (level " +
                 std::to_string(first) + ": " + (l.engine.empty() ? lib.engine : l.engine) + ") and run on the " + engine_name(*engine) +
                 " one (--engine); their latencies are only relative here");
  }
  return engine;
}

// --contention, its threads capped at what this machine can schedule usefully (said in a note).
std::optional<ContentionSpec> contention_spec(const RunOptions& o, const common::Reporter& reporter) {
  if (!o.contention) return std::nullopt;
  ContentionSpec spec = parse_contention(*o.contention);
  if (const int cap = contention_thread_cap(std::thread::hardware_concurrency()); spec.threads > cap) {
    reporter.say("run: note: --contention threads=" + std::to_string(spec.threads) + " capped at " + std::to_string(cap) +
                 " (four per core here): more only starve the run");
    spec.threads = cap;
  }
  return spec;
}

// --engine for a bundle's levels: every level on it (build_bundle_levels refuses a file it
// cannot run); none: each on the engine the bundle records for it.
std::optional<EngineKind> forced_engine(const RunOptions& o, const torch::Device& device, OrtProvider provider) {
  if (o.device.engine.empty()) return std::nullopt;
  const EngineKind engine = parse_engine(o.device.engine);
  check_engine_device(engine, device, provider);
  if (engine == EngineKind::OnnxRuntime) check_ort_provider(provider);
  return engine;
}

AdaptiveOptions adaptive_options(const RunOptions& o, std::optional<EngineKind> engine, OrtProvider provider) {
  AdaptiveOptions ao;
  ao.device = o.device.device;
  ao.engine = engine;
  ao.ort_provider = provider;
  ao.warmup = o.device.warmup;
  ao.policy = o.policy;
  ao.policy_name = o.policy_name;
  ao.seed = o.seed;
  ao.precision = o.precision;
  ao.convert_precision = o.convert_precision;
  return ao;
}

// What serving a bundle differs in from how it was measured (engine_notes: a level on another
// engine; an imported library's latencies, another device's).
void say_bundle_notes(const AdaptiveNetwork& net, const common::Reporter& reporter) {
  for (const std::string& note : net.engine_notes()) reporter.say("run: note: " + note);
  if (!net.library().latency_device.empty())
    reporter.say("run: note: the bundle's latencies were measured on " + net.library().latency_device +
                 ", not here; the policy scales them by the slowdown it measures");
}

// The files a bundle's levels are served from: no output may be one of them.
std::vector<common::NamedInput> bundle_inputs(const Bundle& bundle) {
  std::vector<common::NamedInput> inputs{{"the bundle's export.yaml", bundle.dir / "export.yaml"}};
  for (const common::ExportedLevel& l : bundle.manifest.levels) inputs.push_back({"a level of the bundle", bundle.dir / l.file});
  return inputs;
}

// Frames served back to back until the duration ends or Ctrl-C: every frame's record, one
// progress line a second.
struct Served {
  std::vector<FrameRecord> records;
  std::optional<ContentionWindow> window;
};

Served serve(AdaptiveNetwork& net, const RunOptions& o, const std::map<int, torch::Tensor>& frames, std::optional<TraceWriter>& trace,
             std::optional<Contention>& contention, const common::Reporter& reporter) {
  Served served;
  served.records.reserve(static_cast<std::size_t>(std::min(o.duration_s, 600.0) * 1000));
  const Clock clock = steady_clock_seconds();
  net.restart_clock();
  const double t_start = clock();
  auto elapsed = [clock, t_start] { return clock() - t_start; };
  if (contention) contention->start(elapsed);
  double next_report = 1;
  while (elapsed() < o.duration_s) {
    if (reporter.cancel().requested()) break;
    const bool busy = contention && contention->active();
    net.infer(frames.at(net.resolution()));
    FrameRecord r = net.last_frame();
    r.contention = busy;
    served.records.push_back(r);
    if (trace) trace->write(r);
    if (elapsed() >= next_report) {
      char line[160];
      std::snprintf(line, sizeof line, "run: %5.1f s  level %d  %8.2f ms  slowdown %.2f%s", elapsed(), r.level, r.latency_ms,
                    r.slowdown, busy ? "  (contention)" : "");
      reporter.note(line);
      next_report += 1;
    }
  }
  if (contention) {
    contention->stop();
    served.window = contention->window();
  }
  return served;
}

// The summary line of the setup: weights, engines (with counts when they differ), device, threads.
std::string setup_line(const AdaptiveNetwork& net, const torch::Device& device, int threads) {
  std::map<std::string, int> engines;  // how many levels run on each engine
  for (std::size_t i = 0; i < net.levels(); ++i) ++engines[engine_name(net.engine(i).kind())];
  std::string engine_text;
  for (const auto& [name, count] : engines)
    engine_text += (engine_text.empty() ? "" : ", ") + name + (engines.size() > 1 ? " x" + std::to_string(count) : "");
  return "weights: " + net.weights_source() + ", engine " + engine_text + ", device " + device.str() + ", " + std::to_string(threads) +
         " thread(s), levels' weights " + std::to_string(net.weight_bytes() / (1 << 20)) + " MiB\n";
}

// int8 levels run on ONNX Runtime: refused before anything is built where this build lacks it.
void check_int8_levels(const common::LibraryFile& lib) {
  if (onnxruntime_available()) return;
  for (std::size_t i = 0; i < lib.levels.size(); ++i)
    if (lib.levels[i].precision.precision == common::kInt8)
      throw Error("level " + std::to_string(i) + " is int8, which runs on ONNX Runtime, and this build lacks it (Debian 13's libonnxruntime-dev; or --precision fp32 --convert-precision)");
}

// The driver checked the outputs against the flags; the levels' files are inputs too.
void check_outputs_spare_inputs(const RunOptions& o, const common::LibraryFile& lib, const std::optional<Bundle>& bundle) {
  const std::vector<common::NamedInput> inputs = bundle ? bundle_inputs(*bundle) : common::library_inputs(lib, o.library, o.weights);
  for (const auto& [flag, path] : {std::pair{"--trace", o.trace}, {"--plot", o.plot}, {"--summary-json", o.summary_json}})
    if (path) common::check_output_spares_inputs(flag, *path, inputs);
}

}  // namespace

RunReport run_adaptive(const RunOptions& o, const common::Reporter& reporter) {
  // Finite and at most a year: the trace is reserved per second of run.
  if (!(o.duration_s >= 0.001) || !(o.duration_s <= 365.0 * 86400))
    throw Error("--duration " + common::format_g(o.duration_s, 6) + " must be a number of seconds from a millisecond to a year");
  const std::optional<ContentionSpec> spec = contention_spec(o, reporter);
  const torch::Device device = parse_device(o.device.device);
  if (o.library.empty() && !o.bundle) throw Error("give --library (a library file) or --bundle (a folder ofa-runtime export wrote)");
  const std::optional<Bundle> bundle = o.bundle ? std::optional<Bundle>(read_bundle(*o.bundle)) : std::nullopt;
  // Checked against --precision before anything is built; converted levels are served as fp32.
  const common::LibraryFile lib =
      served_at_precision(bundle ? bundle_library(*bundle) : common::read_library(o.library), o.precision, o.convert_precision, bundle.has_value());
  // ONNX Runtime runs on the provider the library was measured with unless told otherwise.
  const OrtProvider provider = parse_ort_provider(o.device.ort_provider.empty() ? lib.ort_provider : o.device.ort_provider);
  if (!o.device.ort_provider.empty()) check_ort_provider_device(provider, device);
  check_outputs_spare_inputs(o, lib, bundle);
  check_int8_levels(lib);
  const int threads = apply_threads(o.device.threads.value_or(lib.threads));
  // Levels run as they were measured: TF32 only where the library was measured with it.
  apply_tf32(o.device.allow_tf32 || lib.allow_tf32);

  const AdaptiveOptions ao =
      adaptive_options(o, bundle ? forced_engine(o, device, provider) : serving_engines(o, lib, device, provider, reporter), provider);
  AdaptiveNetwork::check_options(lib, ao);  // a bad target is refused before a level is built
  reporter.note("run: building " + std::to_string(lib.levels.size()) + " levels and warming them up");
  AdaptiveNetwork net = bundle ? AdaptiveNetwork(lib, build_bundle_levels(*bundle, ao.engine, device, provider), ao)
                               : AdaptiveNetwork::load(lib, o.library, o.weights, ao);
  if (bundle) say_bundle_notes(net, reporter);
  const std::vector<LevelSpec> levels = level_specs(net.library());

  // Synthetic frames, one per resolution, made before the clock starts.
  std::map<int, torch::Tensor> frames;
  at::Generator gen = at::detail::createCPUGenerator(o.seed);
  for (const auto& l : lib.levels)
    if (!frames.count(l.arch.r)) frames[l.arch.r] = torch::randn({lib.batch, 3, l.arch.r, l.arch.r}, gen).to(device);
  std::optional<TraceWriter> trace;
  if (o.trace) trace.emplace(*o.trace);
  std::optional<Contention> contention;
  if (spec) contention.emplace(*spec, device.is_cuda() ? cuda_work(device) : Contention::Work(Contention::spin));
  const Served served = serve(net, o, frames, trace, contention, reporter);

  // Stopped by Ctrl-C or not, what the run saw is written: the trace, the plot and the summary
  // appear together or not at all (common::OutputSet).
  RunReport report;
  report.summary = summarize_run(served.records, levels, served.window);
  report.summary.policy = net.manager().name();
  report.summary.target_ms = o.policy.target_ms;  // also when no frame was served
  common::OutputSet outputs;
  if (trace) outputs.adopt(trace->release(), *o.trace);
  if (o.plot) {
    char title[200];
    std::snprintf(title, sizeof title, "ofa-runtime: %zu levels on %s, target %.4g ms, policy %s%s", levels.size(), device.str().c_str(),
                  o.policy.target_ms, net.manager().name().c_str(), spec ? ", contention shaded" : "");
    outputs.add(*o.plot, plot_trace_svg(served.records, levels, served.window, title));
  }
  if (o.summary_json) outputs.add(*o.summary_json, common::format_run_summary_json(report.summary));
  outputs.commit();
  report.text = setup_line(net, device, threads) + format_summary_text(report.summary);
  return report;
}

}  // namespace ofa::runtime
