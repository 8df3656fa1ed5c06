#include "search/commands/search_command.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/number_format.hpp"
#include "ofa/search/pareto.hpp"
#include "ofa/search/profile_evaluator.hpp"

namespace ofa::search {

using namespace ofa::common;

SearchSettings effective_settings(const DeviceProfile& profile, const SearchOptions& o) {
  SearchSettings s = profile.search;
  if (o.algorithm) s.algorithm = *o.algorithm;
  if (o.constraints) s.constraints = *o.constraints;
  if (o.constraints && s.algorithm == Algorithm::Exhaustive)
    throw Error("--constraints: the exhaustive search scores the whole space and takes no constraints (use evolution or nsga2)");
  if (o.population) s.population = *o.population;
  if (o.generations) s.generations = *o.generations;
  if (o.threads) s.threads = *o.threads;
  if (o.seed) s.seed = *o.seed;
  validate(s, "");
  if (o.keep < 1) throw Error("--keep " + std::to_string(o.keep) + " must be at least 1");
  return s;
}

common::CandidatesFile make_candidates_file(const DeviceProfile& profile, const SearchSettings& s, int keep,
                                    const Evaluator& evaluator, const std::vector<Candidate>& found) {
  common::CandidatesFile f;
  f.profile = profile.file.string();
  f.profile_name = profile.name;
  f.device = profile.device;
  f.space = profile.space.name;
  f.elastic_kernel = profile.elastic_kernel;
  f.metric = to_string(profile.metric);
  f.unit = profile.metric == Metric::Latency ? "ms" : "MMACs";
  f.predictor = profile.predictor ? profile.predictor->string() : "";
  f.lut = profile.lut ? profile.lut->string() : "";
  if (evaluator.lut()) f.lut_calibration = evaluator.lut()->calibration();
  f.algorithm = to_string(s.algorithm);
  f.seed = s.seed;
  f.resolutions = s.resolutions.empty() ? profile.space.resolutions : s.resolutions;
  f.population = s.population;
  f.generations = s.generations;
  f.keep = keep;
  f.parent_ratio = s.parent_ratio;
  f.mutation_ratio = s.mutation_ratio;
  f.mutate_prob = s.mutate_prob;
  if (s.algorithm == Algorithm::Evolution || s.algorithm == Algorithm::Nsga2) f.constraints = s.constraints;

  std::vector<ArchConfig> archs;
  for (const auto& c : found) archs.push_back(c.arch);
  const auto evals = evaluator.evaluate(archs, s.threads);
  std::vector<ParetoPoint> points;
  for (const auto& c : found) points.push_back({c.efficiency, c.accuracy});
  const auto front = pareto_mask(points);
  for (std::size_t i = 0; i < found.size(); ++i) {
    common::CandidateRow r;
    r.id = static_cast<int>(i);
    if (!std::isnan(found[i].constraint)) r.constraint = found[i].constraint;
    r.predicted_accuracy = found[i].accuracy;
    // Refused here, where the predictor is named, rather than by every reader of the file.
    if (!(r.predicted_accuracy >= 0 && r.predicted_accuracy <= 1))
      throw Error(f.predictor + ": predicts an accuracy of " + common::format_g(r.predicted_accuracy, 6) + " for " + to_string(found[i].arch) +
                  ", not a fraction in [0, 1]: is it a predictor of space " + f.space + "?");
    if (!std::isnan(evals[i].latency_ms)) r.latency_ms = evals[i].latency_ms;
    r.macs_m = evals[i].macs_m;
    r.params_m = evals[i].params_m;
    r.on_front = front[i];
    r.arch = found[i].arch;
    f.candidates.push_back(r);
  }
  return f;
}

std::string format_front_table(const common::CandidatesFile& f) {
  int on = 0;
  for (const auto& c : f.candidates) on += c.on_front;
  std::string s = "Predicted Pareto front: " + f.profile_name + ", " + f.algorithm + ", " +
                  std::to_string(f.candidates.size()) + " candidates, " + std::to_string(on) + " on the front\n";
  char line[256];
  std::snprintf(line, sizeof line, "%4s %11s %9s %11s %9s %9s %4s\n", "id", "constraint", "accuracy", "latency_ms",
                "macs_m", "params_m", "r");
  s += line;
  for (const auto& c : f.candidates) {
    if (!c.on_front) continue;
    std::snprintf(line, sizeof line, "%4d %11s %9.5f %11s %9.2f %9.3f %4d\n", c.id,
                  c.constraint ? common::format_g(*c.constraint, 6).c_str() : "-", c.predicted_accuracy,
                  c.latency_ms ? common::format_fixed(*c.latency_ms, 3).c_str() : "-", c.macs_m, c.params_m, c.arch.r);
    s += line;
  }
  return s;
}

SearchReport run_search(const SearchOptions& o, const common::Reporter& reporter) {
  const DeviceProfile profile = load_profile(o.profile, o.data_dir);
  const SearchSettings settings = effective_settings(profile, o);
  if (!profile.predictor) throw Error(profile.file.string() + ": searching needs key 'predictor'");
  if (o.out_dir.empty()) throw Error("--out DIR is required");
  const Evaluator evaluator = make_evaluator(profile);
  const EfficiencyModel efficiency(evaluator, profile.metric);
  const int keep = o.keep;

  // The search draws from search.resolutions; evaluation (and the LUT) covers all of the profile's.
  SearchSpace search_space = profile.space;
  if (!settings.resolutions.empty()) search_space.resolutions = settings.resolutions;
  SearchContext ctx{search_space, efficiency, *evaluator.predictor(), settings, keep, reporter};
  auto algorithm = make_search_algorithm(settings.algorithm);
  // Said once loading is done, so a user (or a test) knows the search itself has begun.
  reporter.note("search: " + to_string(settings.algorithm) + " started (population " + std::to_string(settings.population) + ", " +
                std::to_string(settings.generations) + " generations); Ctrl-C stops it and writes nothing");
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<Candidate> found = algorithm->run(ctx);
  SearchReport report;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  reporter.done("search");
  report.stats = algorithm->stats();
  report.file = make_candidates_file(profile, settings, keep, evaluator, found);
  reporter.cancel().check();
  common::OutputSet outputs;  // both files, or neither
  outputs.add(o.out_dir / "candidates.yaml", common::format_candidates_yaml(report.file));
  outputs.add(o.out_dir / "candidates.csv", common::format_candidates_csv(report.file));
  outputs.commit();
  char line[256];
  std::snprintf(line, sizeof line, "search: %s in %.3f s, %ld predictor evaluations (%ld scores asked), wrote %s",
                to_string(settings.algorithm).c_str(), report.seconds, report.stats.predictor_evaluations, report.stats.score_lookups,
                (o.out_dir / "candidates.yaml").string().c_str());
  reporter.note(line);
  return report;
}

}  // namespace ofa::search
