#include "catch.hpp"

#include "ofa/common/encoding.hpp"
#include "ofa/common/error.hpp"
#include "ofa/search/sampling.hpp"

using namespace ofa::common;

TEST_CASE("encoding positions follow OFA's spec2feats", "[encoding]") {
  ArchConfig a;
  a.ks.fill(7);
  a.e.fill(4);
  a.d = {2, 4, 3, 2, 4};
  a.r = 192;
  a.ks[0] = 3;
  a.e[1] = 6;
  const auto f = encode(a);
  CHECK(f[0 * 3 + 0] == 1.0f);       // block 0 kernel 3
  CHECK(f[60 + 1 * 3 + 2] == 1.0f);  // block 1 expand 6
  CHECK(f[120 + (192 - 112) / 16] == 1.0f);
  // Block 2 (stage 0, depth 2) is inactive: all zero.
  for (int j = 0; j < 3; ++j) {
    CHECK(f[2 * 3 + j] == 0.0f);
    CHECK(f[60 + 2 * 3 + j] == 0.0f);
  }
  float ones = 0;
  for (float v : f) ones += v;
  CHECK(ones == 2 * (2 + 4 + 3 + 2 + 4) + 1);
}

TEST_CASE("encoding round-trips for random architectures of every space", "[encoding]") {
  for (const auto& name : search_space_names()) {
    const auto space = search_space(name);
    ofa::search::Rng rng(11);
    for (int i = 0; i < 500; ++i) {
      const ArchConfig a = ofa::search::random_arch(space, rng);
      const auto f = encode(a);
      const ArchConfig back = decode(f, a.r);
      CHECK(back == a);
      CHECK(back.hash() == a.hash());
      CHECK(back.canonical().ks == a.canonical().ks);
    }
  }
}

TEST_CASE("inactive blocks are ignored by equality, hashing and encoding", "[encoding][arch]") {
  const auto space = search_space("ofa-mbv3-w1.2");
  ofa::search::Rng rng(3);
  ArchConfig a = ofa::search::random_arch(space, rng);
  a.d[1] = 2;
  ArchConfig b = a;
  b.ks[4 + 3] = a.ks[4 + 3] == 3 ? 5 : 3;  // block 7 is inactive
  b.e[4 + 2] = a.e[4 + 2] == 3 ? 6 : 3;    // block 6 is inactive
  CHECK(a == b);
  CHECK(a.hash() == b.hash());
  CHECK(encode(a) == encode(b));
  b.ks[4] = a.ks[4] == 3 ? 5 : 3;  // block 4 is active
  CHECK(a != b);
}

TEST_CASE("decode rejects vectors that are not encodings", "[encoding][errors]") {
  std::array<float, kEncodingSize> f{};
  CHECK_THROWS_WITH(decode(f), ofa::test::contains("no resolution bucket"));
  f[120 + 3] = 1;
  f[0] = 1;  // kernel without expand ratio
  CHECK_THROWS_WITH(decode(f), ofa::test::contains("kernel but no expand ratio"));
  f[60] = 1;
  f[1] = 1;  // two kernels
  CHECK_THROWS_WITH(decode(f), ofa::test::contains("two choices"));
  f[1] = 0.5f;
  CHECK_THROWS_WITH(decode(f), ofa::test::contains("not 0 or 1"));
}
