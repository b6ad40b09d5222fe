#include "dmt/targets/banana.hpp"

#include <cmath>

#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

class banana_target final : public kernel_target<banana_kernel> {
 public:
  banana_target(int dim, double width, double curvature)
      : kernel_target("banana", dim), width_(width), curvature_(curvature) {
    kernel_ = {dim, static_cast<float>(width), static_cast<float>(curvature),
               static_cast<float>(-0.5 * dim * std::log(2.0 * M_PI) - std::log(width))};
    log_normaliser_ = 0.0;
    resolved_.set("dim", double(dim)).set("width", width).set("curvature", curvature);
  }
  bool has_exact_sampler() const override { return true; }
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000006u);
      const double x1 = width_ * rng.normal();
      out[i * dim_] = static_cast<float>(x1);
      out[i * dim_ + 1] = static_cast<float>(rng.normal() + curvature_ * (x1 * x1 - width_ * width_));
      for (int j = 2; j < dim_; ++j) out[i * dim_ + j] = static_cast<float>(rng.normal());
    }
  }

 private:
  double width_, curvature_;
};

}  // namespace

std::unique_ptr<target> make_banana(const params& p) {
  const long dim = p.integer("dim", 2);
  const double width = p.number("width", 10.0), curvature = p.number("curvature", 0.1);
  if (dim < 2 || dim > 4096) throw input_error("banana: dim must be in [2, 4096]");
  if (!(width > 0)) throw input_error("banana: width must be positive");
  return std::make_unique<banana_target>(static_cast<int>(dim), width, curvature);
}

component_doc banana_doc() {
  return {"banana",
          "Haario's twisted Gaussian (unit-Jacobian twist); exact sampler; log Z = 0",
          {{"dim", "2", "dimension (>= 2)"},
           {"width", "10", "standard deviation of x_1"},
           {"curvature", "0.1", "twist b in y_2 = x_2 + b (x_1^2 - width^2)"}}};
}

}  // namespace dmt
