#include "dmt/targets/manywell.hpp"

#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

constexpr double kPairNormaliser = 11784.50927;  // integral of exp(-(y^4 - 6y^2 - 0.5y))

class manywell_target final : public kernel_target<manywell_kernel> {
 public:
  explicit manywell_target(int dim) : kernel_target("manywell", dim) {
    kernel_ = {dim};
    log_normaliser_ = 0.5 * dim * (std::log(kPairNormaliser) + 0.5 * std::log(2.0 * M_PI));
    resolved_.set("dim", double(dim));
  }
  bool has_exact_sampler() const override { return true; }
  // y by rejection from q = 0.2 N(-1.7, 0.5^2) + 0.8 N(1.7, 0.5^2) with envelope 3 Z_y q
  // (the ratio exp(-E(y)) / (Z_y q(y)) peaks at 2.59); z ~ N(0, 1).
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    const double norm_q = 1.0 / (0.5 * std::sqrt(2.0 * M_PI));
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000004u);
      for (int j = 0; j < dim_; j += 2) {
        double y;
        for (;;) {
          const double centre = rng.uniform() < 0.2 ? -1.7 : 1.7;
          y = centre + 0.5 * rng.normal();
          const double q =
              norm_q * (0.2 * std::exp(-2.0 * (y + 1.7) * (y + 1.7)) + 0.8 * std::exp(-2.0 * (y - 1.7) * (y - 1.7)));
          const double r = std::exp(-(y * y * y * y - 6.0 * y * y - 0.5 * y));
          if (rng.uniform() * 3.0 * kPairNormaliser * q < r) break;
        }
        out[i * dim_ + j] = static_cast<float>(y);
        out[i * dim_ + j + 1] = static_cast<float>(rng.normal());
      }
    }
  }
};

}  // namespace

std::unique_ptr<target> make_manywell(const params& p) {
  const long dim = p.integer("dim");
  if (dim < 2 || dim > 4096 || dim % 2) throw input_error("manywell: dim must be even, in [2, 4096]");
  return std::make_unique<manywell_target>(static_cast<int>(dim));
}

DMT_REGISTER_COMPONENTS(manywell_targets) {
  r.add(
      {.kind = component_kind::target,
       .name = "manywell",
       .summary = "dim/2 double-well pairs, E = y^4 - 6y^2 - 0.5y + 0.5z^2; exact sampler; log Z = 164.6957 at dim 32",
       .parameters = {integer_param("dim", 32, "dimension (even)")},
       .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
       .listing_order = 60,
       .make_target = make_manywell});
}

}  // namespace dmt
