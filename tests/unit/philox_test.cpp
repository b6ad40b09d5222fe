// Philox4x32-10 known answers (Random123's kat_vectors) and the lane version's equality.
#include "dmt/rng/philox.hpp"

#include <gtest/gtest.h>

namespace {

struct kat {
  dmt::philox_counter ctr;
  dmt::philox_key key;
  std::uint32_t expect[4];
};

TEST(Philox, KnownAnswers) {
  const kat cases[] = {
      {{{0u, 0u, 0u, 0u}}, {{0u, 0u}}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       {{0xffffffffu, 0xffffffffu}},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       {{0xa4093822u, 0x299f31d0u}},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const auto& c : cases) {
    const auto out = dmt::philox4x32_10(c.ctr, c.key);
    for (int j = 0; j < 4; ++j) EXPECT_EQ(out.v[j], c.expect[j]) << "word " << j;
  }
}

TEST(Philox, LanesMatchScalar) {
  constexpr int W = 16;
  std::uint32_t c[4][W];
  const dmt::philox_key key = dmt::make_philox_key(0x123456789abcdefULL);
  for (int l = 0; l < W; ++l) {
    c[0][l] = 7u * l;
    c[1][l] = 0xdeadbeefu + l;
    c[2][l] = 1000u + l;
    c[3][l] = 3u;
  }
  std::uint32_t ref[4][W];
  for (int l = 0; l < W; ++l) {
    const auto out = dmt::philox4x32_10({{c[0][l], c[1][l], c[2][l], c[3][l]}}, key);
    for (int j = 0; j < 4; ++j) ref[j][l] = out.v[j];
  }
  dmt::philox4x32_10_lanes<W>(c, key);
  for (int l = 0; l < W; ++l)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(c[j][l], ref[j][l]);
}

}  // namespace

#include "dmt/rng/normal.hpp"
#include "dmt/simd.hpp"

namespace {

// The SIMD Philox (split even/odd form) gives exactly the scalar generator's uniforms.
TEST(Philox, SimdUniformsAreBitIdenticalToScalar) {
  constexpr int W = dmt::lanes<dmt::float_batch>::value;
  const dmt::rng_site site{dmt::make_philox_key(0xfeedbeef12345ULL), 4242u, 3u};
  for (std::uint32_t first : {0u, 8u, 0xfffffff0u}) {
    for (std::uint32_t block : {0u, 1u, 77u}) {
      dmt::float_batch u[4];
      dmt::random_source<dmt::float_batch>::uniforms(site, first, block, u);
      float ref[4][W];
      dmt::uniform_block<W>(site, first, block, ref);
      alignas(64) float got[W];
      for (int j = 0; j < 4; ++j) {
        u[j].store_unaligned(got);
        for (int l = 0; l < W; ++l) EXPECT_EQ(got[l], ref[j][l]) << "first " << first << " block " << block;
      }
    }
  }
}

}  // namespace
