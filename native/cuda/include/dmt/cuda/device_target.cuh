// A registry target's per-particle kernel on the device: the same DMT_HD struct the CPU runs
// (core/include/dmt/targets/*_kernel.hpp), with its arrays (means, precision, data, ...) copied to
// device memory and its pointers redirected there. visit(f) calls f(kernel) with the concrete
// kernel type, so launchers are written once as templates over the kernel.
#pragma once
#include <variant>
#include <vector>

#include "dmt/cuda/device_buffer.cuh"
#include "dmt/targets/banana_kernel.hpp"
#include "dmt/targets/cox_process_kernel.hpp"
#include "dmt/targets/doublewell_kernel.hpp"
#include "dmt/targets/funnel_kernel.hpp"
#include "dmt/targets/gaussian_kernel.hpp"
#include "dmt/targets/gaussian_mixture_kernel.hpp"
#include "dmt/targets/logistic_regression_kernel.hpp"
#include "dmt/targets/manywell_kernel.hpp"
#include "dmt/targets/student_t_mixture_kernel.hpp"
#include "dmt/targets/target.hpp"

namespace dmt::cuda {

using kernel_variant =
    std::variant<gaussian_kernel, gaussian_mixture_kernel, funnel_kernel, manywell_kernel, doublewell_kernel,
                 banana_kernel, student_t_mixture_kernel, logistic_regression_kernel, cox_process_kernel>;

class device_target {
 public:
  // Throws cuda_error for a target without a per-particle kernel (e.g. a tempered path) and when
  // no device is present.
  explicit device_target(const target& t);
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), kernel_);
  }
  int dim() const { return dim_; }

 private:
  const float* mirror(const float* host, std::size_t n);
  kernel_variant kernel_;
  int dim_ = 0;
  std::vector<device_buffer<float>> arrays_;
};

}  // namespace dmt::cuda
