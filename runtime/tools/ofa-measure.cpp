// ofa-measure: measure subnets on a device, and build a device's latency table (a thin
// driver over ofa::runtime).
#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>

#include "ofa/common/error.hpp"
#include "ofa/common/profile.hpp"
#include "ofa/common/tool_driver.hpp"
#include "ofa/runtime/accuracy_command.hpp"
#include "ofa/runtime/bn_recalibration.hpp"
#include "ofa/runtime/calibration.hpp"
#include "ofa/runtime/latency_command.hpp"
#include "ofa/runtime/latency_model_command.hpp"
#include "ofa/runtime/lut_command.hpp"

namespace {

std::vector<int> parse_resolutions(const std::string& text) {
  std::vector<int> out;
  for (double v : ofa::common::parse_constraints(text)) {
    // Checked before the cast: a double beyond int's range makes the cast undefined.
    if (!(v >= 1 && v <= 10000) || v != std::floor(v))
      throw ofa::common::Error("--resolutions: " + std::to_string(v) + " is not a whole number of pixels in 1..10000");
    out.push_back(static_cast<int>(v));
  }
  return out;
}

void add_device_options(CLI::App* cmd, ofa::runtime::DeviceOptions& d) {
  cmd->add_option("--device", d.device, "cpu | cuda | cuda:N (default cpu)");
  cmd->add_option("--engine", d.engine, "optimized (BN folded, TorchScript frozen, oneDNN on CPU; default) | eager");
  cmd->add_option("--threads", d.threads, "LibTorch threads (0: LibTorch's default)");
  cmd->add_option("--warmup", d.warmup, "Untimed calls first (default 10)");
  cmd->add_option("--repeats", d.repeats, "Timed calls (default 50)");
  cmd->add_flag("--quiet", d.quiet, "No progress bar");
  cmd->add_flag("--allow-tf32", d.allow_tf32, "Let cuDNN/cuBLAS use TF32 for float32 on CUDA (faster, ~1e-3 off; default: exact float32)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ofa-measure: measure OFA subnets on this device and build its latency look-up table"};
  app.require_subcommand(1);

  ofa::runtime::MeasureLatencyOptions lat;
  std::string cands, out, weights;
  int top = 0, spread = 0;
  auto* c_lat = app.add_subcommand("latency", "End-to-end latency of the candidates of an ofa-search run (writes measured.yaml)");
  c_lat->add_option("--candidates", cands, "candidates.yaml from ofa-search")->required();
  c_lat->add_option("--out", out, "Output measured.yaml (rewritten after every chunk of candidates)")->required();
  c_lat->add_option("--rounds", lat.rounds, "Interleaved rounds the repeats are spread over; the half-split noise is written (default 5; 1: one candidate after another)");
  c_lat->add_option("--chunk", lat.chunk, "Candidates built and interleaved together (default 16)");
  c_lat->add_option("--seed", lat.seed, "Seed of the rounds' order (default 0)");
  c_lat->add_option("--pin-cpus", lat.pin_cpus, "Pin the process to these CPUs while measuring, e.g. 0 or 0-1 (default: no pinning)");
  c_lat->add_flag("--only-front", lat.selection.only_front, "Only the candidates on the predicted front");
  auto* o_top = c_lat->add_option("--top", top, "Only the N candidates of highest predicted accuracy");
  auto* o_spread = c_lat->add_option("--spread", spread,
                                     "Only N candidates spread over the predicted latency range (for a runtime library)");
  c_lat->add_option("--batch", lat.batch, "Batch size (default 1)");
  c_lat->add_flag("--resume", lat.resume, "Keep the candidates already in --out and measure the rest");
  c_lat->add_option("--weights", weights, "Supernet state_dict; random weights when absent (latency does not depend on them)");
  add_device_options(c_lat, lat.device);

  ofa::runtime::BuildLutOptions lut;
  std::string resolutions, lut_out;
  auto* c_lut = app.add_subcommand("lut", "Build this device's latency table in OFA's layout, one layer at a time");
  c_lut->add_option("--space", lut.space, "ofa-mbv3-w1.2 (default), ofa-mbv3-w1.0, compofa-mbv3-w1.2");
  c_lut->add_flag("--elastic-kernel", lut.elastic_kernel, "CompOFA with elastic kernels");
  c_lut->add_option("--resolutions", resolutions, "A list 160,192 or a range 160:224:4 (default: the space's)");
  c_lut->add_option("--out", lut_out, "Output folder for <r>_lookup_table.json")->required();
  c_lut->add_flag("--resume", lut.resume, "Keep finished resolutions and layers already timed");
  c_lut->add_option("--rounds", lut.rounds, "Interleaved rounds the repeats are spread over (default 5; measurement.yaml says the noise)");
  c_lut->add_option("--seed", lut.seed, "Seed of the rounds' order (default 0)");
  c_lut->add_option("--pin-cpus", lut.pin_cpus, "Pin the process to these CPUs while measuring, e.g. 0 or 0-1 (default: no pinning)");
  add_device_options(c_lut, lut.device);

  ofa::runtime::BnOptions bn;
  std::string bn_weights, bn_arch, bn_tensors, bn_images, bn_out;
  auto* c_bn = app.add_subcommand(
      "bn",
      "Recalibrate one subnet's BatchNorm statistics as OFA's set_running_statistics does and write its BN file\n"
      "(the file `ofa-runtime infer --bn` and libraries read):\n"
      "  ofa-measure bn --weights supernet.pt --arch a.yaml --tensors calib.pt --batch-size 200 --out a_bn.pt\n"
      "  ofa-measure bn --weights supernet.pt --arch a.yaml --images imagenet/train --count 2000 --seed 0 --out a_bn.pt");
  c_bn->add_option("--weights", bn_weights, "Supernet state_dict (.pt; OFA's checkpoint layout too); random weights when absent");
  c_bn->add_option("--seed", bn.seed, "Seed of the draw and augmentation of --images, and of random weights (without --weights)");
  c_bn->add_option("--arch", bn_arch, "YAML file with one architecture {ks, e, d, r}")->required();
  c_bn->add_option("--space", bn.space, "ofa-mbv3-w1.2 (default), ofa-mbv3-w1.0, compofa-mbv3-w1.2");
  auto* o_tensors = c_bn->add_option("--tensors", bn_tensors, "Calibration images: one float32 tensor [N, 3, r, r], normalised, fed in order");
  auto* o_images = c_bn->add_option("--images", bn_images,
                                    "Calibration images: an ImageNet folder (DIR/<wnid>/<image>); --count of them drawn with --seed\n"
                                    "and augmented as OFA's calib_bn (RandomResizedCrop, flip, ColorJitter)");
  o_tensors->excludes(o_images);
  c_bn->add_option("--count", bn.count, "Images drawn from --images (default 2000, OFA's)");
  c_bn->add_option("--classes", bn.classes, "Class list for --images (default: the data folder's imagenet_classes.txt)");
  c_bn->add_option("--data-dir", bn.data_dir, "Data folder (default: $OFA_DATA_DIR, else ../shared/data)");
  c_bn->add_option("--threads", bn.threads, "Decoding threads for --images (default: all cores)");
  c_bn->add_flag("--skip-unreadable", bn.skip_unreadable, "Leave out images that cannot be read, and say how many");
  c_bn->add_option("--batch-size", bn.batch_size, "Images per batch; the last batch may be short (default 200)");
  c_bn->add_option("--out", bn_out, "Output BN file (.pt)")->required();

  ofa::runtime::CalibrateOptions cal;
  std::string cal_lut, cal_measured, cal_space;
  auto* c_cal = app.add_subcommand("calibrate",
                                   "Fit measured = a * LUT sum + b from a measured.yaml and store it beside the LUT "
                                   "(calibration.yaml, applied whenever the table is loaded)");
  c_cal->add_option("--lut", cal_lut, "LUT folder")->required();
  c_cal->add_option("--measured", cal_measured, "measured.yaml from ofa-measure latency")->required();
  c_cal->add_flag("--force", cal.force, "Write even into the shipped data folder (its tables then change for every user of it)");
  c_cal->add_option("--data-dir", cal.data_dir, "Data folder (default: $OFA_DATA_DIR, then ../shared/data)");

  ofa::runtime::AccuracyOptions acc;
  std::string acc_measured, acc_weights, acc_val, acc_calib, acc_out;
  int acc_top = 0, acc_spread = 0;
  bool acc_no_recal = false;
  auto* c_acc = app.add_subcommand(
      "accuracy",
      "Per row of a measured.yaml: recalibrate BN as OFA's calib_bn does, then evaluate top-1/top-5 on an ImageNet folder;\n"
      "writes measured_accuracy, top5, accuracy_images and the row's BN file (in <out>_bn/), for `ofa-search pareto --accuracy measured`.\n"
      "  ofa-measure accuracy --measured measured.yaml --weights ofa_mbv3_d234_e346_k357_w1.2 --val-images imagenet/val \\\n"
      "    --calib-images imagenet/train --out measured_acc.yaml");
  c_acc->add_option("--measured", acc_measured, "measured.yaml from ofa-measure latency")->required();
  c_acc->add_flag("--only-front", acc.selection.only_front, "Only the rows on the predicted front");
  auto* o_acc_top = c_acc->add_option("--top", acc_top, "Only the N rows of highest predicted accuracy");
  auto* o_acc_spread = c_acc->add_option("--spread", acc_spread, "N rows spread over the measured latency range");
  c_acc->add_option("--weights", acc_weights, "Supernet state_dict (.pt; OFA's checkpoint layout too); random weights when absent (figures then mean nothing)");
  c_acc->add_option("--val-images", acc_val, "Evaluation images: an ImageNet folder DIR/<wnid>/<image>")->required();
  c_acc->add_option("--limit", acc.limit, "Evaluate N images spread evenly over the folder (default: all)");
  auto* o_calib = c_acc->add_option("--calib-images", acc_calib, "Calibration images for BN (OFA: 2000 training images, augmented)");
  c_acc->add_option("--calib-count", acc.calib_count, "Calibration images drawn (default 2000)");
  c_acc->add_option("--calib-batch", acc.calib_batch, "Calibration batch size (default 200)");
  auto* o_norecal = c_acc->add_flag("--no-recalibrate", acc_no_recal, "Keep the supernet's BN statistics (wrong for any subnet but the largest)");
  o_calib->excludes(o_norecal);
  c_acc->add_option("--seed", acc.seed, "Seed of the calibration draw and augmentation, and of random weights (default 0)");
  c_acc->add_option("--batch-size", acc.batch_size, "Evaluation batch size (default 100)");
  c_acc->add_option("--decode-threads", acc.decode_threads, "Image decoding threads (default: all cores)");
  c_acc->add_option("--classes", acc.classes, "Class list (default: the data folder's imagenet_classes.txt)");
  c_acc->add_option("--data-dir", acc.data_dir, "Data folder (default: $OFA_DATA_DIR, else ../shared/data)");
  c_acc->add_flag("--skip-unreadable", acc.skip_unreadable, "Leave out images that cannot be read, and say how many");
  c_acc->add_flag("--resume", acc.resume, "Keep the rows already evaluated in --out (same settings) and evaluate the rest");
  c_acc->add_option("--device", acc.device.device, "cpu | cuda | cuda:N (default cpu)");
  c_acc->add_option("--engine", acc.device.engine, "optimized (default) | eager");
  c_acc->add_option("--threads", acc.device.threads, "LibTorch threads (0: LibTorch's default)");
  c_acc->add_flag("--allow-tf32", acc.device.allow_tf32, "Let cuDNN/cuBLAS use TF32 on CUDA (default: exact float32)");
  c_acc->add_flag("--quiet", acc.device.quiet, "No progress bar");
  c_acc->add_option("--out", acc_out, "Output measured.yaml (rewritten after each resolution's rows)")->required();

  ofa::runtime::LatencyModelOptions lm;
  lm.device.warmup = 3;
  lm.device.repeats = 5;
  std::string lm_lut, lm_out, lm_res;
  double lm_budget = 0;
  auto* c_lm = app.add_subcommand(
      "latency-model",
      "Fit a latency model of this device from networks measured end to end (interleaved rounds) and report it on held-out\n"
      "networks against the per-layer table, beside the machine's retest floor; DIR is a table folder a profile's `lut` can name.\n"
      "  ofa-measure latency-model --lut runs/local-cpu/lut --threads 1 --networks 90 --budget-minutes 10 --out runs/local-cpu/model");
  c_lm->add_option("--device", lm.device.device, "cpu | cuda | cuda:N (default cpu)");
  c_lm->add_option("--engine", lm.device.engine, "optimized (default) | eager: the engine the levels will run on");
  c_lm->add_option("--threads", lm.device.threads, "LibTorch threads (0: LibTorch's default)");
  c_lm->add_option("--networks", lm.networks, "Networks measured, spread over the latency range; a third held out (default 90)");
  c_lm->add_option("--rounds", lm.rounds, "Interleaved rounds, each timing every network (default 6)");
  c_lm->add_option("--repeats", lm.device.repeats, "Timed calls per network per round (default 5)");
  c_lm->add_option("--warmup", lm.device.warmup, "Untimed calls per network before the first round (default 3)");
  c_lm->add_option("--budget-minutes", lm_budget, "Fit the measurement into this time (fewer calls, then fewer rounds)");
  c_lm->add_option("--lut", lm_lut, "The per-layer table to start from (OFA layout); default: MACs at a fitted rate");
  c_lm->add_option("--resolutions", lm_res, "A list 160,192 or a range 160:224:16 (default 160,176,192,208,224)");
  c_lm->add_option("--space", lm.space, "ofa-mbv3-w1.2 (default), ofa-mbv3-w1.0, compofa-mbv3-w1.2");
  c_lm->add_option("--seed", lm.seed, "Seed of the networks' draw and the rounds' order (default 0)");
  c_lm->add_option("--regularization", lm.regularization, "Pull of the prior table on the fitted costs (default 0.1)");
  c_lm->add_option("--pin-cpus", lm.pin_cpus, "Pin the process to these CPUs while measuring, e.g. 0 or 0-1 (default: no pinning)");
  c_lm->add_flag("--allow-tf32", lm.device.allow_tf32, "TF32 on CUDA (default: exact float32)");
  c_lm->add_flag("--force", lm.force, "Replace --out if it exists and is not empty");
  c_lm->add_flag("--quiet", lm.device.quiet, "No progress bar");
  c_lm->add_option("--out", lm_out, "Output folder: <r>_lookup_table.json, quality.yaml, quality.svg, networks.yaml")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // The commands stop between candidates or layers on Ctrl-C, leaving only complete files.
  ofa::common::catch_interrupts();
  return ofa::common::run_tool("ofa-measure", "completed results are kept, --resume continues", [&] {
    if (c_lat->parsed()) {
      lat.candidates = cands;
      lat.out = out;
      if (*o_top) lat.selection.top = top;
      if (*o_spread) lat.selection.spread = spread;
      if (!weights.empty()) lat.weights = weights;
      lat.device.cancel = &ofa::common::interrupt_flag();
      const auto result = ofa::runtime::run_measure_latency(lat);
      if (!lat.device.quiet) std::cerr << "measure: " << result.rows.size() << " candidates in " << out << "\n";
    } else if (c_lut->parsed()) {
      if (!resolutions.empty()) lut.resolutions = parse_resolutions(resolutions);
      lut.out_dir = lut_out;
      lut.device.cancel = &ofa::common::interrupt_flag();
      ofa::runtime::run_build_lut(lut);
      if (!lut.device.quiet) std::cerr << "lut: written to " << lut_out << "\n";
    } else if (c_bn->parsed()) {
      if (!bn_weights.empty()) bn.weights = bn_weights;
      bn.arch = bn_arch;
      bn.tensors = bn_tensors;
      bn.images = bn_images;
      bn.out = bn_out;
      bn.cancel = &ofa::common::interrupt_flag();
      std::cerr << ofa::runtime::run_bn(bn) << "\n";
    } else if (c_acc->parsed()) {
      acc.measured = acc_measured;
      if (*o_acc_top) acc.selection.top = acc_top;
      if (*o_acc_spread) acc.selection.spread = acc_spread;
      if (!acc_weights.empty()) acc.weights = acc_weights;
      acc.val_images = acc_val;
      if (!acc_calib.empty()) acc.calib_images = acc_calib;
      else if (!acc_no_recal) throw ofa::common::Error("give --calib-images DIR (OFA's BN recalibration) or --no-recalibrate");
      acc.out = acc_out;
      acc.device.cancel = &ofa::common::interrupt_flag();
      std::string report;
      ofa::runtime::run_accuracy(acc, &report);
      std::cerr << report << "\n";
    } else if (c_lm->parsed()) {
      if (!lm_lut.empty()) lm.lut = lm_lut;
      if (!lm_res.empty()) lm.resolutions = parse_resolutions(lm_res);
      if (c_lm->count("--budget-minutes")) lm.budget_minutes = lm_budget;
      lm.out = lm_out;
      lm.device.cancel = &ofa::common::interrupt_flag();
      std::cerr << ofa::runtime::run_latency_model(lm) << "\n";
    } else if (c_cal->parsed()) {
      cal.lut = cal_lut;
      cal.measured = cal_measured;
      std::cout << ofa::runtime::run_calibrate(cal);
    }
  });
}
