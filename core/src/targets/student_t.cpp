#include "dmt/targets/student_t.hpp"

#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

class student_t_target final : public kernel_target<student_t_mixture_kernel> {
 public:
  student_t_target(std::string name, int dim, double df, std::vector<double> locations)
      : kernel_target(std::move(name), dim), df_(df), loc_d_(std::move(locations)) {
    loc_.assign(loc_d_.begin(), loc_d_.end());
    const int k = static_cast<int>(loc_d_.size() / dim);
    const double per_coord = std::lgamma(0.5 * (df + 1.0)) - std::lgamma(0.5 * df) - 0.5 * std::log(df * M_PI);
    kernel_ = {dim, k, loc_.data(), static_cast<float>(df), static_cast<float>(dim * per_coord - std::log(double(k)))};
    log_normaliser_ = 0.0;
    resolved_.set("dim", double(dim)).set("df", df);
  }
  bool has_exact_sampler() const override { return true; }
  // t = loc + z / sqrt(g / df), g ~ chi^2_df = 2 Gamma(df/2).
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    const std::uint32_t k = static_cast<std::uint32_t>(loc_d_.size() / dim_);
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000005u);
      const std::uint32_t c = k > 1 ? rng.below(k) : 0u;
      for (int j = 0; j < dim_; ++j) {
        const double g = 2.0 * rng.gamma(0.5 * df_);
        out[i * dim_ + j] = static_cast<float>(loc_d_[c * dim_ + j] + rng.normal() / std::sqrt(g / df_));
      }
    }
  }
  std::vector<double> mode_locations() const override {
    return loc_d_.size() > static_cast<std::size_t>(dim_) ? loc_d_ : std::vector<double>{};
  }
  double mode_radius() const override { return 3.0; }

 private:
  double df_;
  std::vector<double> loc_d_;
  std::vector<float> loc_;
};

double checked_df(const params& p, const char* owner) {
  const double df = p.number("df");
  if (!(df > 0)) throw input_error(std::string(owner) + ": df must be positive");
  return df;
}

}  // namespace

std::unique_ptr<target> make_student_t(const params& p) {
  const long dim = p.integer("dim");
  if (dim < 1 || dim > 4096) throw input_error("student_t: dim must be in [1, 4096]");
  const double df = checked_df(p, "student_t");
  return std::make_unique<student_t_target>("student_t", static_cast<int>(dim), df, std::vector<double>(dim, 0.0));
}

std::unique_ptr<target> make_student_t_mixture(const params& p) {
  const long dim = p.integer("dim");
  const long seed = p.integer("seed");
  if (dim < 1 || dim > 1024) throw input_error("student_t_mixture: dim must be in [1, 1024]");
  if (seed < 0) throw input_error("student_t_mixture: seed must be non-negative");
  const double df = checked_df(p, "student_t_mixture");
  std::vector<double> loc(10 * static_cast<std::size_t>(dim));
  philox_stream rng(make_philox_key(static_cast<std::uint64_t>(seed)), 0u, 0x6A500010u);
  for (double& v : loc) v = -10.0 + 20.0 * rng.uniform();
  return std::make_unique<student_t_target>("student_t_mixture", static_cast<int>(dim), df, loc);
}

DMT_REGISTER_COMPONENTS(student_t_targets) {
  r.add({.kind = component_kind::target,
         .name = "student_t",
         .summary = "product of Student-t(df) coordinates, scale 1; exact sampler; log Z = 0",
         .parameters = {integer_param("dim", 2, "dimension"), number_param("df", 2.0, "degrees of freedom")},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 80,
         .make_target = make_student_t});
  r.add({.kind = component_kind::target,
         .name = "student_t_mixture",
         .summary = "10 product Student-t(df) components, locations uniform in [-10,10]^dim; log Z = 0",
         .parameters = {integer_param("dim", 2, "dimension"), number_param("df", 2.0, "degrees of freedom"),
                        integer_param("seed", 0, "seed of the locations")},
         .caps = {.cuda = true, .log_normaliser = true},
         .listing_order = 90,
         .make_target = make_student_t_mixture});
}

}  // namespace dmt
