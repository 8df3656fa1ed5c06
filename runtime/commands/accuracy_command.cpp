#include "runtime/commands/accuracy_command.hpp"
#include "runtime/commands/int8_row.hpp"
#include "ofa/common/library_file.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "ofa/common/error.hpp"
#include "ofa/common/setting_difference.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/accuracy_part_file.hpp"
#include "ofa/common/machine_description.hpp"
#include "ofa/common/sha256.hpp"
#include "ofa/runtime/engine/bn_recalibration.hpp"
#include "ofa/runtime/images/calibration_images.hpp"
#include "ofa/runtime/engine/engine.hpp"
#include "ofa/runtime/engine/engine_choice.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/measure/device_options.hpp"
#include "ofa/runtime/images/image_batch.hpp"
#include "ofa/runtime/images/image_folder.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"
#include "ofa/runtime/engine/tensor_io.hpp"
#include "ofa/runtime/measure/topk_counts.hpp"
#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/common/precision.hpp"
#include "ofa/runtime/engine/onnx_subnet.hpp"
#include "ofa/runtime/engine/onnxruntime_session.hpp"
#include "ofa/runtime/quant/int8_subnet.hpp"

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
  bool int8 = false;
  std::string int8_file;  // an int8 row's calibration file, relative to the output's folder
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

// Whether an int8 row's calibration file is there and was made with this run's method.
bool same_int8_method(const AccuracyOptions& o, const fs::path& file, std::error_code& ec) {
  if (!fs::exists(file, ec)) return false;
  const common::Int8Setup s = common::read_int8_calibration(file).setup;
  return s.method == o.range_method.name && (s.method != "percentile" || s.percentile == o.range_method.percentile);
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
      if (p.precision.precision != out.rows[i].precision.precision) continue;
      if (!p.bn.empty() && !fs::exists(out_dir / p.bn, ec)) continue;  // its BN file is gone: evaluate again
      if (!p.precision.int8.empty() && !same_int8_method(o, out_dir / p.precision.int8, ec)) continue;  // so is its int8 calibration, or made otherwise
      out.rows[i].measured_accuracy = p.measured_accuracy;
      out.rows[i].top5 = p.top5;
      out.rows[i].accuracy_images = p.accuracy_images;
      out.rows[i].bn = p.bn;
      out.rows[i].precision = p.precision;
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
  (void)common::parse_precision_list(o.precision, "--precision");
  check_range_method(o.range_method);
}

// int8 rows: their ranges are calibrated on the calibration images, and they run on ONNX Runtime.
void check_int8_rows(const AccuracyOptions& o, const common::MeasuredFile& in, const std::vector<std::size_t>& selected, bool sharded) {
  const bool any = std::any_of(selected.begin(), selected.end(), [&](std::size_t i) { return in.rows[i].precision.precision == common::kInt8; });
  if (!any) return;
  if (!o.calib_images) throw Error("int8 rows are calibrated on images: give --calib-images DIR (it recalibrates BN too), or --precision fp32");
  if (!onnxruntime_available()) throw Error("int8 rows run on ONNX Runtime, which this build lacks (Debian 13's libonnxruntime-dev); or --precision fp32");
  if (!onnx_export_available()) throw Error("int8 rows are ONNX QDQ models and this build has no ONNX (libonnx-dev); or --precision fp32");
  if (sharded) throw Error("--shard: int8 rows are evaluated in one process (a part file holds no int8 calibration); or --precision fp32");
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
  fs::path out_path;  // the file this process writes: --out, or a part's (its BN folder goes beside it)
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
  const fs::path out_dir = ev.out_path.parent_path();
  const std::string bn_folder = ev.out_path.stem().string() + "_bn";
  for (std::size_t b = 0; b < ev.calib->batch_count(); ++b) {
    ev.reporter.cancel().check();
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

// 1b. An int8 row: its (recalibrated) subnet's ranges calibrated on the same calibration
// images, written as its calibration file, and its QDQ model on ONNX Runtime.
Engine int8_engine(Evaluation& ev, Network& n, const std::string& tag) {
  const int id = ev.out.rows[n.row].candidate.id;
  const Int8CalibrationOptions options{{*ev.o.calib_images, {}, ev.o.calib_count, ev.o.calib_batch, ev.o.seed, ev.decoders, ev.o.skip_unreadable},
                                       ev.o.range_method};
  Int8Row row = calibrate_int8_row(*n.subnet, id, *ev.calib, options, ev.out_path, ev.device, ev.provider, ev.reporter.cancel());
  n.int8_file = row.file;
  ev.reporter.note("accuracy: " + tag + ": candidate " + std::to_string(id) + " calibrated for int8");
  return std::move(row.engine);
}

// 2. Evaluation: batch b + 1 decodes while the networks run on batch b.
// `images` starts on a batch boundary of the whole list, so every batch is the one a single
// process evaluates (a network's logits may depend on the batch it is in, in the last bits).
void evaluate(Evaluation& ev, int r, std::vector<Network>& nets, std::span<const LabeledImage> images, std::size_t g, std::size_t groups,
              const std::string& tag) {
  const auto batch_size = static_cast<std::size_t>(ev.o.batch_size);
  const std::size_t val_batches = (images.size() + batch_size - 1) / batch_size;
  const ImageBatchOptions load{r, ev.decoders, ev.o.skip_unreadable};
  auto fetch = [&](std::size_t b) {
    const std::size_t first = b * batch_size, n = std::min(batch_size, images.size() - first);
    return std::async(std::launch::async, [&, first, n] { return load_eval_batch(images.subspan(first, n), load); });
  };
  const double before = ev.calib ? 0.2 : 0.0;
  std::future<ImageBatch> next = fetch(0);
  for (std::size_t b = 0; b < val_batches; ++b) {
    ImageBatch batch = next.get();
    if (b + 1 < val_batches) next = fetch(b + 1);
    ev.reporter.cancel().check();
    ev.skipped += batch.skipped.size();
    if (batch.kept.empty()) continue;
    const torch::Tensor x = batch.images.to(ev.device);
    for (Network& n : nets) n.counts.add(n.engine->forward(x), batch.labels);
    ev.evaluated_images += batch.kept.size() * nets.size();
    ev.progress(g, groups, before + (1 - before) * static_cast<double>(b + 1) / static_cast<double>(val_batches),
                tag + ": " + rate(ev.evaluated_images, ev.started));
  }
}

// One resolution's rows on `images`: built, recalibrated, evaluated; their counts and BN files.
std::vector<Network> evaluate_group(Evaluation& ev, int r, const std::vector<std::size_t>& rows, std::span<const LabeledImage> images,
                                    std::size_t g, std::size_t groups) {
  const std::string tag = "r=" + std::to_string(r) + " (" + std::to_string(g) + "/" + std::to_string(groups) + "), " +
                          std::to_string(rows.size()) + " networks";
  std::vector<Network> nets(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    nets[k].row = rows[k];
    nets[k].subnet = Subnet::from_supernet(ev.space, ev.out.rows[rows[k]].candidate.arch, ev.supernet());
    nets[k].int8 = ev.out.rows[rows[k]].precision.precision == common::kInt8;
  }
  if (ev.calib) recalibrate(ev, r, nets, g, groups, tag);
  for (Network& n : nets) {
    if (n.int8)
      n.engine.emplace(int8_engine(ev, n, tag));
    else
      n.engine.emplace(*n.subnet, ev.kind, nullptr, ev.provider);
    n.subnet.reset();  // the engine holds what it needs
  }
  evaluate(ev, r, nets, images, g, groups, tag);
  for (Network& n : nets) n.engine.reset();
  return nets;
}

// One resolution's rows over every image, written into `ev.out`.
void run_group(Evaluation& ev, int r, const std::vector<std::size_t>& rows, std::size_t g, std::size_t groups) {
  for (const Network& n : evaluate_group(ev, r, rows, ev.val, g, groups)) {
    if (n.counts.images == 0) throw Error(ev.o.val_images.string() + ": no readable image to evaluate");
    common::MeasuredRow& row = ev.out.rows[n.row];
    row.measured_accuracy = n.counts.top1_fraction();
    row.top5 = n.counts.top5_fraction();
    row.accuracy_images = n.counts.images;
    row.bn = n.bn;
    if (n.int8) row.precision.int8 = n.int8_file;
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

namespace {

// What both a whole run and a part do before the first network runs: every input read and
// checked, the rows selected. Returns the selected rows (indices into ev.out.rows).
std::vector<std::size_t> prepare(Evaluation& ev, const common::MeasuredFile& in) {
  const AccuracyOptions& o = ev.o;
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
  const std::vector<std::string> precisions = common::parse_precision_list(o.precision, "--precision");
  // The selection picks candidates (an architecture once); each is evaluated at every precision
  // asked for that it has a row at.
  std::set<int> ids;
  for (std::size_t k : search::select_candidates(candidates, o.selection, [&](std::size_t k) { return in.rows[k].measured.median_ms; }))
    ids.insert(in.rows[k].candidate.id);
  std::vector<std::size_t> selected;
  for (std::size_t k = 0; k < in.rows.size(); ++k)
    if (ids.contains(in.rows[k].candidate.id) && std::find(precisions.begin(), precisions.end(), in.rows[k].precision.precision) != precisions.end())
      selected.push_back(k);
  if (selected.empty()) throw Error(o.measured.string() + ": no rows to evaluate" + (o.selection.only_front ? " on the front" : ""));
  ev.val = evaluation_images(list_image_folder(o.val_images, classes), o.limit);
  if (o.calib_images)
    ev.calib.emplace(CalibrationImagesOptions{*o.calib_images, classes, o.calib_count, o.calib_batch, o.seed, ev.decoders, o.skip_unreadable});
  ev.out = in;
  ev.out.accuracy_setup = accuracy_setup(o, ev.calib.has_value());
  // Rows written as they were name their files from --out's folder now.
  for (common::MeasuredRow& row : ev.out.rows) {
    if (!row.bn.empty()) row.bn = common::rebase_relative(row.bn, o.measured.parent_path(), o.out.parent_path());
    if (!row.precision.int8.empty()) row.precision.int8 = common::rebase_relative(row.precision.int8, o.measured.parent_path(), o.out.parent_path());
  }
  return selected;
}

// A list of images (their classes, paths within the folder and, with `sizes`, file sizes, in
// order): what every part of a job must have read, wherever the folder is mounted. The
// calibration folder is listed without sizes: a stat per file of ImageNet's training set (1.28
// million) in every part would load a shared filesystem's metadata server.
std::string image_list_sha256(const std::vector<LabeledImage>& images, const fs::path& root, bool sizes) {
  std::string text;
  for (const LabeledImage& im : images)
    text += std::to_string(im.label) + "\t" + im.file.lexically_relative(root).string() + (sizes ? "\t" + std::to_string(fs::file_size(im.file)) : "") + "\n";
  return common::sha256_hex(text);
}

common::AccuracyPartInputs part_inputs(const Evaluation& ev, const std::vector<std::size_t>& selected) {
  const AccuracyOptions& o = ev.o;
  common::AccuracyPartInputs in;
  in.measured = fs::absolute(o.measured).lexically_normal().string();
  in.measured_sha256 = common::sha256_hex(common::read_file(o.measured));
  in.weights_sha256 = o.weights ? common::sha256_hex(common::read_file(*o.weights)) : "random";
  in.val_sha256 = image_list_sha256(ev.val, o.val_images, true);
  in.val_count = static_cast<std::int64_t>(ev.val.size());
  const fs::path classes = class_list_path(o.classes, o.data_dir);
  if (o.calib_images) in.calib_sha256 = image_list_sha256(list_image_folder(*o.calib_images, classes), *o.calib_images, false);
  in.classes_sha256 = common::sha256_hex(common::read_file(classes));
  in.batch = o.batch_size;
  in.engine = engine_name(ev.kind);
  in.device = ev.device.str();
  in.ort_provider = o.device.ort_provider;
  in.threads = o.device.threads.value_or(0);
  in.allow_tf32 = o.device.allow_tf32;
  for (std::size_t i : selected) in.candidates.push_back(ev.out.rows[i].candidate.id);
  in.setup = *ev.out.accuracy_setup;
  return in;
}

// A part's --out: with the part from the environment every process gets the same flags, so
// the file must name its part ("%p").
void check_part_out(const AccuracyOptions& o, const common::Shard& shard) {
  if (shard.source != "--shard" && o.out.string().find("%p") == std::string::npos)
    throw Error("--out " + o.out.string() + ": this process is part " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + " (from " +
                shard.source + "), and every part would write that file; put %p in it (parts/part_%p.yaml) or give --shard");
}

// --resume for a part: its earlier file's cells, when it was this part of the same job and
// their BN files are still there unchanged.
void keep_part_cells(const Evaluation& ev, const common::AccuracyPart& part, std::vector<common::AccuracyCell>& cells, std::vector<char>& done) {
  std::error_code ec;
  if (!ev.o.resume || !fs::exists(ev.out_path, ec)) return;
  const common::AccuracyPart previous = common::read_accuracy_part(ev.out_path);
  if (!(previous.shard == part.shard) || !previous.inputs.same_job(part.inputs))
    throw Error(ev.out_path.string() + ": is another part or another job's (other inputs or settings); use the same flags or another --out");
  for (const common::AccuracyCell& p : previous.cells)
    for (std::size_t k = 0; k < cells.size(); ++k) {
      if (done[k] || p.candidate != cells[k].candidate || p.first != cells[k].first || p.end != cells[k].end) continue;
      const fs::path bn = ev.out_path.parent_path() / p.bn;
      if (!p.bn.empty() && (!fs::exists(bn, ec) || common::sha256_hex(common::read_file(bn)) != p.bn_sha256)) continue;
      cells[k] = p;
      done[k] = 1;
    }
}

AccuracyReport run_part(Evaluation& ev, const std::vector<std::size_t>& selected, const common::Shard& shard) {
  ev.out_path = common::shard_path(ev.o.out.string(), shard);
  // The driver checked --out as given; with %p replaced it is another path.
  std::vector<common::NamedInput> inputs{{"--measured", ev.o.measured}};
  if (ev.o.weights) inputs.push_back({"--weights", *ev.o.weights});
  common::check_output_spares_inputs("--out", ev.out_path, inputs);
  common::AccuracyPart part{shard, common::host_description(), part_inputs(ev, selected), {}, false};
  std::vector<common::AccuracyCell> cells = common::shard_cells(part.inputs.candidates, part.inputs.val_count, ev.o.batch_size, shard);
  std::vector<char> done(cells.size(), 0);
  keep_part_cells(ev, part, cells, done);
  std::map<int, std::size_t> row_of;  // candidate id -> row
  for (std::size_t i : selected) row_of[ev.out.rows[i].candidate.id] = i;
  std::map<std::tuple<int, std::int64_t, std::int64_t>, std::vector<std::size_t>> groups;  // (r, range) -> pending cells
  for (std::size_t k = 0; k < cells.size(); ++k)
    if (!done[k]) groups[{ev.out.rows[row_of.at(cells[k].candidate)].candidate.arch.r, cells[k].first, cells[k].end}].push_back(k);
  std::size_t g = 0;
  ev.started = std::chrono::steady_clock::now();
  for (const auto& [key, members] : groups) {
    const auto& [r, first, end] = key;
    std::vector<std::size_t> rows;
    for (std::size_t k : members) rows.push_back(row_of.at(cells[k].candidate));
    const std::vector<Network> nets = evaluate_group(ev, r, rows, std::span(ev.val).subspan(first, end - first), ++g, groups.size());
    for (std::size_t m = 0; m < members.size(); ++m) {
      common::AccuracyCell& c = cells[members[m]];
      c.images = nets[m].counts.images, c.top1 = nets[m].counts.top1, c.top5 = nets[m].counts.top5;
      c.bn = nets[m].bn;
      c.bn_sha256 = c.bn.empty() ? "" : common::sha256_hex(common::read_file(ev.out_path.parent_path() / c.bn));
      done[members[m]] = 1;
    }
    // Only evaluated cells are written: an unfinished part's file is what --resume keeps.
    part.cells.clear();
    for (std::size_t k = 0; k < cells.size(); ++k)
      if (done[k]) part.cells.push_back(cells[k]);
    common::write_file_atomic(ev.out_path, common::format_accuracy_part_yaml(part));
  }
  part.cells = cells;
  part.complete = true;
  ev.reporter.done("accuracy");
  common::write_file_atomic(ev.out_path, common::format_accuracy_part_yaml(part));
  return {ev.out, "accuracy: part " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + " (" + shard.source + "): " +
                      std::to_string(cells.size()) + " cells (candidate x image range), " + std::to_string(groups.size()) + " evaluated now, " +
                      rate(ev.evaluated_images, ev.started) + ", written to " + ev.out_path.string() + "; merge the parts with ofa-measure merge"};
}

AccuracyReport run_whole(Evaluation& ev, const std::vector<std::size_t>& selected) {
  const AccuracyOptions& o = ev.o;
  ev.out_path = o.out;
  const std::vector<char> done = keep_resumed(o, *ev.out.accuracy_setup, selected, ev.out);
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
  ev.reporter.done("accuracy");
  common::write_file_atomic(o.out, common::format_measured_yaml(ev.out));
  return {ev.out, accuracy_report(ev, fresh, selected.size())};
}

}  // namespace

AccuracyReport run_accuracy(const AccuracyOptions& o, const common::Reporter& reporter) {
  check_accuracy_options(o);
  // The flag wins over the launcher's environment; a part of one is the whole job.
  std::optional<common::Shard> shard = o.shard ? o.shard : common::shard_from_environment([](const char* n) { return std::getenv(n); });
  if (shard && shard->count == 1) shard.reset();  // --shard 0/1: the whole job, whatever the launcher says
  const common::MeasuredFile in = common::read_measured(o.measured);
  if (in.rows.empty()) throw Error(o.measured.string() + ": no measurements");
  Evaluation ev(o, reporter, common::search_space(in.space, in.elastic_kernel));
  if (shard) check_part_out(o, *shard);
  const std::vector<std::size_t> selected = prepare(ev, in);
  check_int8_rows(o, in, selected, shard.has_value());
  // The BN and int8 folders written beside --out must hold none of the rows' own files.
  const std::vector<common::NamedInput> inputs = common::measured_inputs(in, o.measured);
  for (const char* folder : {"_bn", "_int8"})
    common::check_folder_spares_inputs("--out's " + std::string(folder + 1) + " folder", o.out.parent_path() / (o.out.stem().string() + folder), inputs);
  return shard ? run_part(ev, selected, *shard) : run_whole(ev, selected);
}

}  // namespace ofa::runtime
