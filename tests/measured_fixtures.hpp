// Measured files as the tests build them: one header, rows with a given latency (issue #28: the
// builders were written once per test file).
#pragma once
#include <string>

#include "ofa/common/measured_file.hpp"

namespace ofa::test {

// A measured file of `space` timed on this CPU, one thread, random weights, candidates c.yaml.
inline common::MeasuredFile measured_header(const std::string& space = "ofa-mbv3-w1.2") {
  common::MeasuredFile m;
  m.candidates = "c.yaml";
  m.profile_name = "test";
  m.space = space;
  m.machine = "test machine";
  m.libtorch = "test";
  m.device = "cpu";
  m.threads = 1;
  m.weights = "random";
  return m;
}

// A row of candidate `id`: every timing figure `median_ms` (a distribution of one value), 5 calls.
inline common::MeasuredRow measured_row(int id, const common::ArchConfig& arch, double median_ms) {
  common::MeasuredRow r;
  r.candidate.id = id;
  r.candidate.arch = arch;
  r.measured.count = 5;
  r.measured.median_ms = r.measured.mean_ms = r.measured.p10_ms = r.measured.p90_ms = median_ms;
  return r;
}

}  // namespace ofa::test
