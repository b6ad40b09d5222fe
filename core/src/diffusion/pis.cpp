#include "dmt/diffusion/pis.hpp"

#include <cmath>
#include <stdexcept>

#include "dmt/diffusion/pis_adjoint.hpp"
#include "dmt/params.hpp"

namespace dmt {

template <class T>
double pis_backprop(diffusion_model<T>& model, const trajectory_batch<T>& traj, const reward<T>& log_reward,
                    const executor& exec) {
  const model_config& c = model.config;
  const bool lgv = c.langevin;
  if (lgv && !log_reward.hvp)
    throw input_error("the pis loss with the Langevin parametrisation needs Hessian-vector products of the energy, "
                      "which this target does not provide (or use tb / vargrad with langevin)");
  if (model.back) throw input_error("the pis loss does not train a learned backward kernel (learned_backward)");
  if (!traj.cached) throw std::logic_error("pis needs trajectories simulated with keep_cache");
  if (!log_reward.gradient) throw input_error("the pis loss needs the target's gradient");
  const int B = traj.batch, T_ = traj.steps, d = c.dim, n_out = model.policy_outputs();
  const double inv_b = 1.0 / B;
  // a = d L / d x_T: -(grad log R + d log p_B,T-1 / d x_T) / B  (pis_adjoint.hpp, shared with CUDA)
  std::vector<T> lr(B), grad(static_cast<std::size_t>(B) * d);
  log_reward.gradient(traj.state(T_), static_cast<std::size_t>(B), lr.data(), grad.data());
  std::vector<double> a(static_cast<std::size_t>(B) * d);
  // d log p_B,k / d x_k (wrt_next false) and d x_{k+1} (true) for step k >= 1
  auto add_pb = [&](int k, bool wrt_next) {
    if (k < 1) return;
    const double tk = traj.times[k], tk1 = traj.times[k + 1];
    const T* x = traj.state(k);
    const T* x1 = traj.state(k + 1);
    for (int b = 0; b < B; ++b)
      pis_bridge_adjoint(d, c.sigma2, k, tk, tk1, x + b * d, x1 + b * d, inv_b, wrt_next, a.data() + b * d);
  };
  for (int b = 0; b < B; ++b) pis_terminal_adjoint(d, grad.data() + b * d, inv_b, a.data() + b * d);
  add_pb(T_ - 1, true);
  const transition_shape ts{c.dim, c.sigma2, c.learned_variance, c.log_var_range};
  std::vector<T> d_out(static_cast<std::size_t>(B) * n_out), d_x(static_cast<std::size_t>(B) * d);
  // Langevin parametrisation, u = clip(o + s_k clip(grad log R(x_k))): d L / d s_k, and the vector
  // w whose Hessian-vector product carries d L / d u through the score (zero where a clip is active)
  std::vector<T> d_scale(lgv ? T_ : 0, T(0)), w(lgv ? a.size() : 0), hv(lgv ? a.size() : 0);
  const auto& cache = traj.policy_cache;
  for (int k = T_ - 1; k >= 0; --k) {
    const double dt = double(traj.times[k + 1]) - double(traj.times[k]);
    const T* x = traj.state(k);
    const T* x1 = traj.state(k + 1);
    double ds = 0.0;
    for (int b = 0; b < B; ++b) {
      const int col = k * B + b;
      const T* o = cache.out.data() + static_cast<std::ptrdiff_t>(col) * n_out;
      const T* u = traj.drift.data() + static_cast<std::ptrdiff_t>(col) * d;
      T* g = d_out.data() + static_cast<std::ptrdiff_t>(b) * n_out;
      pis_output_gradient(ts, u, o + d, x + b * d, x1 + b * d, a.data() + b * d, dt, inv_b, g);
      if (lgv)  // through u, zero where the drift is clipped (pis_adjoint.hpp)
        pis_langevin_output_gradient(d, u, traj.score.data() + static_cast<std::ptrdiff_t>(col) * d, a.data() + b * d,
                                     dt, double(traj.lgv_scale[k]), c.drift_clip, c.lgv_clip, g, w.data() + b * d, ds);
    }
    model.policy.backward(model.store, cache, B, d_out.data(), d_x.data(), exec, k * B);
    if (lgv) d_scale[k] = T(ds);
    if (k == 0) break;  // x_0 is fixed
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += double(d_x[i]);  // a_k = a_{k+1} (identity) + J^T a_{k+1}
    if (lgv) {  // + s_k (d clip(grad log R) / d x_k)^T (d L / d u): the Hessian, symmetric, times w
      log_reward.hvp(x, w.data(), static_cast<std::size_t>(B), hv.data());
      for (std::size_t i = 0; i < a.size(); ++i) a[i] += double(hv[i]);
    }
    add_pb(k, false);     // log p_B,k depends on x_k
    add_pb(k - 1, true);  // log p_B,k-1 depends on x_k as its x_{k+1}
  }
  if (lgv) model.scale->backward(model.store, traj.scale_cache, T_, d_scale.data());
  double loss = 0.0;
  for (int b = 0; b < B; ++b) loss -= double(traj.log_w[b]) * inv_b;
  return loss;
}

template double pis_backprop<float>(diffusion_model<float>&, const trajectory_batch<float>&, const reward<float>&,
                                    const executor&);
template double pis_backprop<double>(diffusion_model<double>&, const trajectory_batch<double>&, const reward<double>&,
                                     const executor&);

}  // namespace dmt
