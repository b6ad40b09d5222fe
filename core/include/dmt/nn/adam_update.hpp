// One parameter's Adam / AdamW update with PyTorch's arithmetic (torch.optim.Adam / AdamW,
// foreach=False), written once for the CPU optimiser (adam.cpp) and the CUDA trainer.
#pragma once
#include "dmt/hd.hpp"

namespace dmt {

// In the parameters' precision T (float for training, double in tests).
template <class T>
struct adam_coefficients {
  T lr = T(1e-3);         // the group's learning rate
  T step_size = T(1e-3);  // lr / (1 - beta1^t)
  T sqrt_bc2 = T(1);      // sqrt(1 - beta2^t)
  T beta1 = T(0.9), beta2 = T(0.999), eps = T(1e-8), weight_decay = T(0);
  bool decoupled = false;
};

template <class T>
DMT_HD inline void adam_update(const adam_coefficients<T>& a, T g, T& p, T& m, T& v) {
  using std::sqrt;
  if (a.weight_decay != T(0)) {
    if (a.decoupled)
      p *= T(1) - T(a.lr) * T(a.weight_decay);
    else
      g += T(a.weight_decay) * p;
  }
  m = T(a.beta1) * m + (T(1) - T(a.beta1)) * g;
  v = T(a.beta2) * v + (T(1) - T(a.beta2)) * g * g;
  const T denom = sqrt(v) / T(a.sqrt_bc2) + T(a.eps);
  p -= T(a.step_size) * (m / denom);
}

}  // namespace dmt
