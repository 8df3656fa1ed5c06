#include "ofa/runtime/adaptive/run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ofa/common/timing_stats.hpp"

namespace ofa::runtime {

using common::percentile_sorted;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return percentile_sorted(v, 0.5);
}

bool in_window(double t, const ContentionWindow& w) { return t >= w.start_s && t < w.end_s; }

// Time from onset until the target is met again: 0 when the first frames after onset all
// meet it; otherwise the start of the first streak of kRecoveryStreak met frames after the
// first miss (a streak cut short by the end of the window counts).
std::optional<double> recovery_time(const std::vector<FrameRecord>& f, const ContentionWindow& w) {
  std::size_t a = 0;
  while (a < f.size() && f[a].time_s < w.start_s) ++a;
  std::size_t b = a;
  while (b < f.size() && f[b].time_s < w.end_s) ++b;
  if (a == b) return std::nullopt;
  std::size_t first_miss = b;
  for (std::size_t i = a; i < b && i < a + kRecoveryStreak; ++i)
    if (!f[i].met) {
      first_miss = i;
      break;
    }
  if (first_miss == b) return 0.0;
  for (std::size_t i = first_miss + 1; i < b; ++i) {
    std::size_t j = i;
    while (j < b && j < i + kRecoveryStreak && f[j].met) ++j;
    if (j == i + kRecoveryStreak || (j == b && j > i)) return f[i].time_s - w.start_s;
    i = j;  // f[j] missed: the next streak starts after it
  }
  return std::nullopt;
}

// Frame counts, met fraction, mean accuracy, switches, gaps and decision times over all frames.
void summarize_frames(const std::vector<FrameRecord>& f, const std::vector<LevelSpec>& levels, RunSummary& s) {
  std::int64_t met = 0;
  double accuracy = 0;
  std::vector<double> decisions;
  for (std::size_t i = 0; i < f.size(); ++i) {
    met += f[i].met;
    accuracy += levels[f[i].level].accuracy;
    ++s.frames_per_level[f[i].level];
    s.switches += f[i].switched;
    decisions.push_back(f[i].decision_us);
    if (i > 0) s.max_gap_ms = std::max(s.max_gap_ms, (f[i].time_s - f[i - 1].time_s) * 1000 - f[i - 1].latency_ms);
  }
  s.met_fraction = static_cast<double>(met) / static_cast<double>(f.size());
  s.mean_accuracy = accuracy / static_cast<double>(f.size());
  std::sort(decisions.begin(), decisions.end());
  s.decision_p50_us = percentile_sorted(decisions, 0.5);
  s.decision_p99_us = percentile_sorted(decisions, 0.99);
}

// Settling: the frames between contention onset and recovery (all of the window if it never recovers).
void summarize_settling(const std::vector<FrameRecord>& f, const ContentionWindow& contention, RunSummary& s) {
  s.recovery_s = recovery_time(f, contention);
  const double settle_end = s.recovery_s ? contention.start_s + *s.recovery_s : contention.end_s;
  std::int64_t kept = 0, kept_met = 0, during = 0, during_met = 0;
  for (const FrameRecord& r : f) {
    const bool settling = r.time_s >= contention.start_s && r.time_s < settle_end;
    if (!settling) {
      ++kept;
      kept_met += r.met;
    }
    if (!settling && in_window(r.time_s, contention)) {
      ++during;
      during_met += r.met;
    }
  }
  s.met_fraction_after_settle = kept ? static_cast<double>(kept_met) / static_cast<double>(kept) : 0;
  if (during) s.contention_met_fraction = static_cast<double>(during_met) / static_cast<double>(during);
}

// Return: the level of the last frame before onset, reached again after the end.
void summarize_return(const std::vector<FrameRecord>& f, const ContentionWindow& contention, RunSummary& s) {
  int before = -1;
  for (const FrameRecord& r : f)
    if (r.time_s < contention.start_s) before = r.level;
  if (before >= 0)
    for (const FrameRecord& r : f)
      if (r.time_s >= contention.end_s && r.level >= before) {
        s.return_s = r.time_s - contention.end_s;
        break;
      }
}

// Switch cost: the decision before the switch plus the first frame at the new level, minus
// that level's median in the same conditions (contention or not), never below zero.
void summarize_switch_costs(const std::vector<FrameRecord>& f, const std::vector<LevelSpec>& levels, RunSummary& s) {
  std::vector<double> costs;
  for (std::size_t i = 1; i < f.size(); ++i) {
    if (!f[i].switched) continue;
    std::vector<double> same;
    for (std::size_t j = 0; j < f.size(); ++j)
      if (!f[j].switched && f[j].level == f[i].level && f[j].contention == f[i].contention) same.push_back(f[j].latency_ms);
    const double ref = same.empty() ? levels[f[i].level].latency_ms : median(same);
    costs.push_back(std::max(0.0, f[i - 1].decision_us / 1000 + f[i].latency_ms - ref));
  }
  std::sort(costs.begin(), costs.end());
  s.switch_p50_ms = percentile_sorted(costs, 0.5);
  s.switch_p99_ms = percentile_sorted(costs, 0.99);
  s.switch_max_ms = costs.empty() ? 0 : costs.back();
}

}  // namespace

RunSummary summarize_run(const std::vector<FrameRecord>& f, const std::vector<LevelSpec>& levels,
                         std::optional<ContentionWindow> contention) {
  RunSummary s;
  s.frames = static_cast<std::int64_t>(f.size());
  s.levels = static_cast<int>(levels.size());
  s.frames_per_level.assign(levels.size(), 0);
  s.contention = contention;
  if (f.empty()) return s;
  s.target_ms = f.back().target_ms;
  s.duration_s = f.back().time_s + f.back().latency_ms / 1000 - f.front().time_s;
  summarize_frames(f, levels, s);
  if (contention) {
    summarize_settling(f, *contention, s);
    summarize_return(f, *contention, s);
  } else {
    s.met_fraction_after_settle = s.met_fraction;
  }
  summarize_switch_costs(f, levels, s);
  return s;
}

namespace {

std::string num(double v, const char* fmt = "%.6g") {
  char b[64];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}


}  // namespace

std::string format_summary_text(const RunSummary& s) {
  auto o = [](const std::optional<double>& v, const char* unit) { return v ? num(*v, "%.3f") + unit : std::string("never"); };
  std::string t;
  t += "frames " + std::to_string(s.frames) + " in " + num(s.duration_s, "%.1f") + " s, " + std::to_string(s.switches) +
       " switches over " + std::to_string(s.levels) + " levels, target " + num(s.target_ms, "%.4g") + " ms, policy " + s.policy + "\n";
  t += "met: " + num(100 * s.met_fraction, "%.1f") + " % of frames, " + num(100 * s.met_fraction_after_settle, "%.1f") +
       " % after settling";
  if (s.contention_met_fraction) t += ", " + num(100 * *s.contention_met_fraction, "%.1f") + " % under contention after recovery";
  t += "\n";
  if (s.contention)
    t += "contention " + num(s.contention->start_s, "%.2f") + "-" + num(s.contention->end_s, "%.2f") + " s: recovered in " +
         o(s.recovery_s, " s") + ", back up " + o(s.return_s, " s") + " after it ended\n";
  t += "mean accuracy " + num(s.mean_accuracy, "%.5f") + "; switch cost p50 " + num(s.switch_p50_ms, "%.3f") + " ms, p99 " +
       num(s.switch_p99_ms, "%.3f") + " ms; decision p99 " + num(s.decision_p99_us, "%.1f") + " us; longest gap " +
       num(s.max_gap_ms, "%.3f") + " ms\n";
  return t;
}

}  // namespace ofa::runtime
