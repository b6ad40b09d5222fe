// Turns a per-particle kernel into a batched target. A kernel is a small copyable struct with
//   template <class T> DMT_HD T log_density_and_grad(const T* x, T* grad) const;
// written once and run here on xsimd batches (one particle per lane) and on plain floats,
// and by the CUDA backend on device. A kernel may also have
//   template <class T> DMT_HD void hessian_vector_product(const T* x, const T* v, T* hv) const;
// (the Hessian of log R times v), which the target then offers in double precision.
#pragma once
#include "dmt/targets/target.hpp"

namespace dmt {

template <class Kernel>
class kernel_target : public target {
 public:
  void evaluate_tile(const float_batch* x, float_batch* log_r, float_batch* grad) const override {
    *log_r = kernel_.log_density_and_grad(x, grad);
  }
  void evaluate_tile(const float* x, float* log_r, float* grad) const override {
    *log_r = kernel_.log_density_and_grad(x, grad);
  }
  double evaluate_double(const double* x, double* grad) const override { return kernel_.log_density_and_grad(x, grad); }
  bool has_hessian_vector_product() const override {
    return requires(const double* x, double* hv) { kernel_.hessian_vector_product(x, x, hv); };
  }
  void hessian_vector_product(const double* x, const double* v, double* hv) const override {
    if constexpr (requires(const double* p, double* q) { kernel_.hessian_vector_product(p, p, q); })
      kernel_.hessian_vector_product(x, v, hv);
    else
      target::hessian_vector_product(x, v, hv);
  }
  const Kernel& kernel() const { return kernel_; }

 protected:
  kernel_target(std::string name, int dim) : target(std::move(name), dim) {}
  Kernel kernel_{};
};

}  // namespace dmt
