// The per-particle kernel of the `gaussian_mixture` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in gaussian_mixture.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct gaussian_mixture_kernel {
  int dim;
  int components;
  const float* means;  // components x dim
  float variance;      // of every component, per coordinate
  float log_norm;      // -log(components) - dim/2 log(2 pi variance)

  // Online log-sum-exp over components (one pass, no per-component storage):
  // log R = log_norm + log sum_k exp(a_k), a_k = -|x - m_k|^2 / (2 variance),
  // grad = sum_k softmax(a)_k (m_k - x) / variance.
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T running_max(-1e30f), sum(0.0f);
    for (int j = 0; j < dim; ++j) grad[j] = T(0.0f);
    const float inv_two_var = 0.5f / variance;
    for (int k = 0; k < components; ++k) {
      const float* m = means + k * dim;
      T sq(0.0f);
      for (int j = 0; j < dim; ++j) {
        const T r = x[j] - T(m[j]);
        sq = sq + r * r;
      }
      const T a = -sq * T(inv_two_var);
      const T new_max = vmax(running_max, a);
      using std::exp;
      const T scale_old = exp(running_max - new_max), weight = exp(a - new_max);
      sum = sum * scale_old + weight;
      for (int j = 0; j < dim; ++j) grad[j] = grad[j] * scale_old + weight * (T(m[j]) - x[j]);
      running_max = new_max;
    }
    const T inv = T(1.0f / variance) / sum;
    for (int j = 0; j < dim; ++j) grad[j] = grad[j] * inv;
    using std::log;
    return T(log_norm) + running_max + log(sum);
  }

  // Hessian of log R times v, with p = softmax(a), r_k = m_k - x, g = sum_k p_k r_k / variance:
  // H v = -v / variance + sum_k p_k (r_k . v) r_k / variance^2 - g (g . v)
  //     = sum_k p_k r_k ((r_k . v) / variance - g . v) / variance - v / variance,
  // in three passes over the components (the maximum of a; the sum and g . v; H v).
  template <class T>
  DMT_HD void hessian_vector_product(const T* x, const T* v, T* hv) const {
    using std::exp;
    const T inv_var = T(1.0f / variance);
    // a_k = -|m_k - x|^2 / (2 variance) and r_k . v for component k
    const auto component = [&](int k, T& a, T& rv) {
      T sq(0.0f);
      rv = T(0.0f);
      for (int j = 0; j < dim; ++j) {
        const T r = T(means[k * dim + j]) - x[j];
        sq = sq + r * r;
        rv = rv + r * v[j];
      }
      a = -sq * T(0.5f) * inv_var;
    };
    T amax(-1e30f), a, rv;
    for (int k = 0; k < components; ++k) {
      component(k, a, rv);
      amax = vmax(amax, a);
    }
    T sum(0.0f), gv(0.0f);
    for (int k = 0; k < components; ++k) {
      component(k, a, rv);
      const T w = exp(a - amax);
      sum = sum + w;
      gv = gv + w * rv;
    }
    gv = gv * inv_var / sum;
    for (int j = 0; j < dim; ++j) hv[j] = -v[j] * inv_var;
    for (int k = 0; k < components; ++k) {
      component(k, a, rv);
      const T c = exp(a - amax) / sum * (rv * inv_var - gv) * inv_var;
      for (int j = 0; j < dim; ++j) hv[j] = hv[j] + c * (T(means[k * dim + j]) - x[j]);
    }
  }
};

}  // namespace dmt
