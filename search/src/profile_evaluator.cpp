#include "ofa/search/profile_evaluator.hpp"

#include "ofa/common/error.hpp"
#include "ofa/search/latency_table.hpp"
#include "ofa/search/predictor_loader.hpp"

namespace ofa::search {

using common::DeviceProfile;

Evaluator make_evaluator(const DeviceProfile& profile) {
  std::optional<AccuracyPredictor> predictor;
  if (profile.predictor) predictor = load_predictor(*profile.predictor);
  std::optional<LatencyTable> lut;
  if (profile.lut) {
    try {
      lut = LatencyTable::load(*profile.lut, profile.space);
    } catch (const common::Error& e) {
      // The table's own error names its folder; the user edits the profile, so name its key too.
      throw common::Error(profile.file.string() + ": key 'lut' (" + profile.lut->string() + "): " + e.what());
    }
  }
  return Evaluator(profile.space, std::move(predictor), std::move(lut));
}

}  // namespace ofa::search
