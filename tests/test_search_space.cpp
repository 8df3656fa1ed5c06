#include "catch.hpp"

#include "ofa/common/error.hpp"
#include "ofa/common/search_space.hpp"

using namespace ofa::common;

TEST_CASE("make_divisible follows OFA", "[space]") {
  CHECK(make_divisible(16 * 1.2) == 24);
  CHECK(make_divisible(24 * 1.2) == 32);
  CHECK(make_divisible(112 * 1.2) == 136);
  CHECK(make_divisible(960 * 1.2) == 1152);
  CHECK(make_divisible(1280 * 1.2) == 1536);
  CHECK(make_divisible(408 / 4) == 104);
  CHECK(make_divisible(3) == 8);   // never below the divisor
  CHECK(make_divisible(21) == 24);  // 16 would be more than 10 % down
}

TEST_CASE("OFA w1.2 and w1.0 widths", "[space]") {
  const auto w12 = search_space("ofa-mbv3-w1.2");
  CHECK(w12.first_conv_width == 24);
  CHECK(w12.stage_width == std::array<int, 5>{32, 48, 96, 136, 192});
  CHECK(w12.final_expand_width == 1152);
  CHECK(w12.feature_mix_width == 1536);
  CHECK(w12.resolutions.size() == 17);
  CHECK(w12.resolutions.front() == 160);
  CHECK(w12.resolutions.back() == 224);
  const auto w10 = search_space("ofa-mbv3-w1.0");
  CHECK(w10.first_conv_width == 16);
  CHECK(w10.stage_width == std::array<int, 5>{24, 40, 80, 112, 160});
  CHECK(w10.final_expand_width == 960);
  CHECK(w10.feature_mix_width == 1280);
}

TEST_CASE("CompOFA compound space", "[space]") {
  const auto c = search_space("compofa-mbv3-w1.2");
  CHECK(c.compound);
  REQUIRE(c.fixed_kernel);
  CHECK(*c.fixed_kernel == std::array<int, 5>{3, 5, 3, 3, 5});
  const auto fixed = c.kernel_choices(1);
  CHECK(std::vector<int>(fixed.begin(), fixed.end()) == std::vector<int>{5});
  CHECK(c.resolutions == std::vector<int>{160, 176, 192, 208, 224});
  const auto ek = search_space("compofa-mbv3-w1.2", true);
  CHECK_FALSE(ek.fixed_kernel);
  const auto elastic = ek.kernel_choices(1);
  CHECK(std::vector<int>(elastic.begin(), elastic.end()) == std::vector<int>{3, 5, 7});
}

TEST_CASE("unknown spaces and misplaced options are errors", "[space][errors]") {
  CHECK_THROWS_WITH(search_space("ofa-mbv3-w2.0"), ofa::test::contains("unknown search space 'ofa-mbv3-w2.0'"));
  CHECK_THROWS_WITH(search_space("ofa-mbv3-w1.2", true), ofa::test::contains("CompOFA space only"));
}
