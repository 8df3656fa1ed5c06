#include "ofa/runtime/device_options.hpp"

#include <torch/torch.h>

#include "ofa/common/error.hpp"
#include "ofa/runtime/engine.hpp"

namespace ofa::runtime {

using common::Error;

void check_device_options(const DeviceOptions& d) {
  if (d.warmup < 0) throw Error("--warmup " + std::to_string(d.warmup) + " must be >= 0");
  if (d.repeats < 1) throw Error("--repeats " + std::to_string(d.repeats) + " must be >= 1");
  if (d.threads < 0) throw Error("--threads " + std::to_string(d.threads) + " must be >= 0");
  parse_engine(d.engine);
}

void check_cancel(const DeviceOptions& d) {
  if (d.cancel && d.cancel->load()) throw Error("interrupted");
}

void apply_tf32(bool allow) {
  at::globalContext().setAllowTF32CuDNN(allow);
  at::globalContext().setAllowTF32CuBLAS(allow);
}

int apply_threads(int threads) {
  if (threads > 0) torch::set_num_threads(threads);
  return torch::get_num_threads();
}

}  // namespace ofa::runtime
