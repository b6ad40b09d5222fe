// The arithmetic of replay-buffer draws (replay_buffer.hpp), written once for the CPU buffer
// (replay_buffer.cpp) and the device buffer (native/cuda/src/replay_buffer.cu): the sampling
// probabilities in insertion order, their running sum (the CDF, in order, in double), the i-th
// uniform of the draw stream and the inverse-CDF lookup. Sequential on purpose: the CDF is then the
// same number on both backends for the same buffer.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dmt/hd.hpp"
#include "dmt/rng/philox.hpp"

namespace dmt {

// Rank prioritisation: p[order[r]] = 1 / (k n + r), normalised; order: insertion indices from the
// largest log R down (ties: older first).
DMT_HD inline void rank_probabilities(std::size_t n, const std::uint32_t* order, double rank_k, double* p) {
  double s = 0.0;
  for (std::size_t r = 0; r < n; ++r) s += p[order[r]] = 1.0 / (rank_k * double(n) + double(r));
  for (std::size_t i = 0; i < n; ++i) p[i] /= s;
}

// Reward prioritisation: p proportional to exp(log R), log_r in insertion order.
template <class LogR>
DMT_HD inline void reward_probabilities(std::size_t n, const LogR& log_r, double* p) {
  using std::exp;
  double m = -INFINITY;
  for (std::size_t i = 0; i < n; ++i) m = double(log_r(i)) > m ? double(log_r(i)) : m;
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += p[i] = exp(double(log_r(i)) - m);
  for (std::size_t i = 0; i < n; ++i) p[i] /= s;
}

DMT_HD inline void uniform_probabilities(std::size_t n, double* p) {
  for (std::size_t i = 0; i < n; ++i) p[i] = 1.0 / double(n);
}

// In place: p -> its running sum (std::partial_sum's order).
DMT_HD inline void running_sum(std::size_t n, double* p) {
  for (std::size_t i = 1; i < n; ++i) p[i] = p[i - 1] + p[i];
}

// Uniform i of philox_stream(key, particle, purpose) (rng/stream.hpp): draw i reads outputs 2i and
// 2i + 1, i.e. block i / 2.
DMT_HD inline double stream_uniform_at(philox_key key, std::uint32_t particle, std::uint32_t purpose, std::uint64_t i) {
  const philox_counter c = philox4x32_10({{static_cast<std::uint32_t>(i / 2), 0u, particle, purpose}}, key);
  const int lane = static_cast<int>(i % 2) * 2;
  return uniform_open01_double(c.v[lane], c.v[lane + 1]);
}

// The entry a uniform u in (0, 1) picks: the first CDF value above u cdf[n - 1] (std::upper_bound),
// at most n - 1.
DMT_HD inline std::size_t cdf_pick(const double* cdf, std::size_t n, double u) {
  const double x = u * cdf[n - 1];
  std::size_t lo = 0, hi = n;  // first index with cdf > x in [lo, hi]
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (x < cdf[mid])
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo < n - 1 ? lo : n - 1;
}

}  // namespace dmt
