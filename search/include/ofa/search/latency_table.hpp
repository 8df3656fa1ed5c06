// LatencyTable: a device's look-up table for one space, loaded from a folder and calibrated.
#pragma once
#include <filesystem>
#include <optional>

#include "ofa/common/lut_file.hpp"

#include "ofa/common/search_space.hpp"
#include "ofa/search/blockwise_table.hpp"

namespace ofa::search {

// A device's latency look-up table for one space: loaded from a folder of
// `<r>_lookup_table.json|yaml` files for the space's resolutions, with every key the
// space can need resolved once into integer-indexed arrays. A missing key is an error at
// load time, named with its file.
class LatencyTable {
 public:
  // A calibration.yaml in the folder (ofa-measure calibrate) is applied unless `calibrated`
  // is false: each layer's mean is scaled and the offset added once per network.
  static LatencyTable load(const std::filesystem::path& folder, const common::SearchSpace& space, bool calibrated = true);
  const std::optional<common::LutCalibration>& calibration() const { return calibration_; }

  // Predicted latency in ms: the sum of the subnet's layers' means.
  double operator()(const common::ArchConfig& arch) const { return table_(arch); }
  const BlockwiseTable& table() const { return table_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  BlockwiseTable table_;
  std::filesystem::path folder_;
  std::optional<common::LutCalibration> calibration_;
};

}  // namespace ofa::search
