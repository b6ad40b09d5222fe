#include "dmt/targets/doublewell.hpp"

#include <cmath>

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
  }
};

}  // namespace

std::unique_ptr<target> make_doublewell(const params& p) {
  const long dim = p.integer("dim", 10);
  const long m = p.integer("m", 5);
  const double delta = p.number("delta", 3.0);
  if (dim < 1 || dim > 4096) throw input_error("doublewell: dim must be in [1, 4096]");
  if (m < 0 || m > dim) throw input_error("doublewell: m must be in [0, dim]");
  return std::make_unique<doublewell_target>(static_cast<int>(dim), static_cast<int>(m), delta);
}

component_doc doublewell_doc() {
  return {"doublewell",
          "E = sum_{i<=m} (x_i^2 - delta)^2 + 0.5 sum_{i>m} x_i^2; log Z by quadrature",
          {{"dim", "10", "dimension"},
           {"m", "5", "number of double-well coordinates"},
           {"delta", "3", "well separation parameter"}}};
}

}  // namespace dmt
