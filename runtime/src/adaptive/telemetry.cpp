#include "ofa/runtime/adaptive/telemetry.hpp"

#include <cstdio>
#include <system_error>

#include <unistd.h>

#include "ofa/common/error.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"

namespace ofa::runtime {

using common::Error;

const char* TraceWriter::csv_header() {
  return "frame,time_s,level,latency_ms,slowdown,switched,next_level,decision_us,target_ms,met,breaking,contention";
}

std::string format_csv(const FrameRecord& r) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%lld,%.6f,%d,%.4f,%.4f,%d,%d,%.2f,%.4g,%d,%s,%d", static_cast<long long>(r.frame), r.time_s,
                r.level, r.latency_ms, r.slowdown, r.switched ? 1 : 0, r.next_level, r.decision_us, r.target_ms, r.met ? 1 : 0,
                describe_breaking(r.breaking).c_str(), r.contention ? 1 : 0);
  return buf;
}

std::string format_json(const FrameRecord& r) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "{\"frame\": %lld, \"time_s\": %.6f, \"level\": %d, \"latency_ms\": %.4f, \"slowdown\": %.4f, \"switched\": %s, "
                "\"next_level\": %d, \"decision_us\": %.2f, \"target_ms\": %.4g, \"met\": %s, \"breaking\": \"%s\", "
                "\"contention\": %s}",
                static_cast<long long>(r.frame), r.time_s, r.level, r.latency_ms, r.slowdown, r.switched ? "true" : "false",
                r.next_level, r.decision_us, r.target_ms, r.met ? "true" : "false", describe_breaking(r.breaking).c_str(),
                r.contention ? "true" : "false");
  return buf;
}

TraceWriter::TraceWriter(std::filesystem::path path) : path_(std::move(path)) {
  csv_ = path_.extension() == ".csv";
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  tmp_ = path_.string() + ".tmp." + std::to_string(::getpid());
  out_.open(tmp_, std::ios::trunc);
  if (!out_) throw Error(path_.string() + ": cannot open for writing");
  if (csv_) out_ << csv_header() << "\n";
}

TraceWriter::~TraceWriter() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  std::filesystem::remove(tmp_, ec);
}

void TraceWriter::write(const FrameRecord& r) { out_ << (csv_ ? format_csv(r) : format_json(r)) << "\n"; }

std::filesystem::path TraceWriter::release() {
  out_.close();
  if (!out_) throw Error(path_.string() + ": write failed (disk full?)");
  committed_ = true;  // the caller owns the temporary file now
  return tmp_;
}

void TraceWriter::commit() {
  out_.close();
  if (!out_) throw Error(path_.string() + ": write failed");
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw Error(path_.string() + ": cannot rename the trace into place: " + ec.message());
  committed_ = true;
}

}  // namespace ofa::runtime
