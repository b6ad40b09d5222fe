// Element kernels of the policy network on the device (the GEMMs are cuBLAS's): bias + activation
// (+ the time embedding broadcast to its columns), multiplication by stored slopes, the Fourier time
// features and the phase gradient. Matrices are column-major, one column per (particle, step).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "dmt/nn/activation.hpp"

namespace dmt::cuda {

constexpr int kIdentity = -1;  // `act` of a layer without activation

// y(i, c) <- f(y(i, c) + bias[i] + emb(i, emb_col0 + c / cols_per_emb)) for rows x cols, with
// f' into slope when slope is given; emb may be null; act: an activation or kIdentity.
void launch_bias_activation(float* y, float* slope, const float* bias, const float* emb, int emb_col0,
                            long cols_per_emb, int rows, std::size_t cols, int act, cudaStream_t stream);
// d[i] *= slope[i], n elements.
void launch_scale_by_slope(float* d, const float* slope, std::size_t n, cudaStream_t stream);
// arg(i, j) = t_j w_i + phase_i, features = [sin(arg); cos(arg)] (2K x nt).
void launch_time_features(const float* times, const float* frequencies, const float* phase, int harmonics, int nt,
                          float* arg, float* features, cudaStream_t stream);
// d_phase[i] += sum_j d_features(i, j) cos(arg(i, j)) - d_features(K + i, j) sin(arg(i, j)).
void launch_phase_gradient(const float* d_features, const float* arg, int harmonics, int nt, float* d_phase,
                           cudaStream_t stream);
void launch_fill(float* p, std::size_t n, float value, cudaStream_t stream);

}  // namespace dmt::cuda
