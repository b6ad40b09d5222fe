#include "dmt/targets/funnel.hpp"

#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

class funnel_target final : public kernel_target<funnel_kernel> {
 public:
  funnel_target(int dim, double scale) : kernel_target("funnel", dim), scale_(scale) {
    kernel_ = {
        dim, static_cast<float>(1.0 / (scale * scale)),
        static_cast<float>(-0.5 * std::log(2.0 * M_PI * scale * scale) - 0.5 * (dim - 1) * std::log(2.0 * M_PI))};
    log_normaliser_ = 0.0;
    resolved_.set("dim", double(dim)).set("scale", scale);
  }
  bool has_exact_sampler() const override { return true; }
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000003u);
      const double x0 = scale_ * rng.normal();
      out[i * dim_] = static_cast<float>(x0);
      const double sd = std::exp(0.5 * x0);
      for (int j = 1; j < dim_; ++j) out[i * dim_ + j] = static_cast<float>(sd * rng.normal());
    }
  }

 private:
  double scale_;
};

}  // namespace

std::unique_ptr<target> make_funnel(const params& p) {
  const long dim = p.integer("dim");
  const double scale = p.number("scale");
  if (dim < 2 || dim > 4096) throw input_error("funnel: dim must be in [2, 4096]");
  if (!(scale > 0)) throw input_error("funnel: scale must be positive");
  return std::make_unique<funnel_target>(static_cast<int>(dim), scale);
}

DMT_REGISTER_COMPONENTS(funnel_targets) {
  r.add({.kind = component_kind::target,
         .name = "funnel",
         .summary = "Neal's funnel: x0 ~ N(0, scale^2), x_i ~ N(0, exp(x0)); exact sampler; log Z = 0",
         .parameters = {integer_param("dim", 10, "dimension (>= 2)"),
                        number_param("scale", 3.0, "standard deviation of x0")},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 50,
         .make_target = make_funnel});
}

}  // namespace dmt
