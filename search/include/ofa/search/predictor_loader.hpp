// OFA's predictor state_dict read (torch-free) into an AccuracyPredictor.
#pragma once
#include <filesystem>

#include "ofa/search/accuracy_predictor.hpp"

namespace ofa::search {

// Reads OFA's predictor state_dict (`0.weight 0.bias 2.weight ...`, an nn.Sequential of
// Linear and ReLU) with LibTorch. Errors name the file and the key: a missing key, a
// shape mismatch, an unexpected key, a truncated file.
MlpWeights load_mlp_weights(const std::filesystem::path& file);
AccuracyPredictor load_predictor(const std::filesystem::path& file);

}  // namespace ofa::search
