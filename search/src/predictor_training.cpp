#include "ofa/search/predictor_training.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <numeric>

#include <Eigen/Core>
#include <omp.h>

#include "ofa/common/encoding.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/fit_statistics.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/search/accuracy_predictor.hpp"
#include "ofa/search/random.hpp"

namespace ofa::search {

using common::Error;

namespace {

// Rows per chunk: each chunk's gradient is computed with the same matrix shapes whichever
// thread runs it, and the chunks are summed in order, so no thread count changes a bit.
constexpr int kChunk = 32;

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<RowMatrix>;
using ConstMap = Eigen::Map<const RowMatrix>;

void shape_like(const MlpWeights& w, MlpWeights& g) {
  g.layers.resize(w.layers.size());
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    g.layers[l].out = w.layers[l].out;
    g.layers[l].in = w.layers[l].in;
    g.layers[l].weight.resize(w.layers[l].weight.size());
    g.layers[l].bias.resize(w.layers[l].bias.size());
  }
}

// Row after row: Eigen's colwise().sum() picks its summation order by the memory's alignment,
// which differs between threads' buffers.
void column_sums(const RowMatrix& d, std::vector<float>& out) {
  Eigen::Map<Eigen::RowVectorXf> sum(out.data(), d.cols());
  sum.setZero();
  for (Eigen::Index i = 0; i < d.rows(); ++i) sum += d.row(i);
}

// Loss sum of one chunk and its gradient of (scale/2 * sum of squared errors), assigned to `g`.
double chunk_gradient(const MlpWeights& w, const RowMatrix& w0t, float base, std::span<const common::ArchConfig> archs,
                      std::span<const float> targets, float scale, MlpWeights& g) {
  const int n = static_cast<int>(archs.size());
  const std::size_t layers = w.layers.size();
  const int h0 = w.layers[0].out;
  std::vector<RowMatrix> act(layers);
  // The first layer reads a one-hot code: a sum of at most 41 weight columns per row.
  std::vector<std::array<std::uint8_t, 41>> pos(n);
  std::vector<int> active(n);
  act[0].resize(n, h0);
  const Eigen::Map<const Eigen::RowVectorXf> b0(w.layers[0].bias.data(), h0);
  for (int i = 0; i < n; ++i) {
    active[i] = common::encode_active(archs[i], pos[i]);
    auto row = act[0].row(i);
    row = b0;
    for (int j = 0; j < active[i]; ++j) row += w0t.row(pos[i][j]);
  }
  act[0] = act[0].cwiseMax(0.0f);
  for (std::size_t l = 1; l < layers; ++l) {
    const auto& L = w.layers[l];
    act[l].noalias() = act[l - 1] * ConstMap(L.weight.data(), L.out, L.in).transpose();
    act[l].rowwise() += Eigen::Map<const Eigen::RowVectorXf>(L.bias.data(), L.out);
    if (l + 1 < layers) act[l] = act[l].cwiseMax(0.0f);
  }
  RowMatrix d(n, 1);
  double loss = 0;
  for (int i = 0; i < n; ++i) {
    const float e = act[layers - 1](i, 0) + base - targets[i];
    loss += static_cast<double>(e) * e;
    d(i, 0) = scale * e;
  }
  for (std::size_t l = layers - 1; l >= 1; --l) {
    auto& G = g.layers[l];
    Map(G.weight.data(), G.out, G.in).noalias() = d.transpose() * act[l - 1];
    column_sums(d, G.bias);
    RowMatrix prev = d * ConstMap(w.layers[l].weight.data(), w.layers[l].out, w.layers[l].in);
    d = prev.cwiseProduct((act[l - 1].array() > 0.0f).cast<float>().matrix());
  }
  auto& G0 = g.layers[0];
  column_sums(d, G0.bias);
  RowMatrix g0t = RowMatrix::Zero(common::kEncodingSize, h0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < active[i]; ++j) g0t.row(pos[i][j]) += d.row(i);
  Map(G0.weight.data(), G0.out, G0.in) = g0t.transpose();
  return loss;
}

int thread_count(int threads, int work) {
  if (threads <= 0) threads = omp_get_max_threads();
  return std::max(1, std::min(threads, work));
}

// The network trained on (accuracy - base) / scale, as the predictor of accuracy: the output
// layer scaled back and the base added to its bias (OFA's layout).
MlpWeights folded(const MlpWeights& w, float base, float scale) {
  MlpWeights f = w;
  if (scale != 1.0f) {
    for (float& v : f.layers.back().weight) v *= scale;
    f.layers.back().bias[0] *= scale;
  }
  f.layers.back().bias[0] += base;
  return f;
}

std::vector<double> predict_all(const MlpWeights& w, std::span<const common::ArchConfig> archs, int threads) {
  const AccuracyPredictor p(w);
  std::vector<float> out(archs.size());
  p.predict(archs, out, threads);
  return {out.begin(), out.end()};
}

void shuffle(std::vector<int>& v, Rng& rng) {
  for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[rng.uniform_int(i + 1)]);
}

}  // namespace

MlpWeights initial_mlp(std::span<const int> sizes, std::uint64_t seed) {
  MlpWeights w;
  w.source = "initialisation (seed " + std::to_string(seed) + ")";
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    Rng rng(seed, 2 + l);
    DenseLayer d;
    d.in = sizes[l];
    d.out = sizes[l + 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(d.in));
    d.weight.resize(static_cast<std::size_t>(d.out) * d.in);
    for (float& v : d.weight) v = static_cast<float>((2 * rng.uniform01() - 1) * bound);
    d.bias.resize(d.out);
    for (float& v : d.bias) v = static_cast<float>((2 * rng.uniform01() - 1) * bound);
    w.layers.push_back(std::move(d));
  }
  return w;
}

double mse_gradient(const MlpWeights& w, float base, std::span<const common::ArchConfig> archs, std::span<const float> targets,
                    MlpWeights& grad, int threads) {
  if (archs.size() != targets.size() || archs.empty()) throw Error("mse_gradient: need as many targets as architectures, and some");
  const int n = static_cast<int>(archs.size());
  const int chunks = (n + kChunk - 1) / kChunk;
  const RowMatrix w0t = ConstMap(w.layers[0].weight.data(), w.layers[0].out, w.layers[0].in).transpose();
  std::vector<MlpWeights> parts(chunks);
  std::vector<double> losses(chunks, 0.0);
  const float scale = 2.0f / static_cast<float>(n);
  std::exception_ptr failure;
#pragma omp parallel for schedule(static) num_threads(thread_count(threads, chunks))
  for (int c = 0; c < chunks; ++c) {
    try {
      const int start = c * kChunk, len = std::min(kChunk, n - start);
      shape_like(w, parts[c]);
      losses[c] = chunk_gradient(w, w0t, base, archs.subspan(start, len), targets.subspan(start, len), scale, parts[c]);
    } catch (...) {
#pragma omp critical(ofa_training_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  shape_like(w, grad);
  // Each value summed over the chunks in chunk order: the threads only split the values.
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    for (int which = 0; which < 2; ++which) {
      std::vector<float>& dst = which ? grad.layers[l].bias : grad.layers[l].weight;
      const std::int64_t size = static_cast<std::int64_t>(dst.size());
#pragma omp parallel for schedule(static) num_threads(thread_count(threads, static_cast<int>(std::min<std::int64_t>(size / 4096 + 1, 64))))
      for (std::int64_t k = 0; k < size; ++k) {
        float s = 0;
        for (int c = 0; c < chunks; ++c) s += (which ? parts[c].layers[l].bias : parts[c].layers[l].weight)[k];
        dst[k] = s;
      }
    }
  }
  double loss = 0;
  for (double v : losses) loss += v;
  return loss / n;
}

void adam_step(std::span<float> p, std::span<const float> g, AdamState& s, double lr, double weight_decay) {
  if (g.size() != p.size()) throw Error("adam_step: gradient and parameters differ in size");
  if (s.m.size() != p.size()) {
    s.m.assign(p.size(), 0.0f);
    s.v.assign(p.size(), 0.0f);
  }
  ++s.step;
  constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
  // torch.optim.Adam's single-tensor update, in the same float operations.
  const double bc1 = 1 - std::pow(0.9, static_cast<double>(s.step));
  const double bc2 = 1 - std::pow(0.999, static_cast<double>(s.step));
  const float step_size = static_cast<float>(lr / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float wd = static_cast<float>(weight_decay);
  for (std::size_t i = 0; i < p.size(); ++i) {
    const float gi = g[i] + wd * p[i];
    s.m[i] += (gi - s.m[i]) * (1 - b1);
    s.v[i] = s.v[i] * b2 + (1 - b2) * gi * gi;
    const float denom = std::sqrt(s.v[i]) / bc2_sqrt + eps;
    p[i] -= step_size * (s.m[i] / denom);
  }
}

PredictionMetrics prediction_metrics(std::span<const double> predicted, std::span<const double> targets) {
  PredictionMetrics m;
  m.count = static_cast<int>(predicted.size());
  if (m.count == 0) return m;
  double se = 0, ae = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    const double e = predicted[i] - targets[i];
    se += e * e;
    ae += std::fabs(e);
  }
  m.rmse = std::sqrt(se / m.count);
  m.mae = ae / m.count;
  m.spearman = m.count >= 2 ? common::spearman(predicted, targets) : 0.0;
  return m;
}

namespace {

// The samples shuffled by the split's own stream (seed, 1): the first `held` are held out.
struct Split {
  std::vector<int> train;
  std::vector<common::ArchConfig> held_archs;
  std::vector<double> held_acc;
  int held = 0;
};

Split split_samples(std::span<const TrainingSample> samples, const TrainingOptions& o) {
  const int n = static_cast<int>(samples.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng split_rng(o.seed, 1);
  shuffle(order, split_rng);
  Split s;
  s.held = static_cast<int>(std::llround(o.holdout * n));
  s.train.assign(order.begin() + s.held, order.end());
  for (int i = 0; i < s.held; ++i) {
    s.held_archs.push_back(samples[order[i]].arch);
    s.held_acc.push_back(samples[order[i]].accuracy);
  }
  if (static_cast<int>(s.train.size()) < o.batch_size)
    throw Error("training: " + std::to_string(s.train.size()) + " training samples (" + std::to_string(n) + " read, " + std::to_string(s.held) +
                " held out) are fewer than --train-batch " + std::to_string(o.batch_size));
  return s;
}

// The network being trained on (accuracy - base) / scale, and what its steps reuse.
struct Training {
  MlpWeights w;
  float base = 0;
  float scale = 1;
  std::vector<AdamState> adam;
  MlpWeights grad;
  std::vector<common::ArchConfig> batch_archs;
  std::vector<float> batch_targets;
};

// Sets r.init_metrics (fine-tuning with a held-out set) and r.label_scale.
Training initial_training(std::span<const TrainingSample> samples, const MlpWeights* init, const TrainingOptions& o, const Split& split,
                          TrainingResult& r) {
  Training t;
  // From scratch, the network learns the standardised label (accuracy - mean) / std: a fresh
  // network's outputs are of order 0.1-1 while accuracies spread over about 0.02, so on raw
  // labels most of the training goes into shrinking the output (measured: Spearman 0.9899
  // against the shipped predictor raw, see docs/performance.md). The scale is folded back
  // into the output layer at the end. Fine-tuning (--init) keeps the predictor's own scale.
  if (init) {
    AccuracyPredictor check(*init);  // shapes and finiteness, with the file's name in errors
    t.w = *init;
    t.base = t.w.layers.back().bias[0];
    t.w.layers.back().bias[0] = 0;
    if (split.held > 0) r.init_metrics = prediction_metrics(predict_all(*init, split.held_archs, o.threads), split.held_acc);
  } else {
    const std::array<int, 5> sizes{common::kEncodingSize, kPredictorHidden, kPredictorHidden, kPredictorHidden, 1};
    t.w = initial_mlp(sizes, o.seed);
    double sum = 0;
    for (int i : split.train) sum += samples[i].accuracy;
    const double mean = sum / split.train.size();
    double squares = 0;
    for (int i : split.train) squares += (samples[i].accuracy - mean) * (samples[i].accuracy - mean);
    const double sd = std::sqrt(squares / split.train.size());
    t.base = static_cast<float>(mean);
    if (o.standardize && sd > 0) t.scale = static_cast<float>(sd);
  }
  r.label_scale = t.scale;
  t.w.source = "trained predictor";
  t.adam.resize(2 * t.w.layers.size());
  return t;
}

// One Adam step on the samples train[start, end); epoch and step are 0-based, for the error.
void train_step(std::span<const TrainingSample> samples, const std::vector<int>& train, int start, int end, double lr, int epoch, int step,
                const TrainingOptions& o, Training& t) {
  t.batch_archs.clear();
  t.batch_targets.clear();
  for (int k = start; k < end; ++k) {
    t.batch_archs.push_back(samples[train[k]].arch);
    t.batch_targets.push_back(static_cast<float>((samples[train[k]].accuracy - t.base) / t.scale));
  }
  const double loss = mse_gradient(t.w, 0.0f, t.batch_archs, t.batch_targets, t.grad, o.threads);
  if (!std::isfinite(loss))
    throw Error("training: the loss became non-finite at epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(step + 1) +
                " (--lr " + common::format_g(o.lr, 6) + " is too large?)");
  for (std::size_t l = 0; l < t.w.layers.size(); ++l) {
    adam_step(t.w.layers[l].weight, t.grad.layers[l].weight, t.adam[2 * l], lr, o.weight_decay);
    adam_step(t.w.layers[l].bias, t.grad.layers[l].bias, t.adam[2 * l + 1], lr, o.weight_decay);
  }
}

// Shuffles `train` by the epoch's own stream (seed, 1000 + epoch), then steps through it batch by batch.
void train_epoch(std::span<const TrainingSample> samples, std::vector<int>& train, int epoch, const TrainingOptions& o, Training& t,
                 const common::Reporter& reporter) {
  const int trained = static_cast<int>(train.size());
  const int steps = (trained + o.batch_size - 1) / o.batch_size;
  // Cosine annealing per epoch (torch.optim.lr_scheduler.CosineAnnealingLR, T_max = epochs):
  // at a constant rate Adam's noise keeps the ranking of near neighbours from settling.
  const double lr = o.lr * 0.5 * (1 + std::cos(M_PI * epoch / o.epochs));
  Rng rng(o.seed, 1000 + static_cast<std::uint64_t>(epoch));
  shuffle(train, rng);
  for (int s = 0; s < steps; ++s) {
    reporter.cancel().check();
    const int start = s * o.batch_size, end = std::min(trained, start + o.batch_size);
    train_step(samples, train, start, end, lr, epoch, s, o, t);
  }
}

// The held-out metrics after an epoch, recorded in `r`; returns the progress label's note.
std::string held_out_epoch(const Training& t, const Split& split, int epoch, const TrainingOptions& o, TrainingResult& r) {
  const MlpWeights f = folded(t.w, t.base, t.scale);
  bool finite = true;
  for (const auto& L : f.layers)
    for (float v : L.weight) finite = finite && std::isfinite(v);
  if (!finite) throw Error("training: the weights became non-finite at epoch " + std::to_string(epoch + 1) + " (--lr too large?)");
  r.final_metrics = prediction_metrics(predict_all(f, split.held_archs, o.threads), split.held_acc);
  r.epoch_rmse.push_back(r.final_metrics.rmse);
  return ", held-out RMSE " + common::format_g(r.final_metrics.rmse, 4);
}

}  // namespace

TrainingResult train_predictor(std::span<const TrainingSample> samples, const MlpWeights* init, const TrainingOptions& o,
                               const common::Reporter& reporter) {
  if (o.epochs < 1 || o.batch_size < 1) throw Error("training: --epochs and --train-batch must be >= 1");
  if (!(o.holdout >= 0 && o.holdout < 1)) throw Error("training: --holdout " + common::format_g(o.holdout, 6) + " is not in [0, 1)");
  Split split = split_samples(samples, o);
  TrainingResult r;
  r.trained = static_cast<int>(split.train.size());
  r.held_out = split.held;
  Training t = initial_training(samples, init, o, split, r);
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    train_epoch(samples, split.train, epoch, o, t, reporter);
    std::string label = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs);
    if (split.held > 0) label += held_out_epoch(t, split, epoch, o, r);
    reporter.progress("train", static_cast<double>(epoch + 1) / o.epochs, label);
  }
  r.weights = folded(t.w, t.base, t.scale);
  r.weights.source = "trained predictor";
  AccuracyPredictor final_check(r.weights);  // non-finite weights are an error, never a file
  reporter.done("train");
  return r;
}

}  // namespace ofa::search
