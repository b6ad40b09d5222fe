#include "dmt/targets/gaussian_mixture.hpp"

#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

class gaussian_mixture_target final : public kernel_target<gaussian_mixture_kernel> {
 public:
  gaussian_mixture_target(std::string name, int dim, std::vector<double> means, double variance, params resolved = {})
      : kernel_target(std::move(name), dim), means_d_(std::move(means)), variance_(variance) {
    resolved_ = std::move(resolved);
    const int k = static_cast<int>(means_d_.size() / dim);
    means_.assign(means_d_.begin(), means_d_.end());
    kernel_ = {dim, k, means_.data(), static_cast<float>(variance),
               static_cast<float>(-std::log(double(k)) - 0.5 * dim * std::log(2.0 * M_PI * variance))};
    log_normaliser_ = 0.0;
  }
  bool has_exact_sampler() const override { return true; }
  // Component from a categorical draw (not equal counts), then N(mean, variance I).
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    const std::uint32_t k = static_cast<std::uint32_t>(means_.size() / dim_);
    const double sd = std::sqrt(variance_);
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000002u);
      const std::uint32_t c = rng.below(k);
      for (int j = 0; j < dim_; ++j) out[i * dim_ + j] = static_cast<float>(means_d_[c * dim_ + j] + sd * rng.normal());
    }
  }
  std::vector<double> mode_locations() const override { return means_d_; }
  double mode_radius() const override { return 3.0 * std::sqrt(variance_); }

 private:
  std::vector<double> means_d_;
  double variance_;
  std::vector<float> means_;
};

std::vector<double> grid_means(const std::vector<double>& axis) {
  std::vector<double> m;
  for (double a : axis)
    for (double b : axis) {
      m.push_back(a);
      m.push_back(b);
    }
  return m;
}

}  // namespace

std::unique_ptr<target> make_gmm25(const params& p) {
  (void)p;
  return std::make_unique<gaussian_mixture_target>("gmm25", 2, grid_means({-10, -5, 0, 5, 10}), 0.3);
}

std::unique_ptr<target> make_gmm9(const params& p) {
  (void)p;
  return std::make_unique<gaussian_mixture_target>("gmm9", 2, grid_means({-5, 0, 5}), 0.5477 * 0.5477);
}

std::vector<double> gmm40_means(int dim, std::uint64_t seed) {
  std::vector<double> m(40 * static_cast<std::size_t>(dim));
  philox_stream rng(make_philox_key(seed), 0u, 0x6A400040u);
  for (double& v : m) v = -40.0 + 80.0 * rng.uniform();
  return m;
}

std::unique_ptr<target> make_gmm40(const params& p) {
  const long dim = p.integer("dim");
  const long seed = p.integer("seed");
  if (dim < 1 || dim > 1024) throw input_error("gmm40: dim must be in [1, 1024]");
  if (seed < 0) throw input_error("gmm40: seed must be non-negative");
  return std::make_unique<gaussian_mixture_target>("gmm40", static_cast<int>(dim),
                                                   gmm40_means(static_cast<int>(dim), seed), 1.0,
                                                   params().set("dim", double(dim)).set("seed", double(seed)));
}

DMT_REGISTER_COMPONENTS(gaussian_mixture_targets) {
  r.add({.kind = component_kind::target,
         .name = "gmm25",
         .summary = "2-D mixture of 25 Gaussians, means {-10,-5,0,5,10}^2, variance 0.3; log Z = 0",
         .parameters = {},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 20,
         .make_target = make_gmm25});
  r.add({.kind = component_kind::target,
         .name = "gmm9",
         .summary = "2-D mixture of 9 Gaussians, means {-5,0,5}^2, std 0.5477; log Z = 0",
         .parameters = {},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 30,
         .make_target = make_gmm9});
  r.add({.kind = component_kind::target,
         .name = "gmm40",
         .summary = "40 unit-variance Gaussians, means uniform in [-40,40]^dim from a fixed seed; log Z = 0",
         .parameters = {integer_param("dim", 2, "dimension"),
                        integer_param("seed", 0, "seed of the means (0 = the recorded ones)")},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 40,
         .make_target = make_gmm40});
}

}  // namespace dmt
