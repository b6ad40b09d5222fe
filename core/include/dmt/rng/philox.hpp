// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011; constants and round structure as in Random123's philox.h).
//
// dmt keys every draw by (seed, particle, step), so that any backend and any number of threads
// draws the same numbers:
//   key     = {seed low 32 bits, seed high 32 bits}
//   counter = {block, step, particle, purpose}
// `block` numbers the successive groups of four 32-bit outputs needed within one step (block b
// yields coordinates 4b..4b+3), `purpose` separates independent uses within a step (proposal
// noise, accept/reject uniform, a second noise vector, ...).
#pragma once
#include <cstdint>

#include "dmt/hd.hpp"

namespace dmt {

struct philox_counter {
  std::uint32_t v[4];
};
struct philox_key {
  std::uint32_t v[2];
};

DMT_HD inline philox_key make_philox_key(std::uint64_t seed) {
  return {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
}

namespace philox_detail {
constexpr std::uint32_t kMul0 = 0xD2511F53u;
constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1

DMT_HD inline void round(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2, std::uint32_t& c3, std::uint32_t k0,
                         std::uint32_t k1) {
  const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * c0;
  const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * c2;
  const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
  const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
  const std::uint32_t n0 = hi1 ^ c1 ^ k0;
  const std::uint32_t n2 = hi0 ^ c3 ^ k1;
  c0 = n0;
  c1 = lo1;
  c2 = n2;
  c3 = lo0;
}
}  // namespace philox_detail

// The reference generator: ten rounds, key bumped by the Weyl constants between rounds.
DMT_HD inline philox_counter philox4x32_10(philox_counter ctr, philox_key key) {
  std::uint32_t c0 = ctr.v[0], c1 = ctr.v[1], c2 = ctr.v[2], c3 = ctr.v[3];
  std::uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int r = 0; r < 10; ++r) {
    philox_detail::round(c0, c1, c2, c3, k0, k1);
    k0 += philox_detail::kWeyl0;
    k1 += philox_detail::kWeyl1;
  }
  return {{c0, c1, c2, c3}};
}

// W independent counters at once (structure of arrays), written so that compilers vectorise
// the lane loop; bit-identical to W calls of philox4x32_10.
template <int W>
DMT_HD inline void philox4x32_10_lanes(std::uint32_t (&c)[4][W], philox_key key) {
  std::uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int r = 0; r < 10; ++r) {
    for (int l = 0; l < W; ++l) {
      philox_detail::round(c[0][l], c[1][l], c[2][l], c[3][l], k0, k1);
    }
    k0 += philox_detail::kWeyl0;
    k1 += philox_detail::kWeyl1;
  }
}

// Uniform float in the open interval (0, 1): the top 24 bits, centred in their cell.
DMT_HD inline float uniform_open01(std::uint32_t bits) {
  return (static_cast<float>(bits >> 8) + 0.5f) * (1.0f / 16777216.0f);
}

// Uniform double in (0, 1) from two 32-bit words (53 bits, centred).
DMT_HD inline double uniform_open01_double(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

}  // namespace dmt
