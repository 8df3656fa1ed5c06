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

namespace {

// One resolution's entries, with the file they came from (for messages).
struct Loaded {
  std::filesystem::path path;
  LutFile entries;
};

// The table file of each of the space's resolutions, read.
std::map<int, Loaded> read_tables(const std::filesystem::path& folder, const SearchSpace& space) {
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
  return files;
}

// Every key the space needs, scaled and offset; every missing key is gathered before failing,
// so one message lists the gap.
BlockwiseTable resolve_keys(const std::map<int, Loaded>& files, const SearchSpace& space, double scale, double offset) {
  std::string first_missing;
  std::set<std::string> missing;
  BlockwiseTable table(space, [&](int r, const LayerSpec& layer) {
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
  return table;
}

// A calibration whose offset drives the space's smallest network to zero or below predicts
// nonsense for every small network: refuse it rather than search on negative latencies.
void check_calibrated(const LutCalibration& c, const BlockwiseTable& table, const SearchSpace& space) {
  if (!std::isfinite(table.max_value()) || !std::isfinite(table.min_value()))
    throw Error(c.file + ": scale " + format_g(c.scale, 6) + ", offset_ms " + format_g(c.offset_ms, 6) +
                " make predicted latencies overflow to infinity");
  for (int r : space.resolutions) {
    const double smallest = table.min_value_at(r);
    if (!(smallest > 0)) {
      char buf[320];
      std::snprintf(buf, sizeof buf, ": offset_ms = %g (scale %g) makes the smallest network of %s at r=%d predict %.4g ms; "
                    "a latency must be positive (recalibrate, or remove the file)", c.offset_ms,
                    c.scale, space.name.c_str(), r, smallest);
      throw Error(c.file + buf);
    }
  }
}

}  // namespace

LatencyTable LatencyTable::load(const std::filesystem::path& folder, const SearchSpace& space, bool calibrated) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) throw Error("latency table folder '" + folder.string() + "' does not exist");
  if (space.resolutions.empty()) throw Error("latency table: the space has no resolutions");
  const std::map<int, Loaded> files = read_tables(folder, space);
  LatencyTable t;
  t.folder_ = folder;
  if (calibrated) t.calibration_ = read_lut_calibration(folder);
  const double scale = t.calibration_ ? t.calibration_->scale : 1.0;
  const double offset = t.calibration_ ? t.calibration_->offset_ms : 0.0;
  t.table_ = resolve_keys(files, space, scale, offset);
  if (t.calibration_) check_calibrated(*t.calibration_, t.table_, space);
  return t;
}

}  // namespace ofa::search
