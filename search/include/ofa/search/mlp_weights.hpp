// The weights of a fully connected network (PyTorch's nn.Linear layout).
#pragma once
#include <string>
#include <vector>

namespace ofa::search {

// One fully connected layer, y = W x + b, W row-major [out x in] (PyTorch's nn.Linear layout).
struct DenseLayer {
  int out = 0;
  int in = 0;
  std::vector<float> weight;
  std::vector<float> bias;
};

// An MLP with ReLU between layers and none after the last, as OFA's accuracy predictor.
struct MlpWeights {
  std::vector<DenseLayer> layers;
  std::string source;  // where the weights came from, for messages
};

}  // namespace ofa::search
