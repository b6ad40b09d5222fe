// Replay buffer, local search and both-ways training (issue [diffusion-2]):
//   - sampling probabilities equal the formulas (rank: 1 / (k |D| + rank), rank 0 = largest log R,
//     ties older first; reward: R / sum R; uniform), written out by hand for 7 entries;
//   - draws follow them: chi-square over 200 000 draws below its p = 1e-6 quantile (6 degrees of
//     freedom: 35.89, scipy.stats.chi2.isf(1e-6, 6));
//   - first in, first out at capacity; non-finite log R skipped;
//   - MALA local search keeps exact gmm25 samples exact: mode counts (chi-square, 24 degrees of
//     freedom, p = 1e-6 quantile 64.86) and each coordinate's squared distance to its nearest mode
//     against a fresh exact sample (two-sample z-test, |z| < 5: two-sided p = 6e-7);
//   - training with a buffer, both ways and local search is deterministic and independent of the
//     thread count, and the buffers fill as stated; bad settings are one-line errors.
#include "dmt/diffusion/replay_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dmt/diffusion/buffer_draw.hpp"
#include "dmt/diffusion/local_search.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/diffusion/trainer.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/params.hpp"
#include "dmt/targets/registry.hpp"

namespace {

const float kLogR[7] = {0.5f, 2.0f, -1.0f, 2.0f, 3.0f, -5.0f, 1.0f};

dmt::replay_buffer filled(dmt::buffer_priority p, long capacity = 100) {
  dmt::buffer_settings s;
  s.capacity = capacity;
  s.priority = p;
  dmt::replay_buffer b(1, s);
  float x[7];
  for (int i = 0; i < 7; ++i) x[i] = float(i);
  b.add(x, kLogR, 7);
  return b;
}

}  // namespace

TEST(ReplayBuffer, ProbabilitiesAreTheFormulas) {
  // rank order (largest log R first, ties older first): entry 4 (3.0), 1 (2.0), 3 (2.0), 6 (1.0),
  // 0 (0.5), 2 (-1.0), 5 (-5.0); k |D| = 0.07
  const int rank_of[7] = {4, 1, 5, 2, 0, 6, 3};
  double z = 0;
  for (int r = 0; r < 7; ++r) z += 1.0 / (0.07 + r);
  const auto p = filled(dmt::buffer_priority::rank).probabilities();
  for (int i = 0; i < 7; ++i) EXPECT_NEAR(p[i], 1.0 / (0.07 + rank_of[i]) / z, 1e-15) << "rank, entry " << i;
  double zr = 0;
  for (float l : kLogR) zr += std::exp(double(l));
  const auto q = filled(dmt::buffer_priority::reward).probabilities();
  for (int i = 0; i < 7; ++i) EXPECT_NEAR(q[i], std::exp(double(kLogR[i])) / zr, 1e-15) << "reward, entry " << i;
  for (double u : filled(dmt::buffer_priority::uniform).probabilities()) EXPECT_DOUBLE_EQ(u, 1.0 / 7);
}

TEST(ReplayBuffer, DrawsFollowTheProbabilities) {
  const std::uint64_t seed = 5;
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  for (auto prio : {dmt::buffer_priority::rank, dmt::buffer_priority::reward, dmt::buffer_priority::uniform}) {
    const auto b = filled(prio);
    const auto p = b.probabilities();
    const std::size_t n = 200000;
    std::vector<double> count(7, 0.0);
    for (std::size_t i : b.sample(n, dmt::make_philox_key(seed), 3, 9)) count[i] += 1;
    double chi2 = 0;
    for (int i = 0; i < 7; ++i) chi2 += (count[i] - n * p[i]) * (count[i] - n * p[i]) / (n * p[i]);
    std::printf("%s: chi-square %.2f (6 degrees of freedom; p = 1e-6 quantile 35.89)\n", dmt::buffer_priority_name(prio),
                chi2);
    EXPECT_LT(chi2, 35.89);
  }
}

TEST(ReplayBuffer, DrawArithmeticIsTheSequentialStreamAndUpperBound) {
  // buffer_draw.hpp's counter-based uniform i (what a device thread computes alone) is the i-th
  // uniform of the sequential philox_stream, and cdf_pick is std::upper_bound capped at n - 1.
  const dmt::philox_key key = dmt::make_philox_key(77);
  dmt::philox_stream rng(key, 12, 0x42000001u);
  for (std::uint64_t i = 0; i < 1000; ++i)
    ASSERT_EQ(dmt::stream_uniform_at(key, 12, 0x42000001u, i), rng.uniform()) << "uniform " << i;
  const std::vector<double> cdf = {0.1, 0.1, 0.35, 0.35, 0.9, 1.0};
  for (double u : {1e-9, 0.05, 0.1, 0.2, 0.35, 0.5, 0.9, 0.95, 1.0 - 1e-12, 1.0}) {
    const std::size_t expected = std::min<std::size_t>(
        std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back()) - cdf.begin(), cdf.size() - 1);
    EXPECT_EQ(dmt::cdf_pick(cdf.data(), cdf.size(), u), expected) << "u = " << u;
  }
}

TEST(ReplayBuffer, FirstInFirstOut) {
  dmt::buffer_settings s;
  s.capacity = 3;
  dmt::replay_buffer b(2, s);
  const float x[10] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
  const float lr[5] = {0, 1, NAN, 3, 4};
  b.add(x, lr, 5);  // entry 2 skipped (NaN): 0, 1, 3, 4 -> the last three
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.state(0)[0], 1.0f);
  EXPECT_EQ(b.state(1)[1], 3.0f);
  EXPECT_EQ(b.state(2)[0], 4.0f);
  EXPECT_EQ(b.log_r(0), 1.0f);
  EXPECT_EQ(b.log_r(2), 4.0f);
}

TEST(ReplayBuffer, BadSettingsAreOneLineErrors) {
  auto expect = [](auto f, const std::string& what) {
    try {
      f();
      FAIL() << "no error for " << what;
    } catch (const dmt::input_error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  };
  dmt::buffer_settings s;
  s.capacity = 0;
  expect([&] { dmt::replay_buffer b(2, s); }, "buffer capacity must be positive");
  s.capacity = 1L << 31;
  expect([&] { dmt::replay_buffer b(2, s); }, "buffer capacity must be below 2^31 (got 2147483648)");
  s.capacity = 10;
  s.rank_k = 0;
  expect([&] { dmt::replay_buffer b(2, s); }, "buffer rank_k must be positive");
  expect([] { dmt::parse_buffer_priority("best"); }, "unknown buffer prioritisation 'best'");
  const auto t = dmt::make_target("gmm25", {});
  dmt::train_settings ts;
  ts.model.dim = 2;
  ts.both_ways = true;
  expect([&] { dmt::trainer tr(ts, *t); }, "both_ways training needs a replay buffer");
  ts.both_ways = false;
  ts.buffer.capacity = 100;
  ts.local_search.every = 10;
  ts.local_search.target_accept = 1.5;
  expect([&] { dmt::trainer tr(ts, *t); }, "target_accept must be in (0, 1)");
  ts.local_search.target_accept = 0.574;
  ts.exploration = -1;
  expect([&] { dmt::trainer tr(ts, *t); }, "exploration must be non-negative");
}

TEST(LocalSearch, KeepsExactGmm25SamplesExact) {
  const std::uint64_t seed = 21;
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  const auto t = dmt::make_target("gmm25", {});
  const std::size_t n = 10000;
  std::vector<float> x(2 * n);
  t->sample_exact(seed, n, x.data());
  dmt::local_search_settings s;
  const auto r = dmt::run_local_search(*t, x, s, 0.5, seed + 1);
  std::printf("step size after burn-in %.4f, acceptance %.3f\n", r.step_size, r.acceptance);
  EXPECT_GT(r.acceptance, 0.45);
  EXPECT_LT(r.acceptance, 0.70);
  // nearest grid mode (means -10, -5, 0, 5, 10 in each coordinate, unit variance): counts, and the
  // squared distance to it per coordinate, against a fresh exact sample (two-sample z-test)
  std::vector<float> fresh(2 * n);
  t->sample_exact(seed + 2, n, fresh.data());
  auto stats = [&](const std::vector<float>& v, std::vector<double>& count, double (&mean)[2], double (&var)[2]) {
    count.assign(25, 0.0);
    double s1[2] = {0, 0}, s2[2] = {0, 0};
    for (std::size_t i = 0; i < n; ++i) {
      int m[2];
      for (int j = 0; j < 2; ++j) {
        m[j] = std::max(0, std::min(4, static_cast<int>(std::lround(v[2 * i + j] / 5.0)) + 2));
        const double d = v[2 * i + j] - 5.0 * (m[j] - 2), q = d * d;
        s1[j] += q;
        s2[j] += q * q;
      }
      count[m[0] * 5 + m[1]] += 1;
    }
    for (int j = 0; j < 2; ++j) {
      mean[j] = s1[j] / n;
      var[j] = s2[j] / n - mean[j] * mean[j];
    }
  };
  std::vector<double> count, count_fresh;
  double m1[2], v1[2], m2[2], v2[2];
  stats(r.x, count, m1, v1);
  stats(fresh, count_fresh, m2, v2);
  // by symmetry every mode's expected count is n / 25 (what the nearest-mode rule loses across a
  // boundary it gains back from the other side)
  double chi2 = 0;
  for (double c : count) chi2 += (c - n / 25.0) * (c - n / 25.0) / (n / 25.0);
  std::printf("mode counts chi-square %.1f (24 degrees of freedom; p = 1e-6 quantile 64.86)\n", chi2);
  EXPECT_LT(chi2, 64.86);
  for (int j = 0; j < 2; ++j) {
    const double z = (m1[j] - m2[j]) / std::sqrt(v1[j] / n + v2[j] / n);
    std::printf("coordinate %d: squared distance to the nearest mode %.4f after local search, %.4f exact; z = %.2f\n",
                j, m1[j], m2[j], z);
    EXPECT_LT(std::abs(z), 5.0);
  }
}

// keep = accepted (gfn-diffusion's langevin_dynamics): every proposal accepted after the burn-in, each
// with its own log R; as many as the accepted moves the sampler counted; and the final states of the
// same run (keep = final, same seed) are among them (a particle that never moved after the burn-in
// would be the exception: probability about 0.43^100 here).
TEST(LocalSearch, KeepAcceptedReturnsEveryAcceptedProposalAfterTheBurnIn) {
  const std::uint64_t seed = 23;
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  const auto t = dmt::make_target("gmm25", {});
  const std::size_t n = 300;
  std::vector<float> x(2 * n);
  t->sample_exact(seed, n, x.data());
  dmt::local_search_settings s;  // 200 steps, 100 of burn-in
  const auto fin = dmt::run_local_search(*t, x, s, 0.5, seed + 1);
  s.keep_accepted = true;
  const auto acc = dmt::run_local_search(*t, x, s, 0.5, seed + 1);
  EXPECT_EQ(acc.step_size, fin.step_size);
  EXPECT_EQ(acc.acceptance, fin.acceptance);
  const std::size_t m = acc.log_r.size();
  ASSERT_EQ(acc.x.size(), 2 * m);
  const double expected = fin.acceptance * double(n) * double(s.steps - s.burn_in);
  std::printf("accepted proposals kept: %zu (acceptance %.4f x %zu x %ld = %.1f)\n", m, fin.acceptance, n,
              s.steps - s.burn_in, expected);
  EXPECT_NEAR(double(m), expected, 1e-6);
  std::vector<float> lr(m);
  t->evaluate(acc.x.data(), m, lr.data(), nullptr);
  for (std::size_t i = 0; i < m; ++i) ASSERT_FLOAT_EQ(acc.log_r[i], lr[i]) << i;
  std::size_t found = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < m; ++k)
      if (acc.x[2 * k] == fin.x[2 * i] && acc.x[2 * k + 1] == fin.x[2 * i + 1]) {
        ++found;
        break;
      }
  EXPECT_EQ(found, n);
}

// The sampling distribution is cached between draws; an add must renew it: draws after an add equal
// those of a buffer filled with the same entries from the start.
TEST(ReplayBuffer, DrawsAfterAnAddSeeTheNewEntries) {
  for (auto prio : {dmt::buffer_priority::rank, dmt::buffer_priority::reward, dmt::buffer_priority::uniform}) {
    auto b = filled(prio, 7);  // full: the add keeps the size
    const auto key = dmt::make_philox_key(7);
    b.sample(100, key, 1, 2);
    const float x[2] = {10.0f, 11.0f}, lr[2] = {9.0f, -2.0f};
    b.add(x, lr, 2);  // the two oldest entries are evicted
    dmt::buffer_settings s;
    s.capacity = 7;
    s.priority = prio;
    dmt::replay_buffer fresh(1, s);
    for (std::size_t i = 0; i < b.size(); ++i) {
      const float xi = b.state(i)[0], li = b.log_r(i);
      fresh.add(&xi, &li, 1);
    }
    EXPECT_EQ(b.sample(1000, key, 3, 2), fresh.sample(1000, key, 3, 2)) << dmt::buffer_priority_name(prio);
    b.clear();
    EXPECT_THROW(b.sample(1, key, 4, 2), std::logic_error);
  }
}

TEST(ReplayBuffer, BothWaysTrainingWithLocalSearchIsReproducible) {
  const auto t = dmt::make_target("gmm25", {});
  dmt::train_settings s;
  s.model.dim = 2;
  s.model.sigma2 = 5.0;
  s.grid.steps = 10;
  s.batch = 64;
  s.iterations = 12;
  s.buffer.capacity = 500;
  s.both_ways = true;
  s.local_search.every = 4;
  s.local_search.steps = 20;
  s.local_search.burn_in = 10;
  s.exploration = 0.5;
  s.exploration_iterations = 6;
  s.seed = 4;
  dmt::thread_pool one(1), three(3);
  dmt::trainer a(s, *t, one), b(s, *t, three);
  for (int i = 0; i < 12; ++i) {
    const auto x = a.step(), y = b.step();
    ASSERT_EQ(x.loss, y.loss) << "iteration " << i;
    ASSERT_TRUE(std::isfinite(x.loss));
  }
  // forward batches on the 6 even iterations (64 each, capacity 500 -> 384); local search at 0, 4, 8
  EXPECT_EQ(a.buffer()->size(), 384u);
  EXPECT_EQ(a.search_buffer()->size(), 3u * 64u);
  EXPECT_EQ(a.model().store.values, b.model().store.values);
  EXPECT_NE(a.search_step_size(), s.local_search.step_size);  // adapted
}
