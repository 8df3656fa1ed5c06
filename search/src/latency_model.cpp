#include "ofa/search/latency_model.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

#include "ofa/common/error.hpp"
#include "ofa/common/layers.hpp"

namespace ofa::search {

using common::Error;

std::vector<std::string> arch_keys(const common::SearchSpace& space, const common::ArchConfig& arch) {
  std::vector<std::string> keys;
  for (const common::LayerSpec& l : common::enumerate_layers(space, arch)) keys.push_back(common::lut_key(l));
  return keys;
}

double predict_latency(const LatencyTables& tables, const common::SearchSpace& space, const common::ArchConfig& arch) {
  const auto t = tables.find(arch.r);
  if (t == tables.end()) throw Error("the latency model has no table for r = " + std::to_string(arch.r));
  double sum = 0;
  for (const std::string& k : arch_keys(space, arch)) {
    const auto e = t->second.find(k);
    if (e == t->second.end()) throw Error("the latency table for r = " + std::to_string(arch.r) + " has no key '" + k + "'");
    sum += e->second.mean;
  }
  return sum;
}

LatencyTables macs_prior(const common::SearchSpace& space, const std::vector<int>& resolutions, double ms_per_mac) {
  LatencyTables out;
  for (int r : resolutions) {
    common::LutFile& t = out[r];
    auto add = [&](const common::LayerSpec& l) { t[common::lut_key(l)] = {1, common::layer_macs(l) * ms_per_mac, 0}; };
    for (const auto& l : common::stem_layers(space, r)) add(l);
    for (const auto& l : common::head_layers(space, r)) add(l);
    for (int b = 0; b < common::kBlocks; ++b)
      for (int ks : space.ks_choices)
        for (int e : space.e_choices) add(common::block_layer(space, r, b, ks, e));
  }
  return out;
}

namespace {

std::vector<int> sorted_resolutions(const std::vector<common::ArchConfig>& archs) {
  std::vector<int> resolutions;
  for (const auto& a : archs)
    if (std::find(resolutions.begin(), resolutions.end(), a.r) == resolutions.end()) resolutions.push_back(a.r);
  std::sort(resolutions.begin(), resolutions.end());
  return resolutions;
}

// Columns: every key the networks use (per resolution), then one constant per resolution.
struct KeyColumns {
  std::vector<std::pair<int, std::string>> names;  // the keys' columns, in order of first use
  std::vector<std::vector<int>> rows;              // per network: the columns of its keys
};

// Checks each network's latency and that the prior has its keys, network by network.
KeyColumns key_columns(const common::SearchSpace& space, const std::vector<common::ArchConfig>& archs, const std::vector<double>& y,
                       const LatencyTables& prior) {
  std::map<std::pair<int, std::string>, int> column;
  KeyColumns c;
  c.rows.resize(archs.size());
  for (std::size_t n = 0; n < archs.size(); ++n) {
    if (!(y[n] > 0) || !std::isfinite(y[n])) throw Error("network " + std::to_string(n) + ": latency " + std::to_string(y[n]) + " ms is not positive");
    const auto table = prior.find(archs[n].r);
    if (table == prior.end()) throw Error("the prior table has no resolution " + std::to_string(archs[n].r));
    for (const std::string& k : arch_keys(space, archs[n])) {
      if (!table->second.count(k)) throw Error("the prior table for r = " + std::to_string(archs[n].r) + " has no key '" + k + "'");
      const auto [it, added] = column.emplace(std::pair{archs[n].r, k}, static_cast<int>(c.names.size()));
      if (added) c.names.push_back(it->first);
      c.rows[n].push_back(it->second);
    }
  }
  return c;
}

// The keys' prior values x0 and the weights v of the pull towards them.
struct PriorPull {
  Eigen::VectorXd x0, v;
};

PriorPull prior_pull(const LatencyTables& prior, const std::vector<std::pair<int, std::string>>& names, double regularization) {
  const int K = static_cast<int>(names.size());
  PriorPull pull{Eigen::VectorXd(K), Eigen::VectorXd(K)};
  for (int k = 0; k < K; ++k) {
    pull.x0(k) = prior.at(names[static_cast<std::size_t>(k)].first).at(names[static_cast<std::size_t>(k)].second).mean;
    // Relative deviation from the prior; a floor keeps near-zero priors from being rigid.
    const double scale = std::max(pull.x0(k), 1e-3);
    pull.v(k) = regularization / (scale * scale);
  }
  return pull;
}

// Normal equations of the weighted problem (rows divided by the measured latency): A'A and A'b.
std::pair<Eigen::MatrixXd, Eigen::VectorXd> normal_equations(const std::vector<common::ArchConfig>& archs, const std::vector<double>& y,
                                                             const KeyColumns& cols, const std::vector<int>& resolutions) {
  const int K = static_cast<int>(cols.names.size()), P = K + static_cast<int>(resolutions.size());
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(archs.size()), P);
  Eigen::VectorXd b(static_cast<Eigen::Index>(archs.size()));
  for (std::size_t n = 0; n < archs.size(); ++n) {
    const double w = 1.0 / y[n];
    for (int c : cols.rows[n]) A(static_cast<Eigen::Index>(n), c) += w;
    const int ri = static_cast<int>(std::find(resolutions.begin(), resolutions.end(), archs[n].r) - resolutions.begin());
    A(static_cast<Eigen::Index>(n), K + ri) = w;
    b(static_cast<Eigen::Index>(n)) = 1.0;
  }
  const Eigen::MatrixXd AtA = A.transpose() * A;
  const Eigen::VectorXd Atb = A.transpose() * b;
  return {AtA, Atb};
}

// The regularised problem solved with the columns `free` only (the others zero in the result).
Eigen::VectorXd solve_free(const Eigen::MatrixXd& AtA, const Eigen::VectorXd& Atb, const PriorPull& pull, const std::vector<int>& free) {
  const int K = static_cast<int>(pull.x0.size()), P = static_cast<int>(AtA.rows());
  const Eigen::Index F = static_cast<Eigen::Index>(free.size());
  Eigen::MatrixXd M(F, F);
  Eigen::VectorXd rhs(F);
  for (Eigen::Index i = 0; i < F; ++i) {
    const int p = free[static_cast<std::size_t>(i)];
    rhs(i) = Atb(p) + (p < K ? pull.v(p) * pull.x0(p) : 0.0);
    for (Eigen::Index j = 0; j < F; ++j) M(i, j) = AtA(p, free[static_cast<std::size_t>(j)]);
    if (p < K) M(i, i) += pull.v(p);
  }
  // The constants are not regularised; a tiny ridge keeps M invertible when a resolution's
  // constant is collinear with keys every network at it has.
  for (Eigen::Index i = 0; i < F; ++i)
    if (free[static_cast<std::size_t>(i)] >= K) M(i, i) += 1e-12;
  const Eigen::VectorXd sol = M.ldlt().solve(rhs);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(P);
  for (Eigen::Index i = 0; i < F; ++i) x(free[static_cast<std::size_t>(i)]) = sol(i);
  return x;
}

// Active set: solve with the keys not held at zero free; hold at zero those that go
// negative; repeat (the constants are never held). `held` marks the keys held at the end.
Eigen::VectorXd active_set_solve(const Eigen::MatrixXd& AtA, const Eigen::VectorXd& Atb, const PriorPull& pull, std::vector<char>& held) {
  const int K = static_cast<int>(pull.x0.size()), P = static_cast<int>(AtA.rows());
  held.assign(static_cast<std::size_t>(K), 0);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(P);
  for (int iteration = 0; iteration <= K; ++iteration) {
    std::vector<int> free;
    for (int p = 0; p < P; ++p)
      if (p >= K || !held[static_cast<std::size_t>(p)]) free.push_back(p);
    x = solve_free(AtA, Atb, pull, free);
    bool changed = false;
    for (int k = 0; k < K; ++k)
      if (!held[static_cast<std::size_t>(k)] && x(k) < 0) {
        held[static_cast<std::size_t>(k)] = 1;
        changed = true;
      }
    if (!changed) break;
  }
  return x;
}

// The prior with the fitted keys and each resolution's constant folded in.
LatencyFit fitted_model(const common::SearchSpace& space, const LatencyTables& prior, const std::vector<std::pair<int, std::string>>& names,
                        const std::vector<int>& resolutions, const Eigen::VectorXd& x, const std::vector<char>& held) {
  const int K = static_cast<int>(names.size()), R = static_cast<int>(resolutions.size());
  LatencyFit fit;
  fit.keys = K;
  fit.tables = prior;  // keys no network used keep the prior
  for (int k = 0; k < K; ++k) {
    fit.tables[names[static_cast<std::size_t>(k)].first][names[static_cast<std::size_t>(k)].second] = {1, std::max(0.0, x(k)), 0};
    fit.clamped += held[static_cast<std::size_t>(k)];
  }
  for (int ri = 0; ri < R; ++ri) {
    const int r = resolutions[static_cast<std::size_t>(ri)];
    fit.constants[r] = x(K + ri);
    // Folded into the first layer, which every network at r has exactly once.
    const std::string first = common::lut_key(common::stem_layers(space, r).front());
    common::LutEntry& e = fit.tables[r][first];
    e.mean = std::max(0.0, e.mean + x(K + ri));
  }
  // Resolutions of the prior no network was measured at: dropped, so the model never claims
  // a table it was not fitted for.
  for (auto it = fit.tables.begin(); it != fit.tables.end();)
    it = std::find(resolutions.begin(), resolutions.end(), it->first) == resolutions.end() ? fit.tables.erase(it) : std::next(it);
  return fit;
}

}  // namespace

LatencyFit fit_latency_model(const common::SearchSpace& space, const std::vector<common::ArchConfig>& archs,
                             const std::vector<double>& y, const LatencyTables& prior, const LatencyFitOptions& o) {
  if (archs.size() != y.size()) throw std::invalid_argument("one latency per network");
  const std::vector<int> resolutions = sorted_resolutions(archs);
  if (archs.size() < resolutions.size() + 2)
    throw Error("too few networks to fit: " + std::to_string(archs.size()) + " for " + std::to_string(resolutions.size()) +
                " resolutions (at least resolutions + 2)");
  if (!(o.regularization > 0)) throw Error("the regularization must be positive");
  const KeyColumns cols = key_columns(space, archs, y, prior);
  const PriorPull pull = prior_pull(prior, cols.names, o.regularization);
  const auto [AtA, Atb] = normal_equations(archs, y, cols, resolutions);
  std::vector<char> held;
  const Eigen::VectorXd x = active_set_solve(AtA, Atb, pull, held);
  return fitted_model(space, prior, cols.names, resolutions, x, held);
}

}  // namespace ofa::search
