// Kernels of the device trainer's flow-network losses db and subtb (conventions of
// core/include/dmt/diffusion/losses.hpp); the per-trajectory arithmetic is core's
// (diffusion/flow_losses.hpp, as the CPU's evaluate_loss and compute_flows). log F, its gradient
// and the per-step log p_F gradient are step-major like log p_F: entry k B + b is step k of
// trajectory b (log F has T + 1 rows: log F_0 = log Z, log F_T = log R(x_T)).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

namespace dmt::cuda {

struct flow_loss_terms {
  static constexpr int kMax = 4;
  int n = 0;
  int kind[kMax] = {};  // 0 db, 1 subtb
  double weight[kMax] = {};
  double log_lambda[kMax] = {};  // subtb: log lambda
};

// log F of the cols = S B columns of interior steps k0 .. k0 + S - 1 (k0 >= 1) into log_f: the flow
// network's outputs plus, when forward_looking, (1 - t_k) log N(x; 0, sigma^2 t_k I) + t_k log R(x)
// with log R of those columns in log_r_mid.
void launch_flow_output(const float* out, const float* states, const float* times, int k0, int batch,
                        std::size_t cols, int dim, double sigma2, bool forward_looking, const float* log_r_mid,
                        float* log_f, cudaStream_t stream);
// log F_0 = log Z (the parameter) and log F_T = log R(x_T) for the B trajectories.
void launch_flow_ends(const float* log_z, const float* log_r, int batch, int steps, float* log_f, cudaStream_t stream);
// One thread per trajectory: d_log_pf (B T) and d_log_f (B (T + 1)) set to the losses' gradients,
// values[b] and d_log_z[b] to the trajectory's weighted loss and log Z gradient. log_norm: T
// doubles per term (subtb's normalisers; any for db); cum, diff: (T + 1) B doubles of scratch
// (subtb only; may be null without subtb).
void launch_flow_losses(const flow_loss_terms& terms, const float* log_f, const float* log_pf, const float* log_pb,
                        int batch, int steps, const double* log_norm, double* cum, double* diff, float* d_log_pf,
                        float* d_log_f, double* values, float* d_log_z, cudaStream_t stream);
// stats[0] += sum_b values[b], *grad_log_z += sum_b d_log_z[b]: one block, double, fixed order.
void launch_flow_loss_sum(const double* values, const float* d_log_z, int batch, double* stats, float* grad_log_z,
                          cudaStream_t stream);

}  // namespace dmt::cuda
