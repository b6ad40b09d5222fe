// Trajectories of a diffusion sampler on a time grid 0 = t_0 < ... < t_T = 1 (ALGORITHMS.md 4):
//   forward policy  p_F(x_{k+1} | x_k) = N(x_k + u(x_k, t_k) dt_k, sigma^2 v(x_k, t_k) dt_k I), x_0 = 0,
//   backward kernel p_B(x_k | x_{k+1}) = N((t_k / t_{k+1}) x_{k+1}, (t_k / t_{k+1}) sigma^2 dt_k I), k >= 1
// (the Brownian bridge to x_0 = 0; p_B(x_0 | x_1) = 1), and the log-weight
//   log w = log R(x_T) + sum_k log p_B - sum_k log p_F.
// Forward trajectories come from the policy (optionally with extra exploration noise, log p_F
// still under the policy); backward trajectories start from given terminal states and follow
// p_B. With a kept cache, backprop() turns d loss / d log p_F (and d loss / d log F) into
// parameter gradients with the trajectory held fixed.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

#include "dmt/diffusion/diffusion_model.hpp"
#include "dmt/executor.hpp"
#include "dmt/rng/philox.hpp"

namespace dmt {

// log R for n states (x: n x dim, row-major, which is dim x n column-major).
template <class T>
using log_reward_fn = std::function<void(const T* x, std::size_t n, T* log_r)>;
// log R and grad log R (n x dim) for n states; called from inside parallel tasks, so it must not
// start tasks of its own.
template <class T>
using reward_gradient_fn = std::function<void(const T* x, std::size_t n, T* log_r, T* grad)>;

// Hessian-vector products of log R for n states: hv = (nabla^2 log R)(x) v (x, v, hv: n x dim),
// needed by reverse-KL training with the Langevin parametrisation.
template <class T>
using reward_hvp_fn = std::function<void(const T* x, const T* v, std::size_t n, T* hv)>;

// The target as the sampler sees it: log R for whole batches, and its gradient where the policy
// needs it (the Langevin parametrisation).
template <class T>
struct reward {
  reward(log_reward_fn<T> f, reward_gradient_fn<T> g = {}) : log_r(std::move(f)), gradient(std::move(g)) {}
  template <class F, class = std::enable_if_t<std::is_invocable_v<F, const T*, std::size_t, T*>>>
  reward(F f) : log_r(std::move(f)) {}
  log_reward_fn<T> log_r;
  reward_gradient_fn<T> gradient;
  reward_hvp_fn<T> hvp;  // optional
};

// Where a batch's random numbers come from: Philox key, counter step (the iteration) and the
// first particle index (so that a large batch can be simulated in pieces with the same result).
struct trajectory_rng {
  philox_key key{};
  std::uint32_t iteration = 0;
  std::uint32_t stream = 0;  // distinguishes batches of one iteration (training, evaluation, ...)
  std::uint32_t first_particle = 0;  // particle b of the batch draws as particle first_particle + b
};

template <class T>
struct trajectory_batch {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  int batch = 0, steps = 0, dim = 0;
  std::vector<T> times;     // T + 1
  Mat states;               // dim x batch (T + 1): column k * batch + b is x_k of trajectory b
  Mat log_pf, log_pb;       // batch x T
  std::vector<T> log_r;     // batch: log R(x_T)
  std::vector<T> log_w;     // batch
  Mat log_f;                // batch x (T + 1) when the flow was computed
  Mat drift, score;         // dim x (cache columns): u and clip(grad log R) (Langevin) per evaluated state
  std::vector<T> lgv_scale; // NN2(t_k), k < T (Langevin)
  bool cached = false;      // policy_cache holds every step (needed by backprop)
  typename diffusion_network<T>::cache policy_cache, flow_cache, scale_cache;
  typename diffusion_network<T>::cache back_cache;  // learned backward kernel: x_{k+1}, k = 1..T-1

  const T* state(int k) const { return states.data() + static_cast<std::ptrdiff_t>(k) * batch * dim; }
};

// Policy trajectories from x_0 = 0. exploration e > 0 samples with variance sigma^2 v dt + e^2.
template <class T>
void simulate_forward(const diffusion_model<T>& model, const std::vector<double>& times, int batch,
                      const trajectory_rng& rng, const reward<T>& log_reward, bool keep_cache,
                      trajectory_batch<T>& out, double exploration = 0.0, const executor& exec = serial_executor());

// Backward trajectories from the given terminal states (batch x dim, row-major).
template <class T>
void simulate_backward(const diffusion_model<T>& model, const std::vector<double>& times, const T* terminal,
                       int batch, const trajectory_rng& rng, const reward<T>& log_reward, bool keep_cache,
                       trajectory_batch<T>& out, const executor& exec = serial_executor());

// Recomputes log p_F, log p_B, log R and log w of traj.states (every x_k given; x_0 = 0) under the
// model's current parameters, refilling the policy cache (all steps when traj.cached).
template <class T>
void score_states(const diffusion_model<T>& model, const reward<T>& log_reward, trajectory_batch<T>& traj,
                  const executor& exec = serial_executor());

// log F(x_k, t_k) for every state: k = 0 is log Z, k = T is log R(x_T), others the flow network
// (plus the forward-looking terms when the model has them). Keeps the flow cache for backprop.
template <class T>
void compute_flows(const diffusion_model<T>& model, const reward<T>& log_reward, trajectory_batch<T>& traj);

// Adds to model.store.grads the gradient of a loss whose partial derivatives w.r.t. log p_F
// (batch x T), log F (batch x (T + 1), may be null) and log Z are given.
template <class T>
void backprop(diffusion_model<T>& model, const trajectory_batch<T>& traj,
              const typename trajectory_batch<T>::Mat& d_log_pf, const typename trajectory_batch<T>::Mat* d_log_f,
              T d_log_z, const executor& exec = serial_executor());

}  // namespace dmt
