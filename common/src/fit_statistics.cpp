#include "ofa/common/fit_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "ofa/common/error.hpp"

namespace ofa::common {

namespace {

std::vector<double> ranks(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return (sxx > 0 && syy > 0) ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace

double spearman(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) throw Error("spearman: need two equal-length lists of at least 2 values");
  return pearson(ranks(x), ranks(y));
}

double mape(std::span<const double> predicted, std::span<const double> measured) {
  if (predicted.size() != measured.size() || predicted.empty()) throw Error("mape: need two equal-length, non-empty lists");
  double s = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) s += std::abs(predicted[i] - measured[i]) / measured[i];
  return 100.0 * s / static_cast<double>(predicted.size());
}

LinearFit fit_line(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) throw Error("fit: need at least 2 points");
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  if (sxx <= 0) throw Error("fit: all table sums are equal; measure networks of different sizes");
  LinearFit f;
  f.a = sxy / sxx;
  f.b = my - f.a * mx;
  return f;
}

}  // namespace ofa::common
