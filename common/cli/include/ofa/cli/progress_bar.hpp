// A one-line progress bar on stderr, drawn by the tools' driver only (libraries report through Reporter).
#pragma once
#include <chrono>
#include <string>

namespace ofa::cli {

// A one-line progress bar with an ETA on stderr, redrawn at most 10 times a second. Silent
// when disabled (--quiet, or stderr is not a terminal: logs stay clean).
class ProgressBar {
 public:
  ProgressBar(std::string title, bool enabled);
  ~ProgressBar();
  void update(double fraction, const std::string& label);
  void finish();
  // Whether stderr is a terminal.
  static bool stderr_is_terminal();

 private:
  std::string title_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace ofa::cli
