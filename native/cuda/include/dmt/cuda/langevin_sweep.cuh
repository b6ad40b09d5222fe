// The sweep kernel shared by the CUDA Langevin samplers and the CUDA SMC's moves: one thread runs
// one particle through `steps` steps of core's step functions (langevin_steps.hpp) on any target
// kernel K (a registry kernel, or one on the tempered path). The state lives in local arrays
// (interleaved across threads by the hardware, so coalesced) up to dimension 64, and in
// per-particle rows of global memory above. Non-finite states are reported as the smallest
// (step << 32 | particle); MALA's accepted proposals are counted.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dmt/cuda/device_buffer.cuh"
#include "dmt/samplers/langevin_steps.hpp"

namespace dmt::cuda {

enum method : int { ula = 0, mala = 1, underdamped = 2, skrock = 3 };

struct sweep_args {
  float *x, *v, *grad, *log_r;
  float* scratch;  // 3 x n x dim, only when the state does not fit in local arrays
  std::size_t n;
  int dim;
  float h, friction;
  philox_key key;
  long step0, steps;
  float* trace;  // steps x trace_m rows of x_0 (tracing only)
  std::size_t trace_m;
  int tracing;
  unsigned long long* accepted;   // MALA: accepted proposals in this sweep
  unsigned long long* first_bad;  // min over (step << 32 | particle) of non-finite states
};

template <class K, int M, int MaxDim>
__global__ void __launch_bounds__(128) sweep_kernel(K k, sweep_args a, skrock_coefficients c) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= a.n) return;
  const int d = a.dim;
  constexpr int L = MaxDim > 0 ? MaxDim : 1;
  float lx[L], lg[L], lv[L], l1[L], l2[L], l3[L];
  float *x = lx, *g = lg, *v = lv, *b1 = l1, *b2 = l2, *b3 = l3;
  if constexpr (MaxDim > 0) {
    for (int j = 0; j < d; ++j) {
      x[j] = a.x[i * d + j];
      g[j] = a.grad[i * d + j];
      if (M == underdamped) v[j] = a.v[i * d + j];
    }
  } else {
    x = a.x + i * d;
    g = a.grad + i * d;
    if (M == underdamped) v = a.v + i * d;
    b1 = a.scratch + (3 * i) * d;
    b2 = b1 + d;
    b3 = b2 + d;
  }
  float log_r = a.log_r[i];
  const auto eval = [&k](const float* xx, float* gg) { return k.log_density_and_grad(xx, gg); };
  const std::uint32_t p = static_cast<std::uint32_t>(i);
  unsigned accepted = 0;
  for (long s = 0; s < a.steps; ++s) {
    const std::uint32_t step = static_cast<std::uint32_t>(a.step0 + s);
    if constexpr (M == ula) {
      ula_step<float>(eval, d, a.h, a.key, step, p, x, g, log_r, b1);
    } else if constexpr (M == mala) {
      accepted += mala_step<float>(eval, d, a.h, a.key, step, p, x, g, log_r, b1, b2, b3) > 0.5f;
    } else if constexpr (M == underdamped) {
      baoab_step<float>(eval, d, a.h, a.friction, a.key, step, p, x, v, g, log_r, b1);
    } else {
      skrock_step<float>(eval, d, a.h, c, a.key, step, p, x, g, log_r, b1, b2, b3);
    }
    float probe = log_r - log_r;  // x * 0 is NaN exactly where x is NaN or infinite
    for (int j = 0; j < d; ++j) probe = probe + x[j] * 0.0f;
    if (!(probe == 0.0f)) {
      atomicMin(a.first_bad, (static_cast<unsigned long long>(a.step0 + s) << 32) | p);
      break;
    }
    if (a.tracing && i < a.trace_m) a.trace[s * a.trace_m + i] = x[0];
  }
  if constexpr (MaxDim > 0) {
    for (int j = 0; j < d; ++j) {
      a.x[i * d + j] = x[j];
      a.grad[i * d + j] = g[j];
      if (M == underdamped) a.v[i * d + j] = v[j];
    }
  }
  a.log_r[i] = log_r;
  if constexpr (M == mala) {
    const unsigned mask = __activemask();
    const unsigned total = __reduce_add_sync(mask, accepted);
    if ((threadIdx.x & 31) == static_cast<unsigned>(__ffs(mask) - 1)) atomicAdd(a.accepted, total);
  }
}

template <int M, class K>
void launch_sweep(const K& k, const sweep_args& a, const skrock_coefficients& c) {
  constexpr unsigned block = 128;
  const unsigned grid = blocks_for(a.n, block);
  if (a.dim <= 16)
    sweep_kernel<K, M, 16><<<grid, block>>>(k, a, c);
  else if (a.dim <= 64)
    sweep_kernel<K, M, 64><<<grid, block>>>(k, a, c);
  else
    sweep_kernel<K, M, 0><<<grid, block>>>(k, a, c);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
