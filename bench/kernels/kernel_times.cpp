// The kernels of the wasm-vs-native comparison (bench/wasm_vs_native.sh), one program compiled three
// ways: WebAssembly (SIMD128, run by node), native SSE2 (no -march) and native -march=native.
// Single-threaded; prints JSON with the median over `reps` repetitions of each kernel:
//   ula_manywell32: ULA steps on manywell (dim 32), 4096 particles x 20 steps -> ns per particle-step
//   mlp64: the diffusion network (width 64, 2 joint layers, dim 2 in/out) forward + backward on
//          1024 columns -> ns per column
//   sinkhorn_half: log-domain Sinkhorn, 2000 x 2000 points in 2-D, float32, eps = 0.05, pruning off
//          (every pair) -> ms per half-iteration (25 iterations minus 5), and pairs per second
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "dmt/nn/diffusion_network.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/simd.hpp"
#include "dmt/targets/registry.hpp"

namespace {

double median_seconds(int reps, const std::function<void()>& f) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  const int reps = 7;
  // ULA on manywell-32
  const auto mw = dmt::make_target("manywell", dmt::params());
  const dmt::sampler_settings s =
      dmt::parse_sampler("ula", dmt::params().set("step_size", 0.01).set("trace_particles", 0.0));
  const std::size_t np = 4096;
  const long steps = 20;
  dmt::sampler ula(*mw, s, np, 1);
  ula.run(steps);  // warm-up
  const double t_ula = median_seconds(reps, [&] { ula.run(steps); });

  // the diffusion network, forward + backward
  dmt::network_shape shape;
  shape.in = 2;
  shape.out = 2;
  shape.hidden = 64;
  shape.harmonics = 64;
  shape.layers = 2;
  dmt::parameter_store<float> store;
  dmt::diffusion_network<float> net(shape, store, "policy", "policy");
  net.initialise(store, 1, 0);
  for (auto& v : store.values) v += 0.01f;  // a non-zero output layer
  const int cols = 1024;
  dmt::diffusion_network<float>::cache cache;
  net.resize(cache, cols);
  const float times[1] = {0.5f};
  std::vector<float> d_out(static_cast<std::size_t>(2) * cols, 1.0f);
  for (int i = 0; i < 2 * cols; ++i) cache.x.data()[i] = static_cast<float>((i % 37) * 0.1 - 1.8);
  auto mlp = [&] {
    net.forward_time(store, times, 1, cache.time);
    net.forward(store, cache, 0, cols, 0);
    net.backward(store, cache, cols, d_out.data());
  };
  mlp();
  const double t_mlp = median_seconds(reps, mlp);

  // Sinkhorn half-iterations, every pair
  const int n = 2000;
  dmt::weighted_cloud x{Eigen::MatrixXd(n, 2), {}}, y{Eigen::MatrixXd(n, 2), {}};
  for (int i = 0; i < n; ++i) {
    x.points(i, 0) = std::sin(0.37 * i);
    x.points(i, 1) = std::cos(0.91 * i + 0.3);
    y.points(i, 0) = std::sin(0.53 * i + 1.0) + 0.5;
    y.points(i, 1) = std::cos(0.29 * i);
  }
  dmt::sinkhorn_options o;
  o.reg = 0.05;
  o.precision = dmt::sinkhorn_precision::float32;
  o.storage = dmt::sinkhorn_storage::online;
  o.prune = false;
  o.tolerance = 0.0;
  // the time of 25 iterations minus that of 5: setup and the final statistics cancel
  auto run = [&](int iters) {
    o.max_iterations = iters;
    return median_seconds(reps, [&] { dmt::sinkhorn(x, y, o); });
  };
  run(5);
  const double half = (run(25) - run(5)) / (2.0 * 20);

  std::printf("{\"simd_lanes\": %d, \"reps\": %d,\n", static_cast<int>(dmt::float_batch::size), reps);
  std::printf(" \"ula_manywell32_ns_per_particle_step\": %.4f,\n", 1e9 * t_ula / (double(np) * steps));
  std::printf(" \"mlp64_fwd_bwd_ns_per_column\": %.4f,\n", 1e9 * t_mlp / cols);
  std::printf(" \"sinkhorn_half_iteration_ms\": %.4f,\n", 1e3 * half);
  std::printf(" \"sinkhorn_pairs_per_s\": %.4g}\n", double(n) * n / half);
}
