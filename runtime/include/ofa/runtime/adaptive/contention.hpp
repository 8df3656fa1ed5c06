// Competing work for `ofa-runtime run --contention`: busy CPU threads or GPU work for a time window.
#pragma once
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ofa/runtime/adaptive/run_summary.hpp"

namespace ofa::runtime {

// `--contention at=2s,threads=2,for=5s`: competing work from `at` for `for` seconds.
struct ContentionSpec {
  double at_s = 0;
  int threads = 1;
  double for_s = 0;
};

// Parses the option; durations take s or ms (bare numbers are seconds). Errors name the key.
ContentionSpec parse_contention(const std::string& text);

// The most competing threads a run starts on a machine of `cores` cores: four per core. More
// cannot compete usefully: they only starve the run itself and its own clock (1,024 on 2 cores
// kept a 0.5 s run going for minutes, and Ctrl-C with it); the run caps them and says so.
int contention_thread_cap(unsigned cores);

// Competing work on its own threads: from spec.at_s after start(), `threads` workers each
// run `work(stop)` until stop is set spec.for_s later. The default work spins on the CPU.
class Contention {
 public:
  using Work = std::function<void(const std::atomic<bool>& stop)>;
  explicit Contention(ContentionSpec spec, Work work = spin);
  ~Contention();
  Contention(const Contention&) = delete;
  Contention& operator=(const Contention&) = delete;

  // `now` is the run's clock in seconds since it began.
  void start(std::function<double()> now);
  void stop();
  bool active() const { return active_.load(); }
  // When the work actually ran (seconds since the run began); empty until it has started.
  std::optional<ContentionWindow> window() const;

  static void spin(const std::atomic<bool>& stop);

 private:
  ContentionSpec spec_;
  Work work_;
  std::thread controller_;
  std::atomic<bool> cancel_{false}, active_{false}, stop_workers_{false};
  mutable std::mutex mutex_;
  std::optional<double> began_, ended_;
  std::function<double()> now_;
};

}  // namespace ofa::runtime
