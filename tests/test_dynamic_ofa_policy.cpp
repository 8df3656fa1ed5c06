// Dynamic-OFA's runtime manager (DynamicOfaPolicy) against scripted latency sequences, and its
// `--policy` flag: no sleeping, the policy counts frames.
#include "catch.hpp"

#include <memory>

#include "ofa/common/error.hpp"
#include "ofa/runtime/adaptive/dynamic_ofa_policy.hpp"
#include "ofa/runtime/adaptive/slowdown_policy.hpp"

using namespace ofa::runtime;

namespace {

// Four levels, 10 to 40 ms.
std::vector<LevelSpec> four_levels() { return {{10, 0.70}, {20, 0.74}, {30, 0.77}, {40, 0.79}}; }

DynamicOfaConfig config(double target) {
  DynamicOfaConfig c;
  c.target_ms = target;
  return c;
}

// Feeds `frames` frames of `slowdown` times the current level's table latency; returns the
// frame (1-based) at which the level first changed, or 0.
int first_switch(DynamicOfaPolicy& p, double slowdown, int frames) {
  for (int f = 1; f <= frames; ++f)
    if (p.observe(slowdown * p.levels()[p.level()].latency_ms).switched) return f;
  return 0;
}

}  // namespace

TEST_CASE("dynamic-ofa starts at the most accurate level the table says meets the target", "[policy][dynamic-ofa]") {
  CHECK(DynamicOfaPolicy(four_levels(), config(33)).level() == 2);
  CHECK(DynamicOfaPolicy(four_levels(), config(5)).level() == 0);
  DynamicOfaConfig c = config(100);
  c.initial_level = 1;
  CHECK(DynamicOfaPolicy(four_levels(), c).level() == 1);
  c.initial_level = 4;
  CHECK_THROWS_AS(DynamicOfaPolicy(four_levels(), c), ofa::common::Error);
}

TEST_CASE("dynamic-ofa steps down one level once the 20-frame mean exceeds the target, not before", "[policy][dynamic-ofa]") {
  // Level 2 (30 ms) under a 1.05x slowdown: 31.5 ms against a 31 ms target. The 21 warm-up
  // frames are not looked at; the sum of the record over 20 first exceeds 20 * 31 at the
  // 20th recorded frame, frame 41.
  DynamicOfaPolicy p(four_levels(), config(31));
  REQUIRE(p.level() == 2);
  CHECK(first_switch(p, 1.05, 100) == 41);
  CHECK(p.level() == 1);  // one level, not straight to what would meet it
  // Their sum / 20 with fewer than 20 recorded: a 3x slowdown (90 ms) exceeds 20 * 31 at the
  // 7th recorded frame, frame 28.
  DynamicOfaPolicy q(four_levels(), config(31));
  CHECK(first_switch(q, 3.0, 100) == 28);
  CHECK(q.level() == 1);
  // The window restarts after a switch: still slow at level 1 (60 ms), the next step takes 21 + 11 frames.
  CHECK(first_switch(q, 3.0, 100) == 32);
  CHECK(q.level() == 0);
}

TEST_CASE("dynamic-ofa leaves out frames past its outlier cut when asked", "[policy][dynamic-ofa]") {
  DynamicOfaConfig c = config(31);
  c.outlier_ratio = 1.5;  // their 90 ms at a 60 ms constraint
  DynamicOfaPolicy p(four_levels(), c);
  CHECK(first_switch(p, 3.0, 200) == 41);  // 90 ms >= 46.5 ms is never recorded: the up-step fires instead
  CHECK(p.level() == 3);
}

TEST_CASE("dynamic-ofa steps up after a whole window without violation", "[policy][dynamic-ofa]") {
  DynamicOfaConfig c = config(35);
  c.initial_level = 0;
  DynamicOfaPolicy q(four_levels(), c);
  CHECK(first_switch(q, 1.0, 100) == 41);  // the default up_after_frames
  CHECK(q.level() == 1);
  CHECK(first_switch(q, 1.0, 100) == 41);
  CHECK(q.level() == 2);
  CHECK(first_switch(q, 1.0, 100) == 41);
  CHECK(q.level() == 3);
  // Level 3 (40 ms) breaks 35 ms: 18 recorded frames of 40 ms sum past 20 * 35, at frame 21 + 18.
  CHECK(first_switch(q, 1.0, 100) == 39);
  CHECK(q.level() == 2);
  // Back at level 2 the climb starts again: their oscillation, one window apart.
  CHECK(first_switch(q, 1.0, 100) == 41);
  CHECK(q.level() == 3);
}

TEST_CASE("dynamic-ofa steps up at frame 72 when the level misses the accuracy constraint", "[policy][dynamic-ofa]") {
  DynamicOfaConfig c = config(1000);
  c.initial_level = 0;
  c.min_accuracy = 0.76;
  c.up_after_frames = 500;  // so only the accuracy rule climbs
  DynamicOfaPolicy p(four_levels(), c);
  CHECK(first_switch(p, 1.0, 200) == 72);
  CHECK(p.level() == 1);
  CHECK(first_switch(p, 1.0, 200) == 72);
  CHECK(p.level() == 2);  // 0.77 meets the floor: no more climbing
  CHECK(first_switch(p, 1.0, 200) == 0);
  // A latency violation on frame 72 wins: down, not up.
  DynamicOfaConfig d = c;
  d.target_ms = 40;
  d.initial_level = 1;
  DynamicOfaPolicy q(four_levels(), d);
  for (int f = 1; f < 72; ++f) REQUIRE_FALSE(q.observe(1).switched);
  const Decision last = q.observe(1000);  // (19 * 1 + 1000) / 20 > 40
  CHECK(last.switched);
  CHECK(q.level() == 0);
}

TEST_CASE("dynamic-ofa never leaves the level range", "[policy][dynamic-ofa]") {
  DynamicOfaPolicy low(four_levels(), config(5));  // nothing meets 5 ms
  REQUIRE(low.level() == 0);
  for (int f = 0; f < 500; ++f) low.observe(10);
  CHECK(low.level() == 0);
  DynamicOfaPolicy top(four_levels(), config(1000));
  REQUIRE(top.level() == 3);
  for (int f = 0; f < 500; ++f) top.observe(40);
  CHECK(top.level() == 3);
}

TEST_CASE("dynamic-ofa's target and floor change through the common interface", "[policy][dynamic-ofa]") {
  PolicyConfig pc;
  pc.target_ms = 31;
  std::unique_ptr<LevelPolicy> p = make_level_policy(kDynamicOfaPolicy, four_levels(), pc);
  CHECK(p->name() == "dynamic-ofa");
  CHECK(p->level() == 2);
  p->set_target(25);
  CHECK(p->target_ms() == 25);
  int f = 1;
  while (!p->observe(30).switched) ++f;
  CHECK(f == 21 + 17);  // 17 frames of 30 ms sum past 20 * 25
  CHECK(p->level() == 1);
  CHECK_THROWS_AS(p->set_target(-1), ofa::common::Error);
  CHECK(make_level_policy(kOfaToolchainPolicy, four_levels(), pc)->name() == "ofa-toolchain");
  CHECK_THROWS_WITH(make_level_policy("bogus", four_levels(), pc), ofa::test::contains("--policy bogus"));
}

