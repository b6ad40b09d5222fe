// bench/gpu/run.sh's program: one table of the CUDA backend's throughput with the share of the
// H100's FP32 roofline (67 TFLOP/s) that the counted floating-point work reaches.
//   MALA on manywell-32: particle-steps per second at 1e6, 1e7, 1e8 particles (init zeros, no
//     adaptation, sweeps of `steps`); counted FLOPs per particle-step: target 8 d, proposal and
//     acceptance 11 d + 10, Box-Muller 10 per normal (d): 29 d + 10 (Philox's integer work and the
//     special-function unit's log/sqrt/sin/cos are not counted, so the percentage is a lower bound).
//   SMC on manywell-32 (linear 100 temperatures, one MALA move each, step adaptation): particle-
//     temperatures per second at 1e5 and 1e6 particles, and its log Z (exact 164.6957); the timed
//     run includes construction (the initial draw on the device) (bench/gpu/torch_peer.py runs
//     bench/torch_smc.py).
//   Sinkhorn (d = 3, eps = 0.05, uniform weights): point pairs per second at N = M = 1e5, 3e5, 1e6;
//     per pair 3 FMA + 2 adds = 8 FLOPs and one ex2 (not counted); both the kernel time alone
//     (CUDA events) and the whole iteration (host preparation and transfers included).
//   Training (dmt::cuda::trainer) on manywell-32, TB, T = 100, gfn-diffusion's network (2 joint
//     layers, 64 harmonics) of hidden width 64 and 256: iterations per second at batch 300, 4096 and
//     65 536; counted FLOPs = trainer::flops_per_iteration() (2 x multiply-adds of every layer for the
//     forward pass and twice that for the backward pass, over B T columns; the time MLP, the element
//     kernels and, above the recomputation threshold, the recomputed forward pass not counted).
//   The same for pis (reverse KL through the trajectory) at batch 4096, hidden 256, with the
//     activations kept and recomputed in chunks of 10 steps (the memory each needs), and for tb with
//     both-ways training, a replay buffer and local search every 100 iterations (the buffers on the
//     device) at batch 300, hidden 64.
// Usage: dmt_gpu_bench [--quick] [--train-only]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "dmt/cuda/device.hpp"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/cuda/smc_sampler.hpp"
#include "dmt/cuda/trainer.hpp"
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

struct train_rate {
  double iterations_per_s = 0, flops_per_iteration = 0;
  bool recomputed = false;
  std::size_t memory = 0;
};

train_rate training_rate(int batch, int hidden, int iterations, dmt::loss_kind loss = dmt::loss_kind::tb,
                         long chunk_columns = 0, bool both_ways = false) {
  const auto t = dmt::make_target("manywell", {});
  dmt::train_settings s;
  s.losses = {dmt::loss_spec{loss, 1.0, 2.0}};
  if (both_ways) {
    s.buffer.capacity = 600000;
    s.both_ways = true;
    s.local_search.every = 100;
  }
  s.model.dim = t->dim();
  s.model.sigma2 = 1.0;
  s.model.hidden = hidden;
  s.grid.steps = 100;
  s.batch = batch;
  s.iterations = 1000000;
  s.optimiser.group_lr["log_z"] = 0.1;
  dmt::cuda::trainer tr(s, *t, dmt::serial_executor(), chunk_columns);
  tr.step();  // warm-up (allocation, cuBLAS heuristics)
  tr.step();
  std::vector<double> per;
  for (int i = 0; i < iterations; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    tr.step();  // ends with a device-to-host copy: the iteration is complete
    per.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(per.begin(), per.end());
  return {1.0 / per[per.size() / 2], tr.flops_per_iteration(), tr.recomputed(), tr.device_memory()};
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
  bool quick = false, train_only = false;
  for (int i = 1; i < argc; ++i) {
    quick = quick || std::strcmp(argv[i], "--quick") == 0;
    train_only = train_only || std::strcmp(argv[i], "--train-only") == 0;
  }
  try {
    const auto dev = dmt::cuda::current_device();
    std::printf("device: %s, %d SMs, %.1f GiB; FP32 roofline taken as 67 TFLOP/s (H100 SXM)\n", dev.name.c_str(),
                dev.multiprocessors, dev.total_memory / 1073741824.0);
    std::printf("%-44s %14s %12s %10s\n", "operation", "size", "rate", "% FP32");
    const int d = 32;
    const double flops_per_step = 29.0 * d + 10.0;
    for (std::size_t n : {std::size_t(1000000), std::size_t(10000000), std::size_t(100000000)}) {
      if ((quick && n > 1000000) || train_only) break;
      const double r = mala_particle_steps_per_s(n, n >= 100000000 ? 10 : 50);
      std::printf("%-44s %14zu %12.3e %9.1f%%\n", "MALA manywell-32, particle-steps/s", n, r,
                  100.0 * r * flops_per_step / kFp32Peak);
      std::fflush(stdout);
    }
    for (std::size_t n : {std::size_t(100000), std::size_t(1000000)}) {
      if ((quick && n > 100000) || train_only) break;
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
      if ((quick && n > 100000) || train_only) break;
      const auto x = gaussian_cloud(n, 3, 0.0, 1), y = gaussian_cloud(n, 3, 1.0, 2);
      const auto t = dmt::cuda::time_iterations(x, y, 0.05, 3);
      const double pairs = 2.0 * double(n) * double(n);
      std::printf("%-44s %14zu %12.3e %9.1f%%\n", "Sinkhorn d=3 pairs/s (kernels)", n, pairs / t.kernel,
                  100.0 * pairs / t.kernel * 8.0 / kFp32Peak);
      std::printf("%-44s %14zu %12.3e %9.1f%%\n", "Sinkhorn d=3 pairs/s (whole iteration)", n, pairs / t.wall,
                  100.0 * pairs / t.wall * 8.0 / kFp32Peak);
      std::fflush(stdout);
    }
    for (int hidden : {64, 256})
      for (int batch : {300, 4096, 65536}) {
        if (quick && batch > 4096) break;
        const auto r = training_rate(batch, hidden, batch >= 65536 ? 5 : 20);
        char what[64];
        std::snprintf(what, sizeof what, "train manywell-32 T100 h%d, iterations/s", hidden);
        std::printf("%-44s %14d %12.3e %9.1f%%   %.1f ms/it, %.0f MiB%s\n", what, batch, r.iterations_per_s,
                    100.0 * r.iterations_per_s * r.flops_per_iteration / kFp32Peak, 1e3 / r.iterations_per_s,
                    r.memory / 1048576.0, r.recomputed ? ", activations recomputed" : "");
        std::fflush(stdout);
      }
    struct variant {
      const char* what;
      int batch, hidden;
      dmt::loss_kind loss;
      long chunk_columns;
      bool both_ways;
    };
    for (const variant& v : {variant{"train pis h256, activations kept", 4096, 256, dmt::loss_kind::pis, 0, false},
                             variant{"train pis h256, recomputed (10-step chunks)", 4096, 256, dmt::loss_kind::pis,
                                     10L * 4096, false},
                             variant{"train tb h64 both ways, buffer, LS/100", 300, 64, dmt::loss_kind::tb, 0, true}}) {
      if (quick) break;
      const auto r = training_rate(v.batch, v.hidden, 20, v.loss, v.chunk_columns, v.both_ways);
      std::printf("%-44s %14d %12.3e %9.1f%%   %.1f ms/it, %.0f MiB%s\n", v.what, v.batch, r.iterations_per_s,
                  100.0 * r.iterations_per_s * r.flops_per_iteration / kFp32Peak, 1e3 / r.iterations_per_s,
                  r.memory / 1048576.0, r.recomputed ? ", activations recomputed" : "");
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dmt_gpu_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
