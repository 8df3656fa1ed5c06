// The runtime manager against scripted latency sequences: a manual clock, no sleeping.
#include "catch.hpp"

#include <cmath>

#include "ofa/common/error.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"

using namespace ofa::runtime;

namespace {

// Four levels, 10 to 40 ms.
std::vector<LevelSpec> four_levels() { return {{10, 0.70}, {20, 0.74}, {30, 0.77}, {40, 0.79}}; }

// A clock the test moves: each simulated frame advances it by its latency.
struct ManualClock {
  double now = 0;
  Clock clock() {
    return [this] { return now; };
  }
};

// Feeds `frames` frames whose latency is `slowdown` times the current level's table latency.
// Returns the levels that ran.
std::vector<int> run(SlowdownPolicy& m, ManualClock& c, double slowdown, int frames) {
  std::vector<int> ran;
  for (int i = 0; i < frames; ++i) {
    const double ms = slowdown * m.levels()[m.level()].latency_ms;
    ran.push_back(m.level());
    c.now += ms / 1000;
    m.observe(ms);
  }
  return ran;
}

PolicyConfig config(double target) {
  PolicyConfig p;
  p.target_ms = target;
  return p;
}

}  // namespace

TEST_CASE("the manager starts at the most accurate level meeting the target with its margin", "[policy]") {
  ManualClock c;
  // budget 33 * 0.9 = 29.7 ms: level 2 (30 ms) is just out.
  SlowdownPolicy m(four_levels(), config(33), c.clock());
  CHECK(m.level() == 1);
  PolicyConfig p = config(50);
  SlowdownPolicy top(four_levels(), p, c.clock());
  CHECK(top.level() == 3);
  SlowdownPolicy none(four_levels(), config(5), c.clock());
  CHECK(none.level() == 0);
  CHECK((none.breaking() & kBreaksLatency) != 0);
}

TEST_CASE("steady latencies at the table's figures cause no switch", "[policy]") {
  ManualClock c;
  SlowdownPolicy m(four_levels(), config(45), c.clock());
  REQUIRE(m.level() == 3);
  const auto ran = run(m, c, 1.0, 200);
  CHECK(std::all_of(ran.begin(), ran.end(), [](int l) { return l == 3; }));
  CHECK(m.slowdown() == Approx(1.0));
}

TEST_CASE("a slowdown drops straight to the best level that meets the target, within a few frames", "[policy]") {
  ManualClock c;
  SlowdownPolicy m(four_levels(), config(45), c.clock());
  run(m, c, 1.0, 20);
  REQUIRE(m.level() == 3);
  // 2x: 40 -> 80 ms; the level meeting 40.5 ms at 2x is level 1 (20 ms -> 40 ms).
  const auto ran = run(m, c, 2.0, 10);
  CHECK(m.level() == 1);
  // It got there in at most 3 decisions.
  int first_at_1 = -1;
  for (std::size_t i = 0; i < ran.size(); ++i)
    if (ran[i] == 1) {
      first_at_1 = static_cast<int>(i);
      break;
    }
  CHECK(first_at_1 >= 1);
  CHECK(first_at_1 <= 4);
  // Never below the level that can meet the target.
  CHECK(*std::min_element(ran.begin(), ran.end()) >= 1);
}

TEST_CASE("with a spike window of 3, one spike does not switch", "[policy]") {
  ManualClock c;
  PolicyConfig p = config(45);
  p.spike_window = 3;
  SlowdownPolicy m(four_levels(), p, c.clock());
  run(m, c, 1.0, 10);
  const Decision d = m.observe(40 * 4.0);  // one frame four times slower
  CHECK_FALSE(d.switched);
  run(m, c, 1.0, 10);
  CHECK(m.level() == 3);
}

TEST_CASE("stepping back up waits for the headroom to last up_after_s", "[policy]") {
  ManualClock c;
  PolicyConfig p = config(45);
  p.up_after_s = 0.5;
  SlowdownPolicy m(four_levels(), p, c.clock());
  run(m, c, 2.0, 20);
  REQUIRE(m.level() == 1);
  // Contention ends: level 1 now runs at 20 ms. The up switch comes after 0.5 s of headroom,
  // not before, and goes straight to level 3.
  const double end = c.now;
  double up_at = -1;
  for (int i = 0; i < 200 && up_at < 0; ++i) {
    run(m, c, 1.0, 1);
    if (m.level() != 1) up_at = c.now;
  }
  REQUIRE(up_at > 0);
  CHECK(m.level() == 3);
  CHECK(up_at - end >= 0.5);
  CHECK(up_at - end <= 0.5 + 0.2);  // the filter needs a few 20 ms frames to see the change
}

TEST_CASE("the accuracy floor and the preference when no level meets both", "[policy]") {
  ManualClock c;
  PolicyConfig p = config(45);
  p.min_accuracy = 0.76;  // levels 2 and 3
  SECTION("prefer latency: below the floor, saying so") {
    SlowdownPolicy m(four_levels(), p, c.clock());
    run(m, c, 2.0, 20);  // only levels 0 and 1 meet 45 ms at 2x
    CHECK(m.level() == 1);
    CHECK(m.breaking() == kBreaksAccuracy);
  }
  SECTION("prefer accuracy: at the floor, breaking the target") {
    p.prefer = Preference::Accuracy;
    SlowdownPolicy m(four_levels(), p, c.clock());
    run(m, c, 2.0, 20);
    CHECK(m.level() == 2);
    CHECK(m.breaking() == kBreaksLatency);
  }
  SECTION("both met: the floor changes nothing") {
    SlowdownPolicy m(four_levels(), p, c.clock());
    run(m, c, 1.0, 20);
    CHECK(m.level() == 3);
    CHECK(m.breaking() == kBreaksNothing);
  }
}

TEST_CASE("target and floor changes take effect: tighter at once, looser after the hysteresis", "[policy]") {
  ManualClock c;
  SlowdownPolicy m(four_levels(), config(45), c.clock());
  run(m, c, 1.0, 5);
  REQUIRE(m.level() == 3);
  m.set_target(25);  // budget 22.5: level 1
  run(m, c, 1.0, 1);
  CHECK(m.level() == 1);
  m.set_target(45);
  run(m, c, 1.0, 5);  // 0.1 s of headroom: not yet
  CHECK(m.level() == 1);
  run(m, c, 1.0, 40);
  CHECK(m.level() == 3);
  // A floor no level meets together with the target: preferring latency, it stays and says so.
  m.set_target(25);
  run(m, c, 1.0, 2);
  REQUIRE(m.level() == 1);
  m.set_min_accuracy(0.77);
  run(m, c, 1.0, 1);
  CHECK(m.level() == 1);
  CHECK(m.breaking() == kBreaksAccuracy);
  // Once a level meets both, it moves up to it at once: the floor is not headroom to wait for.
  m.set_target(35);
  run(m, c, 1.0, 1);
  CHECK(m.level() == 2);
  CHECK(m.breaking() == kBreaksNothing);
  CHECK_THROWS_AS(m.set_target(std::nan("")), ofa::common::Error);
  CHECK_THROWS_AS(m.set_min_accuracy(1.5), ofa::common::Error);
}

TEST_CASE("a level whose table figure is too optimistic is barred after a failed step up", "[policy]") {
  ManualClock c;
  PolicyConfig p = config(45);
  p.up_after_s = 0.3;
  SlowdownPolicy m(four_levels(), p, c.clock());
  // Level 3 really takes 60 ms although the table says 40; the others are as listed.
  int switches = 0, prev = m.level();
  for (int i = 0; i < 1000; ++i) {  // about 25 s
    const double ms = m.level() == 3 ? 60 : m.levels()[m.level()].latency_ms;
    c.now += ms / 1000;
    m.observe(ms);
    if (m.level() != prev) ++switches;
    prev = m.level();
  }
  // Without the backoff it would try level 3 every ~0.4 s (~120 switches in 25 s); with it the
  // bar doubles, 0.6 1.2 2.4 4.8 8 8 s: about 7 tries, two switches each.
  CHECK(switches <= 16);
  CHECK(switches >= 2);
}

TEST_CASE("unusable policy settings are rejected by name", "[policy][errors]") {
  ManualClock c;
  auto make = [&](PolicyConfig p, std::vector<LevelSpec> levels = four_levels()) { SlowdownPolicy m(levels, p, c.clock()); };
  CHECK_THROWS_WITH(make(config(0)), ofa::test::contains("latency target"));
  CHECK_THROWS_WITH(make(config(std::nan(""))), ofa::test::contains("latency target"));
  PolicyConfig p = config(30);
  p.margin = 1.0;
  CHECK_THROWS_WITH(make(p), ofa::test::contains("margin 1.000000 must be in [0, 1)"));
  p = config(30);
  p.smoothing = 0;
  CHECK_THROWS_WITH(make(p), ofa::test::contains("smoothing 0.000000 must be in (0, 1]"));
  CHECK_THROWS_WITH(make(config(30), {{20, 0.7}, {10, 0.8}}), ofa::test::contains("level 1: levels must be sorted fastest first"));
  CHECK_THROWS_WITH(make(config(30), {}), ofa::test::contains("at least one level"));
}
