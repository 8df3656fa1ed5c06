// Pareto fronts, non-dominated sorting and crowding distance.
#pragma once
#include <span>
#include <vector>

namespace ofa::search {

// A point to rank: lower efficiency (latency, MACs) and higher accuracy are better.
struct ParetoPoint {
  double efficiency;
  double accuracy;
};

// Whether each point is non-dominated: no other point is at least as good on both and
// better on one. Equal points are all kept. O(n log n).
std::vector<bool> pareto_mask(std::span<const ParetoPoint> points);

// a dominates b.
inline bool dominates(const ParetoPoint& a, const ParetoPoint& b) {
  return a.efficiency <= b.efficiency && a.accuracy >= b.accuracy &&
         (a.efficiency < b.efficiency || a.accuracy > b.accuracy);
}

}  // namespace ofa::search
