// The evaluator a device profile describes: its space, and its predictor and LUT when it names them.
#pragma once
#include "ofa/common/profile.hpp"
#include "ofa/search/evaluator.hpp"

namespace ofa::search {

Evaluator make_evaluator(const common::DeviceProfile& profile);

}  // namespace ofa::search
