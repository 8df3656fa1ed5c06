// ofa-runtime's C++ API, the one header an application includes (docs/deploy.md).
//
//   #include <ofa/runtime.hpp>
//   auto net = ofa::runtime::AdaptiveNetwork::load_bundle("bundle");   // `ofa-runtime export`'s folder
//   net.set_latency_target(25.0);                                       // ms per frame
//   torch::Tensor logits = net.infer(frame);                            // [N, 3, h, w] float32, normalised
//   int served = net.last_frame().level;
//
// Link `ofa::runtime` from `find_package(ofa_runtime CONFIG REQUIRED)`. Every error is thrown
// as ofa::common::Error (a std::runtime_error) with one line naming what is wrong.
#pragma once

#include "ofa/common/error.hpp"
#include "ofa/runtime/adaptive/adaptive_network.hpp"
#include "ofa/runtime/adaptive/bundle.hpp"
#include "ofa/runtime/adaptive/telemetry.hpp"
#include "ofa/runtime/images/image_decoder.hpp"
#include "ofa/runtime/images/image_transforms.hpp"
#include "ofa/runtime/version.h"
