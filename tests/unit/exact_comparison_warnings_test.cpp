// The warnings `dmt sample` raises from a benchmark target's known answers, at their thresholds:
// |log Z error| > 0.5 nat, fewer modes covered than by exact samples, a squared mean error above 9
// times its sampling noise, a sliced W2 above 3 times two exact samples'; none when every comparison
// passes, and non-finite values always warn.
#include <gtest/gtest.h>

#include <cmath>

#include "dmt/metrics/exact_comparison_warnings.hpp"

namespace {

std::size_t count_with(const std::vector<std::string>& w, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& s : w) n += s.find(needle) != std::string::npos;
  return n;
}

TEST(ExactComparisonWarnings, Thresholds) {
  struct row {
    double log_z_error, coverage, coverage_exact, mean_ratio;
    std::size_t log_z, modes, mean;  // warnings expected of each kind
  };
  const row rows[] = {
      {0.0, 1.0, 1.0, 1.0, 0, 0, 0},     {0.49, 1.0, 1.0, 8.9, 0, 0, 0},   {-0.49, 0.9, 0.9, 0.0, 0, 0, 0},
      {0.51, 1.0, 1.0, 1.0, 1, 0, 0},    {-0.51, 1.0, 1.0, 1.0, 1, 0, 0},  {0.0, 0.975, 1.0, 1.0, 0, 1, 0},
      {0.0, 1.0, 1.0, 9.1, 0, 0, 1},     {NAN, 1.0, 1.0, NAN, 1, 0, 1},    {-850.0, 0.15, 1.0, 4000.0, 1, 1, 1},
      {INFINITY, 1.0, 1.0, 1.0, 1, 0, 0},
  };
  for (const row& r : rows) {
    dmt::exact_comparison c;
    c.log_z = 164.6957 + r.log_z_error;
    c.log_z_exact = 164.6957;
    c.coverage = r.coverage;
    c.coverage_exact = r.coverage_exact;
    c.modes = 40;
    c.mean_sq_noise = 0.01;
    c.mean_sq_error = r.mean_ratio * 0.01;
    const auto w = dmt::exact_comparison_warnings(c);
    EXPECT_EQ(count_with(w, "exact"), r.log_z + r.modes + r.mean) << r.log_z_error << " " << r.coverage << " " << r.mean_ratio;
    EXPECT_EQ(count_with(w, "log Z ="), r.log_z) << r.log_z_error;
    EXPECT_EQ(count_with(w, "missed modes"), r.modes) << r.coverage;
    EXPECT_EQ(count_with(w, "sample mean"), r.mean) << r.mean_ratio;
  }
}

TEST(ExactComparisonWarnings, Messages) {
  dmt::exact_comparison c;
  c.log_z = 163.5388;
  c.log_z_exact = 164.6957;
  c.coverage = 6.0 / 40;
  c.coverage_exact = 1.0;
  c.modes = 40;
  const auto w = dmt::exact_comparison_warnings(c);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0],
            "log Z = 163.5 is -1.16 nats from the target's exact 164.7 (more than 0.5): the estimate is biased at these "
            "settings or too noisy to trust; add temperatures or moves, or shorten the step");
  EXPECT_EQ(w[1], "the samples cover 6 of the target's 40 modes where as many exact samples cover 40: the sampler missed modes");
  EXPECT_TRUE(dmt::exact_comparison_warnings({}).empty());  // nothing known: nothing compared
}

TEST(ExactComparisonWarnings, SlicedW2AgainstTwoExactSamples) {
  auto warns = [](double w2, double exact) {
    dmt::exact_comparison c;
    c.sliced_w2 = w2;
    c.sliced_w2_exact = exact;
    return dmt::exact_comparison_warnings(c).size();
  };
  EXPECT_EQ(warns(0.29, 0.1), 0u);
  EXPECT_EQ(warns(0.31, 0.1), 1u);     // above 3 times the exact samples' own distance
  EXPECT_EQ(warns(0.04, 0.01), 0u);    // but not below 0.05 (tiny distances of near-identical samples)
  EXPECT_EQ(warns(NAN, 0.1), 1u);      // a non-finite distance always warns
  EXPECT_EQ(warns(INFINITY, 0.1), 1u);
  dmt::exact_comparison c;
  c.sliced_w2 = 6.37;
  c.sliced_w2_exact = 0.682;
  EXPECT_EQ(dmt::exact_comparison_warnings(c).at(0),
            "the sliced W2 distance to exact samples is 6.37, 9.34 times that between two exact samples (above 3): the "
            "sample's law differs from the target's");
}

}  // namespace
