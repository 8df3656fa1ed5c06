#include "ofa/runtime/adaptive/contention.hpp"

#include <algorithm>

#include <chrono>
#include <cmath>
#include <set>
#include <sstream>

#include "ofa/common/error.hpp"

namespace ofa::runtime {

using common::Error;

namespace {

// The whole of `text` as a number, or nullopt.
std::optional<double> whole_number(const std::string& text) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

double parse_duration(const std::string& key, const std::string& value) {
  std::string number = value;
  double scale = 1;
  if (value.size() > 2 && value.compare(value.size() - 2, 2, "ms") == 0) {
    number = value.substr(0, value.size() - 2);
    scale = 1e-3;
  } else if (!value.empty() && value.back() == 's') {
    number = value.substr(0, value.size() - 1);
  }
  const std::optional<double> v = whole_number(number);
  if (!v || *v < 0) throw Error("--contention: " + key + "=" + value + " is not a duration (e.g. 2s or 500ms)");
  return *v * scale;
}

}  // namespace

ContentionSpec parse_contention(const std::string& text) {
  ContentionSpec spec;
  bool have_at = false, have_for = false;
  std::set<std::string> seen;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw Error("--contention: '" + item + "' is not key=value (keys: at, threads, for)");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (!seen.insert(key).second) throw Error("--contention: key '" + key + "' given twice in '" + text + "'");
    if (key == "at") {
      spec.at_s = parse_duration(key, value);
      have_at = true;
    } else if (key == "for") {
      spec.for_s = parse_duration(key, value);
      have_for = true;
    } else if (key == "threads") {
      const std::optional<double> n = whole_number(value);
      if (!n || *n != std::floor(*n) || *n < 1 || *n > 1024)
        throw Error("--contention: threads=" + value + " is not a thread count (1 to 1024)");
      spec.threads = static_cast<int>(*n);
    } else {
      throw Error("--contention: unknown key '" + key + "' (keys: at, threads, for)");
    }
  }
  if (!have_at || !have_for) throw Error("--contention '" + text + "' needs at= and for= (e.g. at=2s,threads=2,for=5s)");
  if (!(spec.for_s > 0)) throw Error("--contention: for= must be longer than 0 s");
  return spec;
}

int contention_thread_cap(unsigned cores) { return 4 * static_cast<int>(std::max(1u, cores)); }

void Contention::spin(const std::atomic<bool>& stop) {
  volatile double x = 1;
  while (!stop.load(std::memory_order_relaxed))
    for (int i = 0; i < 10000; ++i) x = x * 1.0000001 + 1e-9;
}

Contention::Contention(ContentionSpec spec, Work work) : spec_(spec), work_(std::move(work)) {}

Contention::~Contention() { stop(); }

void Contention::start(std::function<double()> now) {
  now_ = std::move(now);
  controller_ = std::thread([this] {
    auto wait_until = [this](double t) {
      while (!cancel_.load() && now_() < t) std::this_thread::sleep_for(std::chrono::microseconds(500));
      return !cancel_.load();
    };
    if (!wait_until(spec_.at_s)) return;
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      began_ = now_();
    }
    active_.store(true);
    // Each start checks the cancel flag: a run stopped meanwhile starts no more.
    for (int i = 0; i < spec_.threads && !cancel_.load(); ++i) workers.emplace_back([this] { work_(stop_workers_); });
    wait_until(spec_.at_s + spec_.for_s);
    stop_workers_.store(true);
    for (auto& w : workers) w.join();
    active_.store(false);
    std::lock_guard<std::mutex> lock(mutex_);
    ended_ = now_();
  });
}

void Contention::stop() {
  cancel_.store(true);
  if (controller_.joinable()) controller_.join();
}

std::optional<ContentionWindow> Contention::window() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!began_) return std::nullopt;
  return ContentionWindow{*began_, ended_ ? *ended_ : (now_ ? now_() : *began_)};
}

}  // namespace ofa::runtime
