#include "search/commands/pareto_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include "ofa/common/error.hpp"
#include "ofa/common/library_inputs.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/int8_calibration_file.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/search/front_plot.hpp"

namespace ofa::search {

using common::write_file_atomic;

std::string run_pareto(const ParetoOptions& o) {
  const common::MeasuredFile m = common::read_measured(o.measured);
  // The driver checked the outputs against the flags; the measured file's weights and its rows'
  // BN files (which the library will name) are inputs too.
  const std::vector<common::NamedInput> inputs = common::measured_inputs(m, o.measured);
  common::check_output_spares_inputs("--out", o.out, inputs);
  if (!o.plot.empty()) common::check_output_spares_inputs("--plot", o.plot, inputs);
  common::LibraryFile lib = build_library(m, o.measured.string(), o.levels, o.accuracy);
  // measured.yaml names the weights from the working directory; the library, from its own folder.
  lib.weights = common::weights_for_library(lib.weights, o.out);
  // BN files written by `ofa-measure accuracy` sit beside measured.yaml; the library names
  // them from its own folder. A level whose file is gone would fail only when served: say so now.
  for (common::Level& l : lib.levels) {
    if (!l.bn.empty()) {
      const std::filesystem::path bn = std::filesystem::path(l.bn).is_absolute() ? std::filesystem::path(l.bn) : o.measured.parent_path() / l.bn;
      std::error_code ec;
      if (!std::filesystem::is_regular_file(bn, ec))
        throw common::Error(o.measured.string() + ": candidate " + std::to_string(l.candidate_id) + "'s BN file " + bn.string() +
                            " does not exist (ofa-measure accuracy writes it beside the measured file)");
      common::check_bn_file(bn, o.measured.string() + ": candidate " + std::to_string(l.candidate_id) + "'s BN file");
      l.bn = common::rebase_relative(l.bn, o.measured.parent_path(), o.out.parent_path());
    }
    if (!l.precision.int8.empty()) {
      const std::filesystem::path f = o.measured.parent_path() / l.precision.int8;  // an absolute path stays itself
      (void)common::read_int8_calibration(f);  // a level whose calibration is gone or damaged would fail only when served
      l.precision.int8 = common::rebase_relative(l.precision.int8, o.measured.parent_path(), o.out.parent_path());
    }
  }
  std::size_t with_accuracy = 0;
  for (const common::MeasuredRow& r : m.rows) with_accuracy += r.measured_accuracy.has_value();
  common::OutputSet outputs;  // the library and its plot, or neither
  outputs.add(o.out, common::format_library_yaml(lib));
  if (!o.plot.empty()) {
    const common::LibraryFile front = build_library(m, o.measured.string(), 0, o.accuracy);
    outputs.add(o.plot, plot_front_svg(m, front, lib,
                                             (m.profile_name.empty() ? std::string("front") : m.profile_name) + ": " + std::to_string(lib.levels.size()) +
                                                 " levels of " + std::to_string(front.levels.size()) + " front points, " + lib.accuracy_source +
                                                 " accuracy, " + m.device));
  }
  outputs.commit();
  std::string s = "level  latency_ms(median)  p90      accuracy  r    candidate  precision\n";
  char line[160];
  for (std::size_t i = 0; i < lib.levels.size(); ++i) {
    const common::Level& l = lib.levels[i];
    std::snprintf(line, sizeof line, "%5zu  %18.3f  %7.3f  %8.5f  %3d  %9d  %s\n", i, l.latency_median_ms, l.latency_p90_ms, l.accuracy,
                  l.arch.r, l.candidate_id, l.precision.precision.c_str());
    s += line;
  }
  s += "pareto: " + std::to_string(lib.levels.size()) + " levels from " + std::to_string(m.rows.size()) + " measured rows (" +
       lib.accuracy_source + " accuracy) written to " + o.out.string() + (o.plot.empty() ? "" : ", plot " + o.plot.string()) + "\n";
  if (o.accuracy == AccuracySource::Measured && with_accuracy < m.rows.size())
    s += "pareto: " + std::to_string(m.rows.size() - with_accuracy) + " rows without measured_accuracy left out\n";
  const auto int8_rows = std::count_if(m.rows.begin(), m.rows.end(), [](const common::MeasuredRow& r) { return r.precision.precision == common::kInt8; });
  if (o.accuracy == AccuracySource::Predicted && int8_rows > 0)
    s += "pareto: " + std::to_string(int8_rows) + " int8 rows left out (ranked by measured accuracy only: --accuracy measured)\n";
  return s;
}

}  // namespace ofa::search
