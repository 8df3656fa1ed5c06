// Training OFA's MLP accuracy predictor from measured accuracy: MSE, Adam, on Eigen, deterministic.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ofa/common/arch_config.hpp"
#include "ofa/common/reporter.hpp"
#include "ofa/search/mlp_weights.hpp"

namespace ofa::search {

// OFA's predictor for the MobileNetV3 spaces: 128 -> 400 -> 400 -> 400 -> 1, ReLU between.
inline constexpr int kPredictorHidden = 400;
inline constexpr int kPredictorHiddenLayers = 3;

struct TrainingSample {
  common::ArchConfig arch;
  double accuracy = 0;  // a fraction
};

struct TrainingOptions {
  int epochs = 100;
  int batch_size = 64;
  double lr = 1e-3;            // OFA's recipe (once-for-all issue #30); annealed to 0 over the epochs (cosine)
  double weight_decay = 1e-4;  // L2 added to the gradient, as torch.optim.Adam's weight_decay
  double holdout = 0.2;        // fraction of the samples held out for the figures
  std::uint64_t seed = 0;
  int threads = 0;             // 0: OpenMP's default; the result does not depend on it
  // From scratch: train on the standardised label and fold the scale back (predictor_training.cpp
  // says why); false trains on the raw accuracy, as OFA's recipe states it.
  bool standardize = true;
};

// How a predictor predicts a set of samples.
struct PredictionMetrics {
  int count = 0;
  double spearman = 0, rmse = 0, mae = 0;
};

struct TrainingResult {
  MlpWeights weights;  // the mean-accuracy base folded into the last bias (OFA's layout)
  int trained = 0;     // samples trained on
  int held_out = 0;
  PredictionMetrics final_metrics;                 // on the held-out samples (count 0 without)
  std::optional<PredictionMetrics> init_metrics;   // the --init predictor on the same samples
  std::vector<double> epoch_rmse;                  // held-out RMSE after each epoch (empty without)
  double label_scale = 1;                          // the labels' standard deviation trained against (1: raw)
};

// PyTorch's nn.Linear default initialisation (kaiming_uniform(a=sqrt(5)): weights and biases
// uniform in +-1/sqrt(in)) for layers of `sizes` (inputs first), from our seeded generator.
MlpWeights initial_mlp(std::span<const int> sizes, std::uint64_t seed);

// Mean squared error of `weights` (plus `base` on the output) over `archs` against `targets`,
// and its gradient into `grad` (resized to the weights' shapes). Rows are processed in fixed
// chunks whose gradients are summed in chunk order, so the result is bit-identical whatever
// `threads` is.
double mse_gradient(const MlpWeights& weights, float base, std::span<const common::ArchConfig> archs,
                    std::span<const float> targets, MlpWeights& grad, int threads);

// One step of torch.optim.Adam (betas 0.9, 0.999, eps 1e-8, L2 weight decay) on flat values.
struct AdamState {
  std::vector<float> m, v;
  std::int64_t step = 0;
};
void adam_step(std::span<float> params, std::span<const float> grad, AdamState& state, double lr, double weight_decay);

// Spearman, RMSE and MAE of predictions against targets.
PredictionMetrics prediction_metrics(std::span<const double> predicted, std::span<const double> targets);

// Trains from `init` (a predictor to fine-tune; its last bias is the base kept fixed) or, when
// null, from initial_mlp with the base set to the training samples' mean accuracy (OFA's
// recipe). The held-out samples are drawn with the seed; progress (held-out RMSE per epoch)
// goes to `reporter`. Error when there are fewer training samples than a batch, or the loss
// becomes non-finite (naming the epoch), or on cancel.
TrainingResult train_predictor(std::span<const TrainingSample> samples, const MlpWeights* init, const TrainingOptions& options,
                               const common::Reporter& reporter);

}  // namespace ofa::search
