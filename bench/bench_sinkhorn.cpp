// Point-cloud Sinkhorn throughput (one Sinkhorn iteration = an f- and a g-update = 2 N M pairs)
// and the exp bound it is compared with. Run by bench/compare_sinkhorn.sh beside POT.
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>

#include "dmt/fast_exp.hpp"
#include "dmt/ot/gaussian_ot_batch.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include <Eigen/Core>

namespace {

dmt::weighted_cloud cloud(int n, int d, double shift, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd;
  dmt::weighted_cloud c;
  c.points.resize(n, d);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) c.points(i, k) = nd(gen) + shift;
  return c;
}

// args: N (= M), d, float32 (1) or float64 (0), storage: online (0) or automatic (1: the stored
// Gibbs kernel when N M <= 2^22), k; time per iteration from the difference of a (k + 1)- and a
// 1-iteration run over k (so set-up and the final statistics pass cancel; with the stored kernel
// the k extra iterations include filling it, once at the start and after each absorption).
void BM_SinkhornIteration(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0)), d = static_cast<int>(state.range(1));
  const int k = static_cast<int>(state.range(4));
  const auto x = cloud(n, d, 0.0, 1), y = cloud(n, d, 0.5, 2);
  dmt::sinkhorn_options o;
  o.reg = 0.05;
  o.tolerance = 0.0;
  o.storage = state.range(3) ? dmt::sinkhorn_storage::automatic : dmt::sinkhorn_storage::online;
  o.precision = state.range(2) ? dmt::sinkhorn_precision::float32 : dmt::sinkhorn_precision::float64;
  for (auto _ : state) {
    o.max_iterations = 1;
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(dmt::sinkhorn(x, y, o).cost);
    auto t1 = std::chrono::steady_clock::now();
    o.max_iterations = k + 1;
    benchmark::DoNotOptimize(dmt::sinkhorn(x, y, o).cost);
    auto t2 = std::chrono::steady_clock::now();
    const double per = (std::chrono::duration<double>(t2 - t1).count() - std::chrono::duration<double>(t1 - t0).count()) / k;
    state.SetIterationTime(per);
  }
  state.counters["pairs_per_s"] = benchmark::Counter(2.0 * n * n, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SinkhornIteration)
    ->Args({1000, 3, 1, 0, 10})
    ->Args({1000, 3, 0, 0, 10})
    ->Args({10000, 3, 1, 0, 10})
    ->Args({10000, 3, 0, 0, 10})
    ->Args({2000, 3, 1, 0, 10})
    ->Args({2000, 3, 0, 0, 10})
    ->Args({1000, 3, 1, 1, 10})
    ->Args({1000, 3, 0, 1, 10})
    ->Args({2000, 3, 1, 1, 10})
    ->Args({2000, 3, 0, 1, 10})
    ->Iterations(20)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
// k = 100: few repetitions (each runs 102 iterations; the manual time counts 100 of them)
BENCHMARK(BM_SinkhornIteration)
    ->Args({1000, 3, 1, 1, 100})
    ->Args({1000, 3, 0, 1, 100})
    ->Args({2000, 3, 1, 1, 100})
    ->Args({2000, 3, 0, 1, 100})
    ->Args({1000, 3, 1, 0, 100})
    ->Args({2000, 3, 1, 0, 100})
    ->Iterations(7)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
// k = 1000: the issue's own reference (POT: 52 s for 1000 iterations at N = 2000)
BENCHMARK(BM_SinkhornIteration)
    ->Args({1000, 3, 1, 1, 1000})
    ->Args({1000, 3, 0, 1, 1000})
    ->Args({2000, 3, 1, 1, 1000})
    ->Args({2000, 3, 0, 1, 1000})
    ->Args({1000, 3, 1, 0, 1000})
    ->Args({2000, 3, 1, 0, 1000})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The exp bound: the Sinkhorn kernel's own exp (exp_clamped) on float batches, summed: what one
// pair costs at the least when every pair needs an exp.
void BM_ExpBound(benchmark::State& state) {
  using B = xsimd::batch<float>;
  std::vector<float> v(4096);
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> u(-20.0f, 0.0f);
  for (auto& t : v) t = u(gen);
  for (auto _ : state) {
    B acc0(0.0f), acc1(0.0f);
    for (std::size_t j = 0; j < v.size(); j += 2 * B::size) {
      acc0 += dmt::exp_clamped(B::load_unaligned(v.data() + j));
      acc1 += dmt::exp_clamped(B::load_unaligned(v.data() + j + B::size));
    }
    benchmark::DoNotOptimize(acc0 + acc1);
  }
  state.counters["exp_per_s"] = benchmark::Counter(double(v.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ExpBound);

}  // namespace

// Closed-form Gaussian entropic OT over a batch of 4096 pairs (cost and cross-covariance), one
// thread; args: d, float32 (1) or float64 (0). bench/numpy_gaussian_ot.py is the peer.
template <class T>
void gaussian_batch(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0));
  const std::size_t n = 4096;
  std::mt19937 gen(7);
  std::normal_distribution<double> nd;
  std::vector<T> ma(n * d), mb(n * d), ca(n * d * d), cb(n * d * d), cost(n), cross(n * d * d);
  for (std::size_t p = 0; p < n; ++p)
    for (T* c : {ca.data() + p * d * d, cb.data() + p * d * d}) {
      Eigen::MatrixXd L(d, d);
      for (int i = 0; i < d; ++i)
        for (int k = 0; k < d; ++k) L(i, k) = nd(gen) / std::sqrt(double(d));
      const Eigen::MatrixXd S = L * L.transpose() + 0.5 * Eigen::MatrixXd::Identity(d, d);
      for (int i = 0; i < d; ++i)
        for (int k = 0; k < d; ++k) c[i * d + k] = static_cast<T>(S(i, k));
    }
  for (auto& v : ma) v = static_cast<T>(nd(gen));
  for (auto& v : mb) v = static_cast<T>(nd(gen));
  for (auto _ : state) {
    dmt::gaussian_entropic_ot_batch<T>(n, d, ma.data(), ca.data(), mb.data(), cb.data(), 0.5, cost.data(),
                                       cross.data());
    benchmark::DoNotOptimize(cost.data());
  }
  state.counters["us_per_pair"] =
      benchmark::Counter(double(n) * 1e-6, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
void BM_GaussianOtBatch(benchmark::State& state) {
  if (state.range(1))
    gaussian_batch<float>(state);
  else
    gaussian_batch<double>(state);
}
BENCHMARK(BM_GaussianOtBatch)->ArgsProduct({{2, 4, 8, 16}, {0, 1}})->Unit(benchmark::kMillisecond);
