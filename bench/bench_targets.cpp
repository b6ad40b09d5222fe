// Gradient evaluations per second for every target (batch of particles, one thread).
#include <benchmark/benchmark.h>

#include "dmt/rng/normal.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/registry.hpp"

namespace {

void BM_TargetGradient(benchmark::State& state, std::string name, std::size_t n) {
  const auto t = dmt::make_target(name, {});
  const int d = t->dim();
  std::vector<float> x(n * d), lr(n), g(n * d);
  if (t->has_exact_sampler()) {
    t->sample_exact(1, n, x.data());
  } else {
    dmt::philox_stream rng(dmt::make_philox_key(1), 0, 0);
    const double offset = name == "lgcp" ? 4.0 : 0.0;
    for (float& v : x) v = static_cast<float>(offset + 0.3 * rng.normal());
  }
  for (auto _ : state) {
    t->evaluate(x.data(), n, lr.data(), g.data());
    benchmark::DoNotOptimize(lr.data());
    benchmark::ClobberMemory();
  }
  state.counters["grad_evals_per_s"] = benchmark::Counter(double(n) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["dim"] = d;
}

BENCHMARK_CAPTURE(BM_TargetGradient, gaussian, std::string("gaussian"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, gmm25, std::string("gmm25"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, gmm9, std::string("gmm9"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, gmm40, std::string("gmm40"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, funnel, std::string("funnel"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, manywell, std::string("manywell"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, doublewell, std::string("doublewell"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, student_t, std::string("student_t"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, student_t_mixture, std::string("student_t_mixture"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, banana, std::string("banana"), 65536);
BENCHMARK_CAPTURE(BM_TargetGradient, blr, std::string("blr"), 4096);
BENCHMARK_CAPTURE(BM_TargetGradient, lgcp, std::string("lgcp"), 64);

}  // namespace

namespace {

// Standard normals per second from Philox + Box-Muller on the widest float batch.
void BM_Normals(benchmark::State& state) {
  constexpr int W = dmt::lanes<dmt::float_batch>::value;
  const int dim = 32;
  std::vector<dmt::float_batch> z(dim);
  std::uint32_t step = 0;
  for (auto _ : state) {
    for (std::uint32_t p = 0; p < 4096; p += W)
      dmt::normal_vector<dmt::float_batch>({dmt::make_philox_key(1), step, 0u}, p, dim, z.data());
    benchmark::DoNotOptimize(z.data());
    ++step;
  }
  state.counters["normals_per_s"] = benchmark::Counter(4096.0 * dim * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Normals);

}  // namespace
