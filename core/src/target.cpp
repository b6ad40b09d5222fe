#include "dmt/targets/target.hpp"

#include <algorithm>
#include <vector>

namespace dmt {

void target::sample_exact(std::uint64_t, std::size_t, float*) const {
  throw input_error("target '" + name_ + "' has no exact sampler");
}

void target::hessian_vector_product(const double*, const double*, double*) const {
  throw input_error("target '" + name_ + "' has no Hessian-vector products");
}

void target::hessian_vector_products(const float* x, const float* v, std::size_t n, float* hv) const {
  const std::size_t d = static_cast<std::size_t>(dim_);
  std::vector<double> xd(d), vd(d), out(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j) {
      xd[j] = x[i * d + j];
      vd[j] = v[i * d + j];
    }
    hessian_vector_product(xd.data(), vd.data(), out.data());
    for (std::size_t j = 0; j < d; ++j) hv[i * d + j] = static_cast<float>(out[j]);
  }
}

void target::evaluate(const float* x, std::size_t n, float* log_r, float* grad, const executor& exec) const {
  constexpr std::size_t W = lanes<float_batch>::value;
  constexpr std::size_t tiles_per_task = 16;
  const std::size_t d = static_cast<std::size_t>(dim_);
  const std::size_t n_tiles = (n + W - 1) / W;
  const std::size_t n_tasks = (n_tiles + tiles_per_task - 1) / tiles_per_task;
  exec.parallel_for(n_tasks, [&](std::size_t task) {
    std::vector<float> soa(d * W), soa_grad(d * W);
    std::vector<float_batch> xb(d), gb(d);
    alignas(64) float lr[W];
    const std::size_t tile_end = std::min(n_tiles, (task + 1) * tiles_per_task);
    for (std::size_t t = task * tiles_per_task; t < tile_end; ++t) {
      const std::size_t first = t * W;
      const std::size_t count = std::min(W, n - first);
      for (std::size_t l = 0; l < W; ++l) {
        // lanes past the end repeat the last particle; their results are dropped
        const float* row = x + (first + std::min(l, count - 1)) * d;
        for (std::size_t j = 0; j < d; ++j) soa[j * W + l] = row[j];
      }
      for (std::size_t j = 0; j < d; ++j) xb[j] = float_batch::load_unaligned(&soa[j * W]);
      float_batch lb;
      evaluate_tile(xb.data(), &lb, gb.data());
      lb.store_unaligned(lr);
      for (std::size_t l = 0; l < count; ++l) log_r[first + l] = lr[l];
      if (grad) {
        for (std::size_t j = 0; j < d; ++j) gb[j].store_unaligned(&soa_grad[j * W]);
        for (std::size_t l = 0; l < count; ++l)
          for (std::size_t j = 0; j < d; ++j) grad[(first + l) * d + j] = soa_grad[j * W + l];
      }
    }
  });
}

}  // namespace dmt
