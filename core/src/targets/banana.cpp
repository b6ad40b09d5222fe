#include "dmt/targets/banana.hpp"

#include <cmath>

#include "dmt/registry.hpp"
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
  const long dim = p.integer("dim");
  const double width = p.number("width"), curvature = p.number("curvature");
  if (dim < 2 || dim > 4096) throw input_error("banana: dim must be in [2, 4096]");
  if (!(width > 0)) throw input_error("banana: width must be positive");
  return std::make_unique<banana_target>(static_cast<int>(dim), width, curvature);
}

DMT_REGISTER_COMPONENTS(banana_targets) {
  r.add({.kind = component_kind::target,
         .name = "banana",
         .summary = "Haario's twisted Gaussian (unit-Jacobian twist); exact sampler; log Z = 0",
         .parameters = {integer_param("dim", 2, "dimension (>= 2)"),
                        number_param("width", 10.0, "standard deviation of x_1"),
                        number_param("curvature", 0.1, "twist b in y_2 = x_2 + b (x_1^2 - width^2)")},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 100,
         .make_target = make_banana});
}

}  // namespace dmt
