// Diffusion-sampler training: one TB iteration on gmm25 (batch 300, T = 100, hidden 64 by
// default), with the network's achieved GFLOP/s; and the two GEMM kernels on the network's shapes.
// bench/compare_diffusion.sh runs BM_TrainTB beside the PyTorch version (bench/torch_diffusion.py).
#include <benchmark/benchmark.h>

#include <vector>

#include "dmt/diffusion/trainer.hpp"
#include "dmt/nn/gemm.hpp"
#include "dmt/targets/registry.hpp"

namespace {

// Args: hidden, batch, kernel (0 eigen, 1 simd)
void BM_TrainTB(benchmark::State& state) {
  const auto saved = dmt::default_gemm_kernel();
  dmt::set_default_gemm_kernel(state.range(2) ? dmt::gemm_kernel::simd : dmt::gemm_kernel::eigen);
  auto t = dmt::make_target("gmm25", dmt::params());
  dmt::train_settings s;
  s.model.dim = 2;
  s.model.sigma2 = 5.0;
  s.model.hidden = static_cast<int>(state.range(0));
  s.batch = static_cast<int>(state.range(1));
  s.optimiser.group_lr["log_z"] = 0.1;
  dmt::trainer tr(s, *t);
  tr.step();  // warm-up: allocations
  for (auto _ : state) benchmark::DoNotOptimize(tr.step());
  state.counters["network_GFLOPs"] =
      benchmark::Counter(tr.flops_per_iteration() * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(dmt::gemm_kernel_name(dmt::default_gemm_kernel()));
  dmt::set_default_gemm_kernel(saved);
}
BENCHMARK(BM_TrainTB)->Args({64, 300, 0})->Args({64, 300, 1})->Args({256, 300, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

// C (64 x n) = W (64 x 64) A (64 x n): the joint layers' forward product.
void BM_Gemm64(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto kernel = state.range(1) ? dmt::gemm_kernel::simd : dmt::gemm_kernel::eigen;
  std::vector<float> w(64 * 64, 0.01f), a(64 * static_cast<std::size_t>(n), 0.5f), c(64 * static_cast<std::size_t>(n));
  for (auto _ : state) {
    dmt::gemm(64, n, 64, w.data(), 64, a.data(), 64, c.data(), 64, false, kernel);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * 64 * 64 * n * static_cast<double>(state.iterations()) * 1e-9,
                                                benchmark::Counter::kIsRate);
  state.SetLabel(dmt::gemm_kernel_name(kernel));
}
BENCHMARK(BM_Gemm64)->ArgsProduct({{300, 30000}, {0, 1}});

}  // namespace
