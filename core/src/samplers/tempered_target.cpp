#include "dmt/samplers/tempered_target.hpp"

namespace dmt {

void tempered_target::evaluate_tile(const float_batch* x, float_batch* log_r, float_batch* grad) const {
  std::vector<float_batch> scratch(grad ? 0 : dim_);
  base_.evaluate_tile(x, log_r, grad ? grad : scratch.data());
  tempered_combine<float_batch>(coefficients(), dim_, x, *log_r, grad);
}

void tempered_target::evaluate_tile(const float* x, float* log_r, float* grad) const {
  std::vector<float> scratch(grad ? 0 : dim_);
  base_.evaluate_tile(x, log_r, grad ? grad : scratch.data());
  tempered_combine<float>(coefficients(), dim_, x, *log_r, grad);
}

double tempered_target::evaluate_double(const double* x, double* grad) const {
  std::vector<double> scratch(grad ? 0 : dim_);
  const double lr = base_.evaluate_double(x, grad ? grad : scratch.data());
  double q = 0.0;
  for (int j = 0; j < dim_; ++j) q += x[j] * x[j];
  if (grad)
    for (int j = 0; j < dim_; ++j) grad[j] = (1.0 - b_) * (-x[j] / s2_) + b_ * grad[j];
  return (1.0 - b_) * (log_norm_ - 0.5 * q / s2_) + b_ * lr;
}

}  // namespace dmt
