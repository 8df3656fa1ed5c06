// How a library function tells its caller what it is doing (progress, notes): libraries never print.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace ofa::common {

// Passed by const reference into long-running library functions. A default-constructed
// Reporter is silent (tests, benchmarks); the tools' driver makes one that draws a progress
// bar and writes notes on stderr (common/cli/tool_main.hpp), so one place decides what a user
// sees, --quiet included.
class Reporter {
 public:
  // `task` names the work ("measure", "lut"); fraction in [0, 1]; a fraction of 1 ends the task.
  using ProgressFn = std::function<void(std::string_view task, double fraction, std::string_view label)>;
  // One line, no newline: "search: nsga2 started ..."; `always` lines (results, warnings) are
  // shown even with --quiet.
  using NoteFn = std::function<void(std::string_view line, bool always)>;

  Reporter() = default;
  Reporter(ProgressFn progress, NoteFn note) : progress_(std::move(progress)), note_(std::move(note)) {}

  void progress(std::string_view task, double fraction, std::string_view label = {}) const {
    if (progress_) progress_(task, fraction, label);
  }
  void done(std::string_view task) const { progress(task, 1.0); }
  void note(std::string_view line) const {
    if (note_) note_(line, false);
  }
  void say(std::string_view line) const {
    if (note_) note_(line, true);
  }

 private:
  ProgressFn progress_;
  NoteFn note_;
};

}  // namespace ofa::common
