#include "dmt/cuda/device.hpp"
#include "dmt/cuda/device_target.cuh"
#include "dmt/targets/kernel_target.hpp"

namespace dmt::cuda {
namespace {

template <class K>
const K* kernel_of(const target& t) {
  const auto* k = dynamic_cast<const kernel_target<K>*>(&t);
  return k ? &k->kernel() : nullptr;
}

}  // namespace

const float* device_target::mirror(const float* host, std::size_t n) {
  device_buffer<float> b;
  b.upload(host, n);
  arrays_.push_back(std::move(b));
  return arrays_.back().data();
}

device_target::device_target(const target& t) : dim_(t.dim()) {
  require_device();
  if (const auto* k = kernel_of<gaussian_kernel>(t)) {
    gaussian_kernel d = *k;
    d.mean = mirror(k->mean, k->dim);
    d.precision = mirror(k->precision, static_cast<std::size_t>(k->dim) * k->dim);
    kernel_ = d;
  } else if (const auto* k = kernel_of<gaussian_mixture_kernel>(t)) {
    gaussian_mixture_kernel d = *k;
    d.means = mirror(k->means, static_cast<std::size_t>(k->components) * k->dim);
    kernel_ = d;
  } else if (const auto* k = kernel_of<student_t_mixture_kernel>(t)) {
    student_t_mixture_kernel d = *k;
    d.locations = mirror(k->locations, static_cast<std::size_t>(k->components) * k->dim);
    kernel_ = d;
  } else if (const auto* k = kernel_of<logistic_regression_kernel>(t)) {
    logistic_regression_kernel d = *k;
    d.features = mirror(k->features, static_cast<std::size_t>(k->rows) * (k->dim - 1));
    d.labels = mirror(k->labels, k->rows);
    kernel_ = d;
  } else if (const auto* k = kernel_of<cox_process_kernel>(t)) {
    cox_process_kernel d = *k;
    d.precision = mirror(k->precision, static_cast<std::size_t>(k->dim) * k->dim);
    d.counts = mirror(k->counts, k->dim);
    kernel_ = d;
  } else if (const auto* k = kernel_of<funnel_kernel>(t)) {
    kernel_ = *k;
  } else if (const auto* k = kernel_of<manywell_kernel>(t)) {
    kernel_ = *k;
  } else if (const auto* k = kernel_of<doublewell_kernel>(t)) {
    kernel_ = *k;
  } else if (const auto* k = kernel_of<banana_kernel>(t)) {
    kernel_ = *k;
  } else {
    throw cuda_error("target '" + t.name() + "' has no CUDA kernel");
  }
}

}  // namespace dmt::cuda
