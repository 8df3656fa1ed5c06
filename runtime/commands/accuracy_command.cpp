#include "runtime/commands/accuracy_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>

#include "ofa/common/error.hpp"
#include "ofa/common/setting_difference.hpp"
#include "ofa/common/files.hpp"
#include "ofa/runtime/engine/bn_recalibration.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/measure/measurement.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "ofa/runtime/measure/topk_counts.hpp"

namespace ofa::runtime {

using common::Error;
namespace fs = std::filesystem;

namespace {

// --limit N: N images spread evenly over the sorted list, so a short run still sees every
// part of it (the first N would be the first few classes only).
std::vector<LabeledImage> evaluation_images(std::vector<LabeledImage> all, std::int64_t limit) {
  if (limit <= 0 || static_cast<std::size_t>(limit) >= all.size()) return all;
  std::vector<LabeledImage> out;
  const std::size_t n = all.size(), k = static_cast<std::size_t>(limit);
  for (std::size_t i = 0; i < k; ++i) out.push_back(all[i * n / k]);
  return out;
}

struct Network {
  std::size_t row;  // in the output file
  std::optional<Subnet> subnet;
  BnStatistics stats;
  std::optional<Engine> engine;
  TopKCounts counts;
  std::string bn;  // the BN file, relative to the output's folder
};

// Images through networks per second (an image evaluated by 4 networks counts 4).
std::string rate(std::size_t evaluations, std::chrono::steady_clock::time_point since) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  char b[64];
  std::snprintf(b, sizeof b, "%.1f images/s through the networks", s > 0 ? static_cast<double>(evaluations) / s : 0.0);
  return b;
}

// What the evaluation ran with, recorded in the output (and compared by --resume).
common::AccuracySetup accuracy_setup(const AccuracyOptions& o, bool calibrated) {
  common::AccuracySetup setup;
  setup.weights = o.weights ? o.weights->string() : "random";
  setup.val_images = o.val_images.string();
  setup.limit = o.limit;
  setup.calibration = calibrated ? "images" : "none";
  setup.calib_images = o.calib_images ? o.calib_images->string() : "";
  setup.calib_count = calibrated ? o.calib_count : 0;
  setup.calib_batch = calibrated ? o.calib_batch : 0;
  setup.seed = o.seed;
  return setup;
}

// --resume: the selected rows of `out` that --out already holds, evaluated with the same
// settings and with their BN file still there, are copied into `out`; returns which rows.
std::vector<char> keep_resumed(const AccuracyOptions& o, const common::AccuracySetup& setup, const std::vector<std::size_t>& selected,
                               common::MeasuredFile& out) {
  std::vector<char> done(out.rows.size(), 0);
  std::error_code ec;
  if (!o.resume || !fs::exists(o.out, ec)) return done;
  const fs::path out_dir = o.out.parent_path();
  const common::MeasuredFile previous = common::read_measured(o.out);
  if (!previous.accuracy_setup)
    throw Error(o.out.string() + ": holds no accuracy_setup (not written by ofa-measure accuracy); use another --out");
  const common::AccuracySetup& a = *previous.accuracy_setup;
  const std::string d = common::first_difference(
      {common::setting_difference("weights", a.weights, setup.weights), common::setting_difference("val_images", a.val_images, setup.val_images),
       common::setting_difference("limit", a.limit, setup.limit), common::setting_difference("calibration", a.calibration, setup.calibration),
       common::setting_difference("calib_images", a.calib_images, setup.calib_images),
       common::setting_difference("calib_count", a.calib_count, setup.calib_count),
       common::setting_difference("calib_batch", a.calib_batch, setup.calib_batch), common::setting_difference("seed", a.seed, setup.seed)});
  // Every field is compared above; the equality guards a field added to the struct later.
  if (!d.empty() || !(a == setup))
    throw Error(o.out.string() + ": was evaluated with other settings (" + (d.empty() ? "accuracy_setup" : d) +
                "); use the same flags or another --out");
  for (std::size_t i : selected) {
    for (const common::MeasuredRow& p : previous.rows) {
      if (p.candidate.id != out.rows[i].candidate.id || !(p.candidate.arch == out.rows[i].candidate.arch) || !p.measured_accuracy) continue;
      if (!p.bn.empty() && !fs::exists(out_dir / p.bn, ec)) continue;  // its BN file is gone: evaluate again
      out.rows[i].measured_accuracy = p.measured_accuracy;
      out.rows[i].top5 = p.top5;
      out.rows[i].accuracy_images = p.accuracy_images;
      out.rows[i].bn = p.bn;
      done[i] = 1;
    }
  }
  return done;
}

void check_accuracy_options(const AccuracyOptions& o) {
  check_device_options(o.device);
  search::check_selection(o.selection);
  if (!o.calib_images && !o.no_recalibrate) throw Error("give --calib-images DIR (OFA's BN recalibration) or --no-recalibrate");
  if (o.calib_images && o.no_recalibrate) throw Error("--calib-images and --no-recalibrate cannot be given together");
  if (o.limit < 0) throw Error("--limit " + std::to_string(o.limit) + " must be >= 0");
  if (o.batch_size < 1) throw Error("--val-batch " + std::to_string(o.batch_size) + " must be >= 1");
  if (o.calib_images && (o.calib_count < 1 || o.calib_batch < 1))
    throw Error("--calib-count and --calib-batch must be >= 1 (got " + std::to_string(o.calib_count) + ", " + std::to_string(o.calib_batch) + ")");
}

// One evaluation: what every resolution group shares, and the running counts.
struct Evaluation {
  Evaluation(const AccuracyOptions& options, const common::Reporter& r, common::SearchSpace s) : o(options), reporter(r), space(std::move(s)) {}
  const AccuracyOptions& o;
  const common::Reporter& reporter;
  common::SearchSpace space;
  torch::Device device{torch::kCPU};
  EngineKind kind = EngineKind::Optimized;
  OrtProvider provider = OrtProvider::Cpu;
  int decoders = 1;
  std::vector<LabeledImage> val;
  std::optional<CalibrationImages> calib;
  common::MeasuredFile out;
  std::optional<Supernet> supernet_storage;  // loaded when the first group needs it
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::size_t evaluated_images = 0, skipped = 0;  // evaluated: image x network

  const Supernet& supernet() {
    if (!supernet_storage) {
      supernet_storage = o.weights ? Supernet::load(*o.weights, space) : Supernet::random(space, o.seed);
      supernet_storage->to(device);
    }
    return *supernet_storage;
  }
  // Progress over all groups: group `g` (1-based) of `groups`, `within` its share done.
  void progress(std::size_t g, std::size_t groups, double within, const std::string& label) const {
    reporter.progress("accuracy", (static_cast<double>(g - 1) + within) / static_cast<double>(groups), label);
  }
};

// 1. BN recalibration: every network of the group on the same calibration batches, each
// network's statistics written as its BN file and applied.
void recalibrate(Evaluation& ev, int r, std::vector<Network>& nets, std::size_t g, std::size_t groups, const std::string& tag) {
  const fs::path out_dir = ev.o.out.parent_path();
  const std::string bn_folder = ev.o.out.stem().string() + "_bn";
  for (std::size_t b = 0; b < ev.calib->batch_count(); ++b) {
    check_cancel(ev.o.device);
    const ImageBatch batch = ev.calib->batch(b, r);
    ev.skipped += batch.skipped.size();
    if (batch.kept.empty()) continue;
    const torch::Tensor x = batch.images.to(ev.device);
    for (Network& n : nets) n.subnet->forward_collecting_bn(x, n.stats);
    ev.progress(g, groups, 0.2 * static_cast<double>(b + 1) / static_cast<double>(ev.calib->batch_count()), tag + ": calibrating BN");
  }
  for (Network& n : nets) {
    if (n.stats.size() == 0) throw Error(ev.calib->batch_count() ? "no readable calibration image" : "no calibration batch");
    const common::CandidateRow& c = ev.out.rows[n.row].candidate;
    const StateDict bn = n.stats.state_dict();
    n.bn = bn_folder + "/cand_" + std::to_string(c.id) + ".pt";
    save_state_dict(out_dir / n.bn, bn);
    n.subnet = Subnet::from_supernet(ev.space, c.arch, ev.supernet().with_bn_overrides(bn, (out_dir / n.bn).string()));
  }
}

// 2. Evaluation: batch b + 1 decodes while the networks run on batch b.
void evaluate(Evaluation& ev, int r, std::vector<Network>& nets, std::size_t g, std::size_t groups, const std::string& tag) {
  const auto batch_size = static_cast<std::size_t>(ev.o.batch_size);
  const std::size_t val_batches = (ev.val.size() + batch_size - 1) / batch_size;
  const ImageBatchOptions load{r, ev.decoders, ev.o.skip_unreadable};
  auto fetch = [&](std::size_t b) {
    const std::size_t first = b * batch_size, n = std::min(batch_size, ev.val.size() - first);
    return std::async(std::launch::async, [&, first, n] { return load_eval_batch(std::span(ev.val).subspan(first, n), load); });
  };
  const double before = ev.calib ? 0.2 : 0.0;
  std::future<ImageBatch> next = fetch(0);
  for (std::size_t b = 0; b < val_batches; ++b) {
    ImageBatch batch = next.get();
    if (b + 1 < val_batches) next = fetch(b + 1);
    check_cancel(ev.o.device);
    ev.skipped += batch.skipped.size();
    if (batch.kept.empty()) continue;
    const torch::Tensor x = batch.images.to(ev.device);
    for (Network& n : nets) n.counts.add(n.engine->forward(x), batch.labels);
    ev.evaluated_images += batch.kept.size() * nets.size();
    ev.progress(g, groups, before + (1 - before) * static_cast<double>(b + 1) / static_cast<double>(val_batches),
                tag + ": " + rate(ev.evaluated_images, ev.started));
  }
}

// One resolution's rows: built, recalibrated, evaluated, written into `ev.out`.
void run_group(Evaluation& ev, int r, const std::vector<std::size_t>& rows, std::size_t g, std::size_t groups) {
  const std::string tag = "r=" + std::to_string(r) + " (" + std::to_string(g) + "/" + std::to_string(groups) + "), " +
                          std::to_string(rows.size()) + " networks";
  std::vector<Network> nets(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    nets[k].row = rows[k];
    nets[k].subnet = Subnet::from_supernet(ev.space, ev.out.rows[rows[k]].candidate.arch, ev.supernet());
  }
  if (ev.calib) recalibrate(ev, r, nets, g, groups, tag);
  for (Network& n : nets) {
    n.engine.emplace(*n.subnet, ev.kind, nullptr, ev.provider);
    n.subnet.reset();  // the engine holds what it needs
  }
  evaluate(ev, r, nets, g, groups, tag);
  for (Network& n : nets) {
    if (n.counts.images == 0) throw Error(ev.o.val_images.string() + ": no readable image to evaluate");
    common::MeasuredRow& row = ev.out.rows[n.row];
    row.measured_accuracy = n.counts.top1_fraction();
    row.top5 = n.counts.top5_fraction();
    row.accuracy_images = n.counts.images;
    row.bn = n.bn;
  }
}

std::string accuracy_report(const Evaluation& ev, std::size_t fresh, std::size_t selected) {
  std::string s = "accuracy: " + std::to_string(fresh) + " rows evaluated (" + std::to_string(selected - fresh) + " kept from --resume) on " +
                  std::to_string(ev.val.size()) + " images, BN " +
                  (ev.calib ? "recalibrated on " + std::to_string(ev.calib->image_count()) + " images" : std::string("not recalibrated")) + ", " +
                  rate(ev.evaluated_images, ev.started) + ", written to " + ev.o.out.string();
  if (ev.skipped) s += "; " + std::to_string(ev.skipped) + " unreadable images skipped";
  if (!ev.o.weights) s += "\naccuracy: these are RANDOM weights: the figures measure nothing but the pipeline (give --weights)";
  return s;
}

}  // namespace

AccuracyReport run_accuracy(const AccuracyOptions& o, const common::Reporter& reporter) {
  check_accuracy_options(o);
  const common::MeasuredFile in = common::read_measured(o.measured);
  if (in.rows.empty()) throw Error(o.measured.string() + ": no measurements");
  Evaluation ev(o, reporter, common::search_space(in.space, in.elastic_kernel));
  const fs::path classes = class_list_path(o.classes, o.data_dir);
  ev.decoders = decode_threads(o.decode_threads);
  ev.device = parse_device(o.device.device);
  apply_threads(o.device.threads);
  apply_tf32(o.device.allow_tf32);
  // Accuracy is the same on every engine (within 1e-4 of OFA's logits), so auto, which chooses
  // by speed, evaluates on the optimized engine rather than spend time timing.
  const EngineChoice choice = engine_choice(o.device);
  ev.kind = choice.automatic ? EngineKind::Optimized : choice.kind;
  ev.provider = parse_ort_provider(o.device.ort_provider);
  std::vector<common::CandidateRow> candidates;
  for (const auto& r : in.rows) candidates.push_back(r.candidate);
  const std::vector<std::size_t> selected =
      search::select_candidates(candidates, o.selection, [&](std::size_t k) { return in.rows[k].measured.median_ms; });
  if (selected.empty()) throw Error(o.measured.string() + ": no rows to evaluate" + (o.selection.only_front ? " on the front" : ""));
  // Everything that can be refused is checked before the first network runs.
  ev.val = evaluation_images(list_image_folder(o.val_images, classes), o.limit);
  if (o.calib_images)
    ev.calib.emplace(CalibrationImagesOptions{*o.calib_images, classes, o.calib_count, o.calib_batch, o.seed, ev.decoders, o.skip_unreadable});
  ev.out = in;
  const common::AccuracySetup setup = accuracy_setup(o, ev.calib.has_value());
  ev.out.accuracy_setup = setup;
  const std::vector<char> done = keep_resumed(o, setup, selected, ev.out);
  std::map<int, std::vector<std::size_t>> groups;  // pending rows by resolution
  for (std::size_t i : selected)
    if (!done[i]) groups[ev.out.rows[i].candidate.arch.r].push_back(i);
  std::size_t g = 0, fresh = 0;
  ev.started = std::chrono::steady_clock::now();  // the rate counts evaluation, not loading
  for (const auto& [r, rows] : groups) {
    run_group(ev, r, rows, ++g, groups.size());
    fresh += rows.size();
    common::write_file_atomic(o.out, common::format_measured_yaml(ev.out));
  }
  reporter.done("accuracy");
  common::write_file_atomic(o.out, common::format_measured_yaml(ev.out));
  return {ev.out, accuracy_report(ev, fresh, selected.size())};
}

}  // namespace ofa::runtime
