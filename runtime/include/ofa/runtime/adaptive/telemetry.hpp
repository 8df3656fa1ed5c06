// What the runtime records per frame, and the trace file it writes (CSV or JSON lines).
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace ofa::runtime {

// One inference served by the adaptive runtime.
struct FrameRecord {
  std::int64_t frame = 0;
  double time_s = 0;        // start of the inference, seconds since the run began
  int level = 0;            // the level that ran
  double latency_ms = 0;    // its end-to-end latency
  double slowdown = 1;      // the manager's smoothed estimate after this frame
  bool switched = false;    // first frame at a new level
  int next_level = 0;       // the manager's decision for the next frame
  double decision_us = 0;   // time the decision took
  double target_ms = 0;
  bool met = false;         // latency_ms <= target_ms
  unsigned breaking = 0;    // Breaking flags of the decision
  bool contention = false;  // competing work was running when the frame started
};

// Streams records to CSV (`.csv`) or JSON lines (any other extension, `.jsonl` by
// convention) in a temporary file beside `path`, renamed into place by commit(): a reader
// never sees a half-written trace, and an abandoned one leaves nothing.
class TraceWriter {
 public:
  explicit TraceWriter(std::filesystem::path path);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void write(const FrameRecord& record);
  void commit();
  // Closes the trace (Error when writing failed) and hands its temporary file to the caller,
  // who renames it into place with the run's other outputs (common::OutputSet::adopt).
  std::filesystem::path release();

  static const char* csv_header();

 private:
  std::filesystem::path path_, tmp_;
  std::ofstream out_;
  bool csv_ = true;
  bool committed_ = false;
};

// One record as a CSV line / a JSON object (no trailing newline).
std::string format_csv(const FrameRecord& r);
std::string format_json(const FrameRecord& r);

}  // namespace ofa::runtime
