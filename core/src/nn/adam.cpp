#include "dmt/nn/adam.hpp"

#include <cmath>

namespace dmt {

template <class T>
adam_coefficients<T> coefficients(const adam_settings& s, const std::string& group, double bc1, double bc2) {
  adam_coefficients<T> a;
  a.lr = T(s.lr_for(group));
  a.step_size = T(double(a.lr) / bc1);
  a.sqrt_bc2 = T(std::sqrt(bc2));
  a.beta1 = T(s.beta1);
  a.beta2 = T(s.beta2);
  a.eps = T(s.eps);
  a.weight_decay = T(s.weight_decay);
  a.decoupled = s.decoupled;
  return a;
}

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
  for (const auto& t : store.tensors) {
    const adam_coefficients<T> a = coefficients<T>(s, t.group, bc1, bc2);
    for (std::size_t i = t.offset; i < t.offset + t.size(); ++i)
      adam_update(a, store.grads[i], store.values[i], m[i], v[i]);
  }
  return norm;
}

template adam_coefficients<float> coefficients<float>(const adam_settings&, const std::string&, double, double);
template adam_coefficients<double> coefficients<double>(const adam_settings&, const std::string&, double, double);
template class adam<float>;
template class adam<double>;

}  // namespace dmt
