// The trajectory-level losses of the device trainer (tb, vargrad, the value of pis; conventions of
// core/include/dmt/diffusion/losses.hpp), reduced in one block in double in a fixed order.
#pragma once
#include <cuda_runtime.h>

namespace dmt::cuda {

struct loss_terms {
  static constexpr int kMax = 4;
  int n = 0;
  int kind[kMax] = {};      // 0 tb, 1 vargrad, 2 pis (value only: g gets nothing from it)
  double weight[kMax] = {};
};

// g[b] = d loss / d log p_F(b, k) (the same for every step k), *grad_log_z += d loss / d log Z,
// stats[0] = the weighted loss, stats[1] = mean log w.
void launch_trajectory_loss(const loss_terms& terms, const float* log_w, int batch, const float* log_z, float* g,
                            float* grad_log_z, double* stats, cudaStream_t stream);

}  // namespace dmt::cuda
