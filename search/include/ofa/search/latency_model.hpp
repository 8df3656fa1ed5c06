// The fitted latency model of a device, in OFA's table layout.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/lut_file.hpp"
#include "ofa/common/search_space.hpp"

namespace ofa::search {

// A latency model in OFA's table layout: latency(arch) = the sum of its layers' costs, per
// resolution r one table `<r>_lookup_table.json` (what every profile can point at). Fitted on
// end-to-end measurements: per-layer-key costs by non-negative least squares on relative
// errors, regularised towards a prior table (a per-layer table, or MACs times a rate), plus
// a per-resolution constant (launch and scheduling costs a per-layer table cannot see), which
// is folded into the first layer's entry (every network at r has it once).
using LatencyTables = std::map<int, common::LutFile>;

struct LatencyFitOptions {
  // Weight of the prior: lambda * sum_k ((x_k - prior_k) / prior_k)^2 beside the sum over
  // networks of ((predicted - measured) / measured)^2. Small: the data decides where it can.
  double regularization = 1e-2;
};

struct LatencyFit {
  LatencyTables tables;              // the model, constants folded
  std::map<int, double> constants;   // per resolution, ms (what was folded)
  int keys = 0;                      // costs fitted
  int clamped = 0;                   // costs the non-negativity held at 0
};

// Keys of every layer of `arch` (OFA's lut_key), in execution order.
std::vector<std::string> arch_keys(const common::SearchSpace& space, const common::ArchConfig& arch);

// The sum of the arch's entries; Error naming the key and resolution when one is missing.
double predict_latency(const LatencyTables& tables, const common::SearchSpace& space, const common::ArchConfig& arch);

// A prior from MACs: every key the space can have at `resolutions`, costing its MACs times
// `ms_per_mac`.
LatencyTables macs_prior(const common::SearchSpace& space, const std::vector<int>& resolutions, double ms_per_mac);

// Fits the model on measured networks (latency_ms > 0). Every key of every network must be
// in `prior`. Error when there are fewer networks than resolutions + 2 (the constants alone
// need that many).
LatencyFit fit_latency_model(const common::SearchSpace& space, const std::vector<common::ArchConfig>& archs,
                             const std::vector<double>& latency_ms, const LatencyTables& prior, const LatencyFitOptions& options);

}  // namespace ofa::search
