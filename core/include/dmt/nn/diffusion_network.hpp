// The network of a diffusion sampler, f(x, t), with the default architecture of gfn-diffusion
// (PIS encoders):
//   time:  e(t) = [sin(t * w + phase), cos(t * w + phase)], w = linspace(0.1, 100, harmonics),
//          phase learned;  temb = L_t2(act(L_t1(e(t))))               (hidden)
//   state: semb = L_s(x)                                              (hidden)
//   joint: a_0 = act(semb + temb); a_l = act(L_l(a_{l-1})), l = 1..layers; out = L_o(a_layers)
// with L_o zero-initialised (so a new policy has zero drift) and every other layer initialised
// like PyTorch's nn.Linear (uniform in +-1/sqrt(fan_in)). The policy uses out = dim (drift) or
// 2 dim (drift and log-variance); the flow network log F(x, t) uses out = 1.
//
// Matrices are column-major with one column per (particle, time) pair. forward() fills columns
// of a cache so that a whole batch of trajectories can be back-propagated at once; backward()
// accumulates parameter gradients and, on request, the vector-Jacobian product w.r.t. x.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/nn/activation.hpp"
#include "dmt/nn/parameter_store.hpp"

namespace dmt {

struct network_shape {
  int in = 2;          // state dimension
  int out = 2;         // outputs
  int hidden = 64;     // width of the embeddings and joint layers
  int harmonics = 64;  // Fourier frequencies of the time embedding
  int layers = 2;      // hidden joint layers after the first activation
  activation act = activation::gelu;
};

template <class T>
class diffusion_network {
 public:
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

  struct layer {
    int in = 0, out = 0;
    std::size_t w = 0, b = 0;  // offsets in the parameter store
  };

  // Time embeddings of nt time points (one column each).
  struct time_cache {
    int nt = 0;
    std::vector<T> times;
    Mat arg, features, pre, hidden, emb;
  };

  // Activations of N columns; column c was evaluated at time column time_of[c].
  // (a: activations, s: activation slopes f'(h), kept for the backward pass).
  struct cache {
    int n = 0;
    Mat x, a0, s0, out;
    std::vector<Mat> a, s;
    std::vector<int> time_of;
    time_cache time;
  };

  diffusion_network() = default;
  diffusion_network(const network_shape& shape, parameter_store<T>& store, const std::string& prefix,
                    const std::string& group);

  const network_shape& shape() const { return shape_; }
  // PyTorch's nn.Linear initialisation, the output layer zero, phases N(0, 1); keyed by seed.
  void initialise(parameter_store<T>& store, std::uint64_t seed, std::uint32_t purpose) const;

  void resize(cache& c, int n) const;
  void forward_time(const parameter_store<T>& store, const T* times, int nt, time_cache& tc) const;
  // Columns [c0, c0 + nc) of c.x, all at time column ti of c.time, into c.h*, c.a*, c.out.
  void forward(const parameter_store<T>& store, cache& c, int c0, int nc, int ti) const;
  // Given d loss / d out for the n columns from `first` on (out x n), adds the parameter gradients
  // to store.grads and, when d_x is given, writes d loss / d x (in x n).
  // Column groups run as tasks of exec; the result does not depend on the number of threads.
  void backward(parameter_store<T>& store, const cache& c, int n, const T* d_out, T* d_x = nullptr,
                const executor& exec = serial_executor(), int first = 0) const;

  // Multiply-adds of one forward evaluation of one column (for GFLOP/s reports), time MLP excluded.
  double flops_per_column() const;

  // Where the layers live in the parameter store (for backends that run the network themselves).
  struct layout {
    layer time1, time2, state, out;
    std::vector<layer> joint;
    std::size_t phase = 0;
    std::vector<T> frequencies;
  };
  layout parts() const { return layout{time1_, time2_, state_, out_, joint_, phase_, frequencies_}; }

 private:
  network_shape shape_;
  layer time1_, time2_, state_, out_;
  std::vector<layer> joint_;
  std::size_t phase_ = 0;
  std::vector<T> frequencies_;
};

}  // namespace dmt
