#include "ofa/common/run_summary_file.hpp"

#include <cstdio>

namespace ofa::common {

namespace {

std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

std::string opt(const std::optional<double>& v) { return v ? num(*v) : "null"; }

// A JSON string: the policy is one of a few names, but a string is escaped wherever it is written.
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += b;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string format_run_summary_json(const RunSummary& s) {
  std::string j = "{\n";
  j += "  \"format\": \"" + std::string(kRunSummaryFormat) + "\",\n";
  j += "  \"frames\": " + std::to_string(s.frames) + ",\n";
  j += "  \"switches\": " + std::to_string(s.switches) + ",\n";
  j += "  \"duration_s\": " + num(s.duration_s) + ",\n";
  j += "  \"target_ms\": " + num(s.target_ms) + ",\n";
  j += "  \"policy\": " + json_string(s.policy) + ",\n";
  j += "  \"met_fraction\": " + num(s.met_fraction) + ",\n";
  j += "  \"met_fraction_after_settle\": " + num(s.met_fraction_after_settle) + ",\n";
  j += "  \"contention_met_fraction\": " + opt(s.contention_met_fraction) + ",\n";
  j += "  \"recovery_s\": " + opt(s.recovery_s) + ",\n";
  j += "  \"return_s\": " + opt(s.return_s) + ",\n";
  j += "  \"mean_accuracy\": " + num(s.mean_accuracy) + ",\n";
  j += "  \"switch_p50_ms\": " + num(s.switch_p50_ms) + ",\n";
  j += "  \"switch_p99_ms\": " + num(s.switch_p99_ms) + ",\n";
  j += "  \"switch_max_ms\": " + num(s.switch_max_ms) + ",\n";
  j += "  \"decision_p50_us\": " + num(s.decision_p50_us) + ",\n";
  j += "  \"decision_p99_us\": " + num(s.decision_p99_us) + ",\n";
  j += "  \"max_gap_ms\": " + num(s.max_gap_ms) + ",\n";
  j += "  \"contention\": " +
       (s.contention ? "{\"start_s\": " + num(s.contention->start_s) + ", \"end_s\": " + num(s.contention->end_s) + "}" : std::string("null")) +
       ",\n";
  j += "  \"frames_per_level\": [";
  for (std::size_t i = 0; i < s.frames_per_level.size(); ++i) j += (i ? ", " : "") + std::to_string(s.frames_per_level[i]);
  j += "],\n";
  j += "  \"levels\": " + std::to_string(s.levels) + "\n}\n";
  return j;
}

}  // namespace ofa::common
