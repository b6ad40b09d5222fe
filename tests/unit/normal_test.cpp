// Standard normals from Philox + Box-Muller: KS at p = 1e-6 on 1e6 draws, for the SIMD lanes and
// the scalar path, and SIMD/scalar agreement on the same (seed, particle, step).
#include "dmt/rng/normal.hpp"

#include <gtest/gtest.h>

#include "dmt/simd.hpp"
#include "test_support.hpp"

namespace {

std::vector<double> draws(std::uint64_t seed, bool simd, std::size_t n, int dim) {
  std::vector<double> out;
  out.reserve(n);
  const dmt::rng_site site{dmt::make_philox_key(seed), 17u, 0u};
  constexpr int W = dmt::lanes<dmt::float_batch>::value;
  std::vector<dmt::float_batch> zb(dim);
  std::vector<float> zs(dim);
  alignas(64) float buf[W];
  for (std::uint32_t p = 0; out.size() < n; p += simd ? W : 1) {
    if (simd) {
      dmt::normal_vector<dmt::float_batch>(site, p, dim, zb.data());
      for (int j = 0; j < dim; ++j) {
        zb[j].store_unaligned(buf);
        for (int l = 0; l < W; ++l) out.push_back(buf[l]);
      }
    } else {
      dmt::normal_vector<float>(site, p, dim, zs.data());
      for (int j = 0; j < dim; ++j) out.push_back(zs[j]);
    }
  }
  out.resize(n);
  return out;
}

TEST(Normal, KolmogorovSmirnovSimd) {
  const auto seed = dmt_test::test_seed(20261122);
  EXPECT_TRUE(dmt_test::ks_accepts(draws(seed, true, 1000000, 7), [](double x) { return dmt_test::normal_cdf(x); }));
}

TEST(Normal, KolmogorovSmirnovScalar) {
  const auto seed = dmt_test::test_seed(7);
  EXPECT_TRUE(dmt_test::ks_accepts(draws(seed, false, 1000000, 5), [](double x) { return dmt_test::normal_cdf(x); }));
}

TEST(Normal, KolmogorovSmirnovRejectsAScaledNormal) {
  // The test can fail: normals scaled by 1.01 are rejected at 1e6 draws.
  auto x = draws(3, true, 1000000, 4);
  for (double& v : x) v *= 1.01;
  EXPECT_FALSE(dmt_test::ks_accepts(x, [](double v) { return dmt_test::normal_cdf(v); }));
}

TEST(Normal, SimdMatchesScalarPerParticle) {
  const int dim = 9;
  constexpr int W = dmt::lanes<dmt::float_batch>::value;
  const dmt::rng_site site{dmt::make_philox_key(99), 5u, 1u};
  std::vector<dmt::float_batch> zb(dim);
  dmt::normal_vector<dmt::float_batch>(site, 32u, dim, zb.data());
  alignas(64) float buf[W];
  for (int l = 0; l < W; ++l) {
    std::vector<float> zs(dim);
    dmt::normal_vector<float>(site, 32u + l, dim, zs.data());
    for (int j = 0; j < dim; ++j) {
      zb[j].store_unaligned(buf);
      // same uniforms; only the log/sin/cos implementations differ (xsimd vs libm)
      EXPECT_NEAR(buf[l], zs[j], 2e-5f * (1.0f + std::fabs(zs[j]))) << "lane " << l << " coordinate " << j;
    }
  }
}

}  // namespace
