// Entry point of evaluate (target_eval.hpp): uploads, launches evaluate_kernel, downloads.
#include "dmt/cuda/device_target.cuh"
#include "dmt/cuda/evaluate_kernel.cuh"
#include "dmt/cuda/target_eval.hpp"

namespace dmt::cuda {

evaluation evaluate(const target& t, const std::vector<float>& x) {
  const device_target dt(t);
  const int d = t.dim();
  const std::size_t n = x.size() / static_cast<std::size_t>(d);
  if (n * d != x.size()) throw cuda_error("evaluate: particle array is not n x dim");
  device_buffer<float> dx(x), dlog(n), dgrad(n * d);
  dt.visit([&](const auto& k) { launch_evaluate(k, dx.data(), n, d, dlog.data(), dgrad.data()); });
  DMT_CUDA_CHECK(cudaDeviceSynchronize());
  return {dlog.download(), dgrad.download()};
}

}  // namespace dmt::cuda
