#include "dmt/targets/doublewell.hpp"

#include <algorithm>
#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

// integral of exp(-(x^2 - delta)^2) over [-L, L], L = sqrt(|delta|) + 8 (the integrand is
// below e^-60 beyond), by 400 panels of 8-point Gauss-Legendre.
double well_integral(double delta) {
  static const double nodes[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
  static const double weights[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
  const double half_width = std::sqrt(std::fabs(delta)) + 8.0;
  const int panels = 400;
  const double h = 2.0 * half_width / panels;
  double total = 0.0;
  for (int p = 0; p < panels; ++p) {
    const double c = -half_width + (p + 0.5) * h;
    for (int k = 0; k < 4; ++k)
      for (int s = -1; s <= 1; s += 2) {
        const double x = c + s * 0.5 * h * nodes[k];
        const double e = x * x - delta;
        total += 0.5 * h * weights[k] * std::exp(-e * e);
      }
  }
  return total;
}

class doublewell_target final : public kernel_target<doublewell_kernel> {
 public:
  doublewell_target(int dim, int wells, double delta) : kernel_target("doublewell", dim) {
    kernel_ = {dim, wells, static_cast<float>(delta)};
    log_normaliser_ = wells * std::log(well_integral(delta)) + 0.5 * (dim - wells) * std::log(2.0 * M_PI);
    resolved_.set("dim", double(dim)).set("m", double(wells)).set("delta", delta);
    wells_ = wells;
    delta_ = delta;
  }
  bool has_exact_sampler() const override { return true; }
  // The coordinates are independent. A double-well one, density proportional to
  // exp(-(x^2 - delta)^2), by rejection from N(0, sigma^2), sigma = sqrt(max(delta, 0)) + 1: in
  // u = x^2 the log ratio -(u - delta)^2 + u / (2 sigma^2) is concave, maximal at
  // u* = max(0, delta + 1 / (4 sigma^2)), so the bound is exact. The others are N(0, 1).
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    const double sigma = std::sqrt(std::max(delta_, 0.0)) + 1.0, k = 1.0 / (2.0 * sigma * sigma);
    const auto log_ratio = [&](double u) { return -(u - delta_) * (u - delta_) + k * u; };
    const double bound = log_ratio(std::max(0.0, delta_ + 0.5 * k));
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000007u);
      for (int j = 0; j < dim_; ++j) {
        double x = rng.normal();
        if (j < wells_)
          for (;;) {
            x = sigma * rng.normal();
            if (std::log(rng.uniform()) < log_ratio(x * x) - bound) break;
          }
        out[i * dim_ + j] = static_cast<float>(x);
      }
    }
  }

 private:
  int wells_ = 0;
  double delta_ = 0.0;
};

}  // namespace

std::unique_ptr<target> make_doublewell(const params& p) {
  const long dim = p.integer("dim");
  const long m = p.integer("m");
  const double delta = p.number("delta");
  if (dim < 1 || dim > 4096) throw input_error("doublewell: dim must be in [1, 4096]");
  if (m < 0 || m > dim) throw input_error("doublewell: m must be in [0, dim]");
  return std::make_unique<doublewell_target>(static_cast<int>(dim), static_cast<int>(m), delta);
}

DMT_REGISTER_COMPONENTS(doublewell_targets) {
  r.add(
      {.kind = component_kind::target,
       .name = "doublewell",
       .summary = "E = sum_{i<=m} (x_i^2 - delta)^2 + 0.5 sum_{i>m} x_i^2; exact sampler; log Z by quadrature",
       .parameters = {integer_param("dim", 10, "dimension"), integer_param("m", 5, "number of double-well coordinates"),
                      number_param("delta", 3.0, "well separation parameter")},
       .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
       .listing_order = 70,
       .make_target = make_doublewell});
}

}  // namespace dmt
