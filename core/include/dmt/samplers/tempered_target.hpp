// The geometric annealing path between a Gaussian reference and a target (ALGORITHMS.md 3):
// log pi_b(x) = (1 - b) log N(x; 0, s^2 I) + b log R(x), with its gradient, as a target that the
// Langevin samplers can move on. b is set between levels; the reference is normalised, so the
// path's normalising constants run from 1 (b = 0) to Z (b = 1).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "dmt/hd.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

// The path's per-particle arithmetic, shared by tempered_target and the CUDA SMC: with the base's
// log R (and gradient, when grad is not null) in log_r / grad, forms log pi_b and its gradient,
// a = 1 - b, is2 = 1 / s^2, log_norm = -dim/2 log(2 pi s^2), all in float.
struct tempered_coefficients {
  float a, b, is2, log_norm;
};
template <class T>
DMT_HD void tempered_combine(const tempered_coefficients& c, int dim, const T* x, T& log_r, T* grad) {
  T q(0.0f);
  for (int j = 0; j < dim; ++j) q = q + x[j] * x[j];
  if (grad)
    for (int j = 0; j < dim; ++j) grad[j] = T(c.a) * (T(-c.is2) * x[j]) + T(c.b) * grad[j];
  log_r = T(c.a) * (T(c.log_norm) - T(0.5f * c.is2) * q) + T(c.b) * log_r;
}

// A target kernel (targets/*_kernel.hpp) on the tempered path.
template <class Kernel>
struct tempered_kernel {
  Kernel base;
  tempered_coefficients c;
  int dim;
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T log_r = base.log_density_and_grad(x, grad);
    tempered_combine<T>(c, dim, x, log_r, grad);
    return log_r;
  }
};

// A given annealing schedule: increasing temperatures in (0, 1], the last one 1. `who` prefixes
// the input_error ("smc", "jala").
inline void check_schedule(const std::vector<double>& betas, const std::string& who) {
  for (std::size_t k = 0; k < betas.size(); ++k) {
    const double b = betas[k];
    if (!(b > 0 && b <= 1))
      throw input_error(who + ": betas must lie in (0, 1] (betas[" + std::to_string(k) + "] = " + std::to_string(b) + ")");
    if (k > 0 && !(b > betas[k - 1])) throw input_error(who + ": betas must increase strictly (betas[" + std::to_string(k) + "])");
  }
  if (!betas.empty() && betas.back() != 1.0) throw input_error(who + ": the last of betas must be 1");
}

class tempered_target : public target {
 public:
  tempered_target(const target& base, double reference_scale)
      : target(base.name() + "@tempered", base.dim()), base_(base), s2_(reference_scale * reference_scale) {
    log_norm_ = -0.5 * base.dim() * std::log(2.0 * M_PI * s2_);
  }
  void set_beta(double b) { b_ = b; }
  double beta() const { return b_; }
  const target& base() const { return base_; }
  double reference_variance() const { return s2_; }
  double reference_log_norm() const { return log_norm_; }  // -dim/2 log(2 pi s^2)
  tempered_coefficients coefficients() const {
    return {static_cast<float>(1.0 - b_), static_cast<float>(b_), static_cast<float>(1.0 / s2_),
            static_cast<float>(log_norm_)};
  }
  // log N(x; 0, s^2 I) of one particle
  double log_reference(const float* x) const {
    double q = 0.0;
    for (int j = 0; j < dim_; ++j) q += double(x[j]) * x[j];
    return log_norm_ - 0.5 * q / s2_;
  }

  // (the targets' kernels always write a gradient: a scratch one when the caller wants none)
  // Defined in tempered_target.cpp: CUDA translation units include this header and must not
  // instantiate the float_batch path.
  void evaluate_tile(const float_batch* x, float_batch* log_r, float_batch* grad) const override;
  void evaluate_tile(const float* x, float* log_r, float* grad) const override;
  double evaluate_double(const double* x, double* grad) const override;

 private:
  const target& base_;
  double s2_, log_norm_;
  double b_ = 0.0;
};

}  // namespace dmt
