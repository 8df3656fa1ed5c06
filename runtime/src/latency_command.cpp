#include "ofa/runtime/latency_command.hpp"

#include "ofa/search/candidate_selection.hpp"
#include "ofa/runtime/measurement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include <torch/version.h>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/progress_bar.hpp"
#include "ofa/runtime/engine.hpp"
#include "ofa/runtime/subnet.hpp"
#include "ofa/search/library_builder.hpp"

namespace ofa::runtime {

using namespace ofa::common;

namespace {

bool same_settings(const common::MeasuredFile& a, const common::MeasuredFile& b) {
  return a.candidates == b.candidates && a.device == b.device && a.engine == b.engine && a.threads == b.threads && a.batch == b.batch &&
         a.warmup == b.warmup && a.repeats == b.repeats && a.weights == b.weights && a.allow_tf32 == b.allow_tf32;
}

}  // namespace

common::MeasuredFile run_measure_latency(const MeasureLatencyOptions& o) {
  check_device_options(o.device);
  if (o.batch < 1) throw Error("--batch " + std::to_string(o.batch) + " must be >= 1");
  search::check_selection(o.selection);
  const common::CandidatesFile cands = common::read_candidates(o.candidates);
  const SearchSpace space = search_space(cands.space, cands.elastic_kernel);
  const torch::Device device = parse_device(o.device.device);
  const int threads = apply_threads(o.device.threads);
  apply_tf32(o.device.allow_tf32);

  std::vector<common::CandidateRow> selected;
  // Spread over the predicted latency (or MACs) range.
  for (std::size_t i : search::select_candidates(cands.candidates, o.selection, [&](std::size_t k) {
         const common::CandidateRow& c = cands.candidates[k];
         return c.latency_ms ? *c.latency_ms : c.macs_m;
       }))
    selected.push_back(cands.candidates[i]);
  if (selected.empty()) throw Error(o.candidates.string() + ": no candidates to measure" + (o.selection.only_front ? " on the front" : ""));

  std::optional<Supernet> supernet;
  if (o.weights) supernet = Supernet::load(*o.weights, space);

  common::MeasuredFile out;
  out.candidates = o.candidates.string();
  out.lut_calibration = cands.lut_calibration;
  out.profile_name = cands.profile_name;
  out.space = cands.space;
  out.elastic_kernel = cands.elastic_kernel;
  out.machine = machine_description();
  out.libtorch = TORCH_VERSION;
  out.device = device.str();
  out.engine = o.device.engine;
  out.allow_tf32 = o.device.allow_tf32;
  out.threads = threads;
  out.batch = o.batch;
  out.warmup = o.device.warmup;
  out.repeats = o.device.repeats;
  out.weights = o.weights ? o.weights->string() : "random";

  std::error_code ec;
  if (o.resume && std::filesystem::exists(o.out, ec)) {
    common::MeasuredFile previous = common::read_measured(o.out);
    if (!same_settings(previous, out))
      throw Error(o.out.string() + ": was measured with other settings (candidates, device, threads, batch, warmup, repeats or weights); "
                  "use the same flags or another --out");
    for (const auto& row : previous.rows) {
      const bool wanted = std::any_of(selected.begin(), selected.end(), [&row](const auto& c) {
        return c.id == row.candidate.id && c.arch == row.candidate.arch;
      });
      if (wanted) out.rows.push_back(row);
    }
  }

  ProgressBar bar("measure", !o.device.quiet && ProgressBar::stderr_is_terminal());
  const TimingOptions timing{device, o.device.warmup, o.device.repeats};
  std::size_t done = 0;
  for (const auto& c : selected) {
    ++done;
    const bool measured = std::any_of(out.rows.begin(), out.rows.end(), [&c](const common::MeasuredRow& r) { return r.candidate.id == c.id; });
    if (measured) continue;
    check_cancel(o.device);
    Subnet net = supernet ? Subnet::from_supernet(space, c.arch, *supernet) : Subnet::random(space, c.arch, static_cast<std::uint64_t>(c.id));
    net.to(device);
    const Engine engine(net, parse_engine(o.device.engine));
    const torch::Tensor input = torch::randn({o.batch, 3, c.arch.r, c.arch.r}).to(device);
    torch::NoGradGuard no_grad;
    common::MeasuredRow row;
    row.candidate = c;
    row.measured = time_calls([&] { engine.forward(input); }, timing);
    out.rows.push_back(row);
    write_file_atomic(o.out, common::format_measured_yaml(out));
    bar.update(static_cast<double>(done) / static_cast<double>(selected.size()), "candidate " + std::to_string(c.id));
  }
  // Keep the file in the candidates' order whatever order a resumed run filled it in.
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const common::MeasuredRow& a, const common::MeasuredRow& b) { return a.candidate.id < b.candidate.id; });
  write_file_atomic(o.out, common::format_measured_yaml(out));
  return out;
}

}  // namespace ofa::runtime
