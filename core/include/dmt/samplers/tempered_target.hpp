// The geometric annealing path between a Gaussian reference and a target (ALGORITHMS.md 3):
// log pi_b(x) = (1 - b) log N(x; 0, s^2 I) + b log R(x), with its gradient, as a target that the
// Langevin samplers can move on. b is set between levels; the reference is normalised, so the
// path's normalising constants run from 1 (b = 0) to Z (b = 1).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "dmt/targets/target.hpp"

namespace dmt {

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
  // log N(x; 0, s^2 I) of one particle
  double log_reference(const float* x) const {
    double q = 0.0;
    for (int j = 0; j < dim_; ++j) q += double(x[j]) * x[j];
    return log_norm_ - 0.5 * q / s2_;
  }

  // (the targets' kernels always write a gradient: a scratch one when the caller wants none)
  void evaluate_tile(const float_batch* x, float_batch* log_r, float_batch* grad) const override {
    std::vector<float_batch> scratch(grad ? 0 : dim_);
    base_.evaluate_tile(x, log_r, grad ? grad : scratch.data());
    combine<float_batch>(x, log_r, grad);
  }
  void evaluate_tile(const float* x, float* log_r, float* grad) const override {
    std::vector<float> scratch(grad ? 0 : dim_);
    base_.evaluate_tile(x, log_r, grad ? grad : scratch.data());
    combine<float>(x, log_r, grad);
  }
  double evaluate_double(const double* x, double* grad) const override {
    std::vector<double> scratch(grad ? 0 : dim_);
    const double lr = base_.evaluate_double(x, grad ? grad : scratch.data());
    double q = 0.0;
    for (int j = 0; j < dim_; ++j) q += x[j] * x[j];
    if (grad)
      for (int j = 0; j < dim_; ++j) grad[j] = (1.0 - b_) * (-x[j] / s2_) + b_ * grad[j];
    return (1.0 - b_) * (log_norm_ - 0.5 * q / s2_) + b_ * lr;
  }

 private:
  template <class T>
  void combine(const T* x, T* log_r, T* grad) const {
    const float b = static_cast<float>(b_), a = static_cast<float>(1.0 - b_), is2 = static_cast<float>(1.0 / s2_);
    T q(0.0f);
    for (int j = 0; j < dim_; ++j) q = q + x[j] * x[j];
    if (grad)
      for (int j = 0; j < dim_; ++j) grad[j] = T(a) * (T(-is2) * x[j]) + T(b) * grad[j];
    *log_r = T(a) * (T(static_cast<float>(log_norm_)) - T(0.5f * is2) * q) + T(b) * *log_r;
  }
  const target& base_;
  double s2_, log_norm_;
  double b_ = 0.0;
};

}  // namespace dmt
