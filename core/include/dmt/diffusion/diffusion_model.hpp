// A diffusion sampler's trainable parts: the policy network (drift u(x, t) and, optionally, a
// log-variance), the flow network log F(x, t) for DB / SubTB, and the scalar log Z, all in one
// parameter store (groups "policy", "flow", "log_z").
#pragma once
#include <cstdint>
#include <optional>

#include "dmt/nn/diffusion_network.hpp"

namespace dmt {

struct model_config {
  int dim = 2;
  double sigma2 = 1.0;            // sigma^2 of the reference Brownian motion (gmm25: 5)
  bool learned_variance = false;  // policy variance sigma^2 exp(tanh(v) * log_var_range)
  double log_var_range = 4.0;
  int hidden = 64, harmonics = 64, layers = 2;
  activation act = activation::gelu;
  bool flow = false;             // a flow network (needed by DB and SubTB)
  bool forward_looking = false;  // log F = NN + (1 - t) log N(x; 0, sigma^2 t I) + t log R(x)
  // Langevin parametrisation: u = clip(NN1(x, t) + NN2(t) clip(grad log R(x), +-lgv_clip), +-drift_clip)
  bool langevin = false;
  int lgv_layers = 2;  // joint layers of the time-only network NN2
  double lgv_clip = 100.0, drift_clip = 1e4;
  // Learned backward kernel (gfn-diffusion's learn_pb): for k >= 1,
  //   p_B(x_k | x_{k+1}) = N(x_{k+1} (1 - (dt / t_{k+1}) m), (t_k / t_{k+1}) sigma^2 dt v),
  //   m = 1 + tanh(a) pb_scale_range, v = 1 + tanh(b) pb_scale_range, (a, b) = NN_B(x_{k+1}, t_{k+1}),
  // per coordinate; NN_B's output layer starts at zero, so it starts as the Brownian bridge.
  bool learned_backward = false;
  double pb_scale_range = 0.1;
};

template <class T>
struct diffusion_model {
  explicit diffusion_model(const model_config& c);
  // Network weights keyed by seed (PyTorch-style initialisation, zero output layers); log Z = 0.
  void initialise(std::uint64_t seed);
  int policy_outputs() const { return config.learned_variance ? 2 * config.dim : config.dim; }
  T log_z() const { return store.values[log_z_offset]; }

  model_config config;
  parameter_store<T> store;
  diffusion_network<T> policy;
  std::optional<diffusion_network<T>> flow;
  std::optional<diffusion_network<T>> scale;  // NN2(t) of the Langevin parametrisation (no state input)
  std::optional<diffusion_network<T>> back;   // NN_B(x, t) of the learned backward kernel (2 dim outputs)
  std::size_t log_z_offset = 0;
};

}  // namespace dmt
