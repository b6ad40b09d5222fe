#include "dmt/nn/adam.hpp"

#include <cmath>

namespace dmt {

template <class T>
double adam<T>::step(parameter_store<T>& store, const adam_settings& s) {
  const std::size_t n = store.values.size();
  if (m.size() != n) {
    m.assign(n, T(0));
    v.assign(n, T(0));
  }
  double sq = 0.0;
  for (std::size_t i = 0; i < n; ++i) sq += double(store.grads[i]) * double(store.grads[i]);
  const double norm = std::sqrt(sq);
  if (s.clip_norm > 0.0 && norm > s.clip_norm) {
    const T scale = T(s.clip_norm / (norm + 1e-6));
    for (auto& g : store.grads) g *= scale;
  }
  ++steps;
  const double bc1 = 1.0 - std::pow(s.beta1, double(steps));
  const double bc2 = 1.0 - std::pow(s.beta2, double(steps));
  const T b1 = T(s.beta1), b2 = T(s.beta2);
  for (const auto& t : store.tensors) {
    const T lr = T(s.lr_for(t.group));
    const T step_size = T(double(lr) / bc1);
    const T sqrt_bc2 = T(std::sqrt(bc2));
    for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) {
      T& p = store.values[i];
      T g = store.grads[i];
      if (s.weight_decay != 0.0) {
        if (s.decoupled)
          p *= T(1) - lr * T(s.weight_decay);
        else
          g += T(s.weight_decay) * p;
      }
      m[i] = b1 * m[i] + (T(1) - b1) * g;
      v[i] = b2 * v[i] + (T(1) - b2) * g * g;
      const T denom = std::sqrt(v[i]) / sqrt_bc2 + T(s.eps);
      p -= step_size * (m[i] / denom);
    }
  }
  return norm;
}

template class adam<float>;
template class adam<double>;

}  // namespace dmt
