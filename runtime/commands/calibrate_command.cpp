#include "runtime/commands/calibrate_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <set>
#include <vector>

#include "ofa/common/error.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/search/latency_table.hpp"

namespace ofa::runtime {

using namespace ofa::common;
using common::MeasuredFile;
using common::read_measured;

namespace {

// Whether `path` lies inside `folder` (both resolved, so links and ../ do not hide it).
bool inside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code ec;
  const auto p = std::filesystem::weakly_canonical(path, ec);
  const auto f = std::filesystem::weakly_canonical(folder, ec);
  if (ec) return false;
  const auto [fi, pi] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  return fi == f.end() || (fi->empty() && std::next(fi) == f.end());  // a trailing '/' is an empty last element
}

// The calibration is written into --lut: a folder, never the measured file it is fitted to
// (given directly or through a link), never the shipped data folder unless asked.
void check_calibration_target(const CalibrateOptions& o) {
  std::error_code ec;
  if (std::filesystem::exists(o.lut, ec) && !std::filesystem::is_directory(o.lut, ec))
    throw Error("--lut " + o.lut.string() + " is a file; it names the folder of a latency table (<r>_lookup_table.json files)");
  common::check_output_spares_inputs("the calibration", calibration_path(o.lut), {{"--measured", o.measured}},
                                     "give --measured a file outside --lut's calibration.yaml");
  if (o.into_data_dir) return;
  std::optional<std::filesystem::path> data;
  try {
    data = resolve_data_dir(o.data_dir);
  } catch (const Error&) {  // no data folder: nothing shipped to protect
  }
  if (data && inside(o.lut, *data))
    throw Error("--lut " + o.lut.string() + " is inside the data folder " + data->string() +
                ": a calibration there changes the table for every profile that uses it; copy the table to a folder of "
                "your own and calibrate that, or pass --into-data-dir");
}

// Every reader refuses a calibration that drives the smallest network to 0 ms or below, at any
// resolution of the space (LatencyTable::load): refuse to write one, checking every resolution
// the table has, measured or not.
void check_smallest_positive(const CalibrateOptions& o, const common::MeasuredFile& m, const LinearFit& fit) {
  SearchSpace full = search_space(m.space, m.elastic_kernel);
  std::vector<int> tabled;
  for (int r : full.resolutions)
    if (find_lut_file(o.lut, r)) tabled.push_back(r);
  full.resolutions = tabled;
  const auto whole = search::LatencyTable::load(o.lut, full, /*calibrated=*/false);
  for (int r : full.resolutions) {
    const double smallest = fit.a * whole.table().min_value_at(r) + fit.b;
    if (smallest > 0) continue;
    char buf[320];
    std::snprintf(buf, sizeof buf, "calibrate: the fit (scale %.4g, offset %.4g ms) predicts %.4g ms for the smallest network at r=%d; "
                  "nothing written (measure candidates that reach down to the small networks)", fit.a, fit.b, smallest, r);
    throw Error(buf);
  }
}

// The uncalibrated table's sum and the measured median of every row.
void table_and_measured(const CalibrateOptions& o, const common::MeasuredFile& m, std::vector<double>& sums, std::vector<double>& measured) {
  SearchSpace space = search_space(m.space, m.elastic_kernel);
  std::set<int> rs;
  for (const auto& row : m.rows) rs.insert(row.candidate.arch.r);
  space.resolutions.assign(rs.begin(), rs.end());
  const auto table = search::LatencyTable::load(o.lut, space, /*calibrated=*/false);
  for (std::size_t i = 0; i < m.rows.size(); ++i) {
    // The table is float32's: an int8 row's time is another network's.
    if (m.rows[i].precision.precision != common::kFp32) continue;
    if (!(m.rows[i].measured.median_ms > 0) || !std::isfinite(m.rows[i].measured.median_ms))
      throw Error(o.measured.string() + ": measurements[" + std::to_string(i) + "] (candidate " + std::to_string(m.rows[i].candidate.id) +
                  "): median_ms = " + std::to_string(m.rows[i].measured.median_ms) + " is not a positive latency");
    sums.push_back(table(m.rows[i].candidate.arch));
    measured.push_back(m.rows[i].measured.median_ms);
  }
}

}  // namespace

std::string run_calibrate(const CalibrateOptions& o) {
  check_calibration_target(o);
  const common::MeasuredFile m = common::read_measured(o.measured);
  if (m.rows.size() < 3) throw Error(o.measured.string() + ": calibration needs at least 3 measured candidates, has " + std::to_string(m.rows.size()));
  std::vector<double> sums, measured;
  table_and_measured(o, m, sums, measured);
  const LinearFit fit = fit_line(sums, measured);
  if (!(fit.a > 0)) throw Error("calibrate: the fitted scale " + std::to_string(fit.a) + " is not positive; the table does not track the measurements");
  check_smallest_positive(o, m, fit);
  std::vector<double> corrected;
  for (double s : sums) corrected.push_back(fit.a * s + fit.b);
  LutCalibration c;
  c.scale = fit.a;
  c.offset_ms = fit.b;
  c.points = static_cast<int>(sums.size());
  c.mape_before = mape(sums, measured);
  c.mape_after = mape(corrected, measured);
  c.spearman = spearman(sums, measured);
  c.measured = o.measured.string();
  write_lut_calibration(o.lut, c);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "calibration of %s from %d measured networks:\n  latency = %.4f * table sum %+.4f ms\n"
                "  Spearman rank correlation %.4f\n  MAPE before %.2f %%, after %.2f %%\n  written to %s\n",
                o.lut.string().c_str(), c.points, c.scale, c.offset_ms, c.spearman, c.mape_before, c.mape_after,
                calibration_path(o.lut).string().c_str());
  return buf;
}

}  // namespace ofa::runtime
