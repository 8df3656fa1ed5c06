#include "ofa/search/latency_table.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "ofa/common/error.hpp"
#include "ofa/common/layers.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/number_format.hpp"

namespace ofa::search {

using namespace ofa::common;

LatencyTable LatencyTable::load(const std::filesystem::path& folder, const SearchSpace& space, bool calibrated) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) throw Error("latency table folder '" + folder.string() + "' does not exist");
  if (space.resolutions.empty()) throw Error("latency table: the space has no resolutions");
  struct Loaded {
    std::filesystem::path path;
    LutFile entries;
  };
  std::map<int, Loaded> files;
  for (int r : space.resolutions) {
    auto file = find_lut_file(folder, r);
    if (!file)
      throw Error(folder.string() + ": no table for resolution " + std::to_string(r) + " (expected " +
                  std::to_string(r) + "_lookup_table.json or .yaml)");
    // Read before the aggregate is built: GCC 11 does not destroy an aggregate's members already
    // made when a later initializer throws (the path leaked on a malformed file; GCC 12 does).
    LutFile entries = read_lut_file(*file);
    files[r] = Loaded{*file, std::move(entries)};
  }
  // Gather every missing key before failing, so one message lists the gap.
  std::string first_missing;
  std::set<std::string> missing;
  LatencyTable t;
  t.folder_ = folder;
  if (calibrated) t.calibration_ = read_lut_calibration(folder);
  const double scale = t.calibration_ ? t.calibration_->scale : 1.0;
  const double offset = t.calibration_ ? t.calibration_->offset_ms : 0.0;
  t.table_ = BlockwiseTable(space, [&](int r, const LayerSpec& layer) {
    const Loaded& f = files.at(r);
    const std::string key = lut_key(layer);
    auto it = f.entries.find(key);
    if (it == f.entries.end()) {
      if (missing.empty()) first_missing = f.path.string() + ": missing key '" + key + "'";
      missing.insert(f.path.string() + key);
      return 0.0;
    }
    // Every network has exactly one first conv: the offset is added there.
    return scale * it->second.mean + (layer.kind == LayerKind::FirstConv ? offset : 0.0);
  });
  if (!missing.empty()) {
    throw Error(first_missing + (missing.size() > 1 ? " (and " + std::to_string(missing.size() - 1) + " more keys the space " + space.name + " needs)" : ""));
  }
  // A calibration whose offset drives the space's smallest network to zero or below predicts
  // nonsense for every small network: refuse it rather than search on negative latencies.
  if (t.calibration_) {
    if (!std::isfinite(t.table_.max_value()) || !std::isfinite(t.table_.min_value()))
      throw Error(t.calibration_->file + ": scale " + format_g(t.calibration_->scale, 6) + ", offset_ms " + format_g(t.calibration_->offset_ms, 6) +
                  " make predicted latencies overflow to infinity");
    for (int r : space.resolutions) {
      const double smallest = t.table_.min_value_at(r);
      if (!(smallest > 0)) {
        char buf[320];
        std::snprintf(buf, sizeof buf, ": offset_ms = %g (scale %g) makes the smallest network of %s at r=%d predict %.4g ms; "
                      "a latency must be positive (recalibrate, or remove the file)", t.calibration_->offset_ms,
                      t.calibration_->scale, space.name.c_str(), r, smallest);
        throw Error(t.calibration_->file + buf);
      }
    }
  }
  return t;
}

}  // namespace ofa::search
