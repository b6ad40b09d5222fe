// The machine's single-core float32 peak as this compiler reaches it: independent FMA chains on
// the widest xsimd batch (2 flops per lane per FMA). Used to express kernels as a fraction of peak.
#include <benchmark/benchmark.h>

#include "dmt/simd.hpp"

namespace {

void BM_PeakFma(benchmark::State& state) {
  using B = dmt::float_batch;
  constexpr int chains = 12;
  B acc[chains];
  for (int c = 0; c < chains; ++c) acc[c] = B(1.0f + c * 1e-3f);
  const B a(0.999999f), b(1e-7f);
  const long inner = 1 << 16;
  for (auto _ : state) {
    for (long i = 0; i < inner; ++i)
      for (int c = 0; c < chains; ++c) acc[c] = xsimd::fma(acc[c], a, b);
    benchmark::DoNotOptimize(acc);
  }
  state.counters["GFLOPs"] =
      benchmark::Counter(2.0 * B::size * chains * inner * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PeakFma);

}  // namespace
