// Reverse KL by the reparametrisation trick (PIS; Zhang and Chen 2022; ALGORITHMS.md 4, Sendera et
// al.'s "PIS" row): the loss -mean_b log w_b of on-policy trajectories
//   x_{k+1} = x_k + u(x_k, t_k) dt_k + s(x_k, t_k) z_k,  s^2 = sigma^2 v dt_k,
// differentiated through the simulated path (x_k depends on the parameters through every earlier
// step; z held fixed). With z fixed, log p_F,k = sum_j -0.5 (z_j^2 + log 2 pi + log s_j^2), so only
// the learned variance enters it; log p_B and log R enter through the states. The adjoint
//   a_T = d L / d x_T = -(grad log R(x_T) + d log p_B,T-1 / d x_T) / B,
//   a_k = a_{k+1} + J_k^T a_{k+1} + d L / d x_k (direct: log p_B,k and log p_B,k-1, k >= 1)
// runs backward through the stored trajectory, one network vector-Jacobian product per step.
// With the Langevin parametrisation u = clip(o + s_k clip(grad log R(x_k))) the adjoint also takes
// s_k H(x_k) (d L / d u) (H the Hessian of log R; zero where either clip is active), so the reward
// must provide Hessian-vector products (reward::hvp; refused otherwise), and s_k = NN2(t_k) gets
// d L / d s_k = sum_b (d L / d u) . clip(grad log R).
#pragma once
#include "dmt/diffusion/trajectory.hpp"

namespace dmt {

// Adds the gradient of L = -mean log w to model.store.grads and returns L. traj: simulated by
// simulate_forward with keep_cache and no exploration; reward.gradient must be set.
template <class T>
double pis_backprop(diffusion_model<T>& model, const trajectory_batch<T>& traj, const reward<T>& log_reward,
                    const executor& exec = serial_executor());

}  // namespace dmt
