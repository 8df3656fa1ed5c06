#include "ofa/runtime/engine/engine_check.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "ofa/common/search_space.hpp"
#include "ofa/runtime/engine/subnet.hpp"
#include "ofa/runtime/engine/supernet.hpp"

namespace ofa::runtime {

namespace {

// Calls a served level gets before its first frame (the runtime's default --warmup).
constexpr int kServedWarmup = 5;
constexpr int kBatchOneCalls = 8;
constexpr int kBatchTwoCalls = 3;
constexpr std::uint64_t kSeed = 20211;

double max_abs_error(const torch::Tensor& a, const torch::Tensor& reference) {
  const torch::Tensor d = (a.to(torch::kCPU, torch::kFloat64) - reference).abs();
  // NaN anywhere is as wrong as an answer can be.
  if (torch::isnan(d).any().item<bool>()) return std::numeric_limits<double>::infinity();
  return d.max().item<double>();
}

}  // namespace

common::ArchConfig check_arch() {
  common::ArchConfig a;
  constexpr int kernels[] = {3, 5, 7}, expands[] = {3, 4, 6};
  for (int i = 0; i < common::kBlocks; ++i) {
    a.ks[static_cast<std::size_t>(i)] = kernels[i % 3];
    a.e[static_cast<std::size_t>(i)] = expands[(i / 3) % 3];
  }
  a.d = {2, 3, 4, 3, 2};
  a.r = 160;
  return a.canonical();
}

double check_tolerance(double scale) { return 2e-4 * std::max(1.0, scale); }

EngineCheckOutcome compare_calls(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const torch::Tensor& input,
                                 const torch::Tensor& reference, int calls, double tolerance) {
  EngineCheckOutcome o;
  o.tolerance = tolerance;
  for (int k = 0; k < calls; ++k) {
    const double e = max_abs_error(forward(input), reference);
    o.max_error = std::max(o.max_error, e);
    if (!(e <= tolerance) && o.first_wrong < 0) o.first_wrong = k;
    ++o.calls;
  }
  o.right = o.first_wrong < 0;
  return o;
}

EngineCheckOutcome check_engine(EngineKind kind, const torch::Device& device, OrtProvider provider) {
  const auto start = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  const common::SearchSpace space = common::search_space("ofa-mbv3-w1.2");
  const common::ArchConfig arch = check_arch();
  Subnet net = Subnet::from_supernet(space, arch, Supernet::random(space, kSeed));
  const Subnet reference_net = net.with_dtype(torch::kFloat64);
  at::Generator gen = at::detail::createCPUGenerator(kSeed);
  const torch::Tensor one = torch::randn({1, 3, arch.r, arch.r}, gen), two = torch::randn({2, 3, arch.r, arch.r}, gen);
  const torch::Tensor ref_one = reference_net.forward(one.to(torch::kFloat64)), ref_two = reference_net.forward(two.to(torch::kFloat64));

  net.to(device);
  const Engine engine(net, kind, nullptr, provider);  // warmed at build as a served level is
  const torch::Tensor zeros = torch::zeros({1, 3, arch.r, arch.r}, torch::TensorOptions().device(device));
  for (int k = 0; k < kServedWarmup; ++k) engine.forward(zeros);

  const double scale = std::max(ref_one.abs().max().item<double>(), ref_two.abs().max().item<double>());
  const auto run = [&](const torch::Tensor& x) { return engine.forward(x.to(device)); };
  EngineCheckOutcome o = compare_calls(run, one, ref_one, kBatchOneCalls, check_tolerance(scale));
  const EngineCheckOutcome batch = compare_calls(run, two, ref_two, kBatchTwoCalls, o.tolerance);
  if (o.right && !batch.right) o.first_wrong = o.calls + batch.first_wrong;
  o.right = o.right && batch.right;
  o.max_error = std::max(o.max_error, batch.max_error);
  o.calls += batch.calls;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

}  // namespace ofa::runtime
