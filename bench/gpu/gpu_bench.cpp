// bench/gpu/run.sh's program: one table of the CUDA backend's throughput with the share of the
// H100's FP32 roofline (67 TFLOP/s) that the counted floating-point work reaches.
//   MALA on manywell-32: particle-steps per second at 1e6, 1e7, 1e8 particles (init zeros, no
//     adaptation, sweeps of `steps`); counted FLOPs per particle-step: target 8 d, proposal and
//     acceptance 11 d + 10, Box-Muller 10 per normal (d): 29 d + 10 (Philox's integer work and the
//     special-function unit's log/sqrt/sin/cos are not counted, so the percentage is a lower bound).
//   SMC on manywell-32 (linear 100 temperatures, one MALA move each, step adaptation): particle-
//     temperatures per second at 1e5 and 1e6 particles, and its log Z (exact 164.6957); the
//     weights' host-side O(N) passes are included (bench/gpu/torch_peer.py runs bench/torch_smc.py).
//   Sinkhorn (d = 3, eps = 0.05, uniform weights): point pairs per second at N = M = 1e5, 3e5, 1e6;
//     per pair 3 FMA + 2 adds = 8 FLOPs and one ex2 (not counted); both the kernel time alone
//     (CUDA events) and the whole iteration (host preparation and transfers included).
// Usage: dmt_gpu_bench [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "dmt/cuda/device.hpp"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/cuda/smc_sampler.hpp"
#include "dmt/cuda/sinkhorn.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/registry.hpp"

namespace {

constexpr double kFp32Peak = 67e12;

double mala_particle_steps_per_s(std::size_t n, long steps) {
  const auto t = dmt::make_target("manywell", {});
  const auto s = dmt::parse_sampler(
      "mala", dmt::params().set("step_size", 0.01).set("adapt_steps", 0.0).set("init", std::string("zeros")).set(
                  "trace_particles", 0.0));
  dmt::cuda::langevin_sampler sampler(*t, s, n, 1);
  sampler.run(2);  // warm-up
  sampler.synchronize();
  std::vector<double> rates;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    sampler.run(steps);
    sampler.synchronize();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(double(n) * steps / dt);
  }
  std::sort(rates.begin(), rates.end());
  return rates[1];
}

dmt::weighted_cloud gaussian_cloud(std::size_t n, int d, double shift, std::uint32_t purpose) {
  dmt::weighted_cloud c;
  c.points.resize(static_cast<Eigen::Index>(n), d);
  for (std::size_t i = 0; i < n; ++i) {
    dmt::philox_stream rng(dmt::make_philox_key(3), static_cast<std::uint32_t>(i), purpose);
    for (int k = 0; k < d; ++k) c.points(static_cast<Eigen::Index>(i), k) = rng.normal() + shift;
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  try {
    const auto dev = dmt::cuda::current_device();
    std::printf("device: %s, %d SMs, %.1f GiB; FP32 roofline taken as 67 TFLOP/s (H100 SXM)\n", dev.name.c_str(),
                dev.multiprocessors, dev.total_memory / 1073741824.0);
    std::printf("%-44s %14s %12s %10s\n", "operation", "size", "rate", "% FP32");
    const int d = 32;
    const double flops_per_step = 29.0 * d + 10.0;
    for (std::size_t n : {std::size_t(1000000), std::size_t(10000000), std::size_t(100000000)}) {
      if (quick && n > 1000000) break;
      const double r = mala_particle_steps_per_s(n, n >= 100000000 ? 10 : 50);
      std::printf("%-44s %14zu %12.3e %9.1f%%\n", "MALA manywell-32, particle-steps/s", n, r,
                  100.0 * r * flops_per_step / kFp32Peak);
      std::fflush(stdout);
    }
    for (std::size_t n : {std::size_t(100000), std::size_t(1000000)}) {
      if (quick && n > 100000) break;
      const auto t = dmt::make_target("manywell", {});
      const auto s = dmt::parse_smc(dmt::params().set("schedule", std::string("linear")).set("levels", 100.0));
      const auto t0 = std::chrono::steady_clock::now();
      dmt::cuda::smc_sampler smc(*t, s, n, 1);
      smc.run(100);
      const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%-44s %14zu %12.3e %10s   log Z %.3f, %.2f s\n", "SMC manywell-32 100 levels, particle-levels/s", n,
                  double(n) * 100 / dt, "-", *smc.log_z(), dt);
      std::fflush(stdout);
    }
    for (std::size_t n : {std::size_t(100000), std::size_t(300000), std::size_t(1000000)}) {
      if (quick && n > 100000) break;
      const auto x = gaussian_cloud(n, 3, 0.0, 1), y = gaussian_cloud(n, 3, 1.0, 2);
      const auto t = dmt::cuda::time_iterations(x, y, 0.05, 3);
      const double pairs = 2.0 * double(n) * double(n);
      std::printf("%-44s %14zu %12.3e %9.1f%%\n", "Sinkhorn d=3 pairs/s (kernels)", n, pairs / t.kernel,
                  100.0 * pairs / t.kernel * 8.0 / kFp32Peak);
      std::printf("%-44s %14zu %12.3e %9.1f%%\n", "Sinkhorn d=3 pairs/s (whole iteration)", n, pairs / t.wall,
                  100.0 * pairs / t.wall * 8.0 / kFp32Peak);
      std::fflush(stdout);
    }
    std::printf("%-44s %14s %12s %10s\n", "training manywell-32 (batch 300/4096/65536)", "-", "not on GPU", "-");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dmt_gpu_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
