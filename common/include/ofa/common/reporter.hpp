// How a library function tells its caller what it is doing (progress, notes) and hears that it
// should stop: libraries never print, and never install signal handlers.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "ofa/common/cancel_flag.hpp"

namespace ofa::common {

// Passed by const reference into long-running library functions. A default-constructed
// Reporter is silent (tests, benchmarks); the tools' driver makes one that draws a progress
// bar and writes notes on stderr (common/cli/tool_main.hpp), so one place decides what a user
// sees, --quiet included; it also carries the Ctrl-C flag, so every command stops the same way.
class Reporter {
 public:
  // `task` names the work ("measure", "lut"); fraction in [0, 1]; a fraction of 1 ends the task.
  using ProgressFn = std::function<void(std::string_view task, double fraction, std::string_view label)>;
  // One line, no newline: "search: nsga2 started ..."; `always` lines (results, warnings) are
  // shown even with --quiet.
  using NoteFn = std::function<void(std::string_view line, bool always)>;

  Reporter() = default;
  Reporter(ProgressFn progress, NoteFn note, CancelFlag cancel = {})
      : progress_(std::move(progress)), note_(std::move(note)), cancel_(cancel) {}

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
  // The host's request to stop: work checks it between items (cancel().check()).
  const CancelFlag& cancel() const { return cancel_; }
  // Progress of a part of a task: fractions [0, 1] reported to it are [from, to] of the whole
  // (a search with one run per constraint); notes and the cancel flag are this one's.
  Reporter part(double from, double to) const {
    Reporter r = *this;
    if (progress_)
      r.progress_ = [outer = progress_, from, to](std::string_view task, double f, std::string_view label) {
        outer(task, from + f * (to - from), label);
      };
    return r;
  }
  // The same reporting with another stop request (tests, or an API call given its own flag).
  Reporter with_cancel(CancelFlag cancel) const {
    Reporter r = *this;
    r.cancel_ = cancel;
    return r;
  }

 private:
  ProgressFn progress_;
  NoteFn note_;
  CancelFlag cancel_;
};

}  // namespace ofa::common
