#include "dmt/targets/gaussian.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

class gaussian_target final : public kernel_target<gaussian_kernel> {
 public:
  gaussian_target(int dim, Eigen::VectorXd mean, Eigen::MatrixXd cov)
      : kernel_target("gaussian", dim), mean_d_(std::move(mean)), cov_(std::move(cov)) {
    Eigen::LLT<Eigen::MatrixXd> llt(cov_);
    if (llt.info() != Eigen::Success || !(cov_ - cov_.transpose()).isZero(1e-12 * cov_.norm()))
      throw input_error("gaussian: covariance must be symmetric positive definite");
    chol_ = llt.matrixL();
    const Eigen::MatrixXd prec = llt.solve(Eigen::MatrixXd::Identity(dim, dim));
    mean_.assign(mean_d_.data(), mean_d_.data() + dim);
    prec_.resize(static_cast<std::size_t>(dim) * dim);
    for (int i = 0; i < dim; ++i)
      for (int k = 0; k < dim; ++k) prec_[i * dim + k] = static_cast<float>(prec(i, k));
    double log_det = 0.0;
    for (int i = 0; i < dim; ++i) log_det += 2.0 * std::log(chol_(i, i));
    kernel_ = {dim, mean_.data(), prec_.data(), static_cast<float>(-0.5 * (log_det + dim * std::log(2.0 * M_PI)))};
    log_normaliser_ = 0.0;
    resolved_.set("dim", double(dim))
        .set("mean", std::vector<double>(mean_d_.data(), mean_d_.data() + dim))
        .set("covariance", std::vector<double>(cov_.data(), cov_.data() + dim * dim));
  }
  bool has_exact_sampler() const override { return true; }
  void sample_exact(std::uint64_t seed, std::size_t n, float* out) const override {
    Eigen::VectorXd z(dim_);
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(i), 0x5A000001u);
      for (int j = 0; j < dim_; ++j) z[j] = rng.normal();
      const Eigen::VectorXd x = mean_d_ + chol_ * z;
      for (int j = 0; j < dim_; ++j) out[i * dim_ + j] = static_cast<float>(x[j]);
    }
  }

 private:
  Eigen::VectorXd mean_d_;
  Eigen::MatrixXd cov_, chol_;
  std::vector<float> mean_, prec_;
};

}  // namespace

std::unique_ptr<target> make_gaussian(const params& p) {
  const long dim = p.integer("dim");
  if (dim < 1 || dim > 4096) throw input_error("gaussian: dim must be in [1, 4096]");
  const auto mean = p.list("mean");
  if (static_cast<long>(mean.size()) != dim)
    throw input_error("gaussian: mean has " + std::to_string(mean.size()) +
                      " entries, expected dim = " + std::to_string(dim));
  const auto cov = p.list("covariance");
  Eigen::MatrixXd c = Eigen::MatrixXd::Identity(dim, dim);
  if (static_cast<long>(cov.size()) == dim * dim && dim > 1) {
    for (long i = 0; i < dim; ++i)
      for (long k = 0; k < dim; ++k) c(i, k) = cov[i * dim + k];
  } else if (static_cast<long>(cov.size()) == dim) {
    for (long i = 0; i < dim; ++i) c(i, i) = cov[i];
  } else if (!cov.empty()) {
    throw input_error("gaussian: covariance has " + std::to_string(cov.size()) + " entries, expected dim*dim or dim");
  }
  return std::make_unique<gaussian_target>(static_cast<int>(dim), Eigen::Map<const Eigen::VectorXd>(mean.data(), dim),
                                           c);
}

DMT_REGISTER_COMPONENTS(gaussian_targets) {
  r.add({.kind = component_kind::target,
         .name = "gaussian",
         .summary = "N(mean, covariance), any SPD covariance; exact sampler; log Z = 0",
         .parameters =
             {integer_param("dim", 2, "dimension"),
              list_param("mean", {}, "list of dim numbers").computed(dim_filled(0.0), "zeros"),
              list_param("covariance", {}, "dim*dim numbers (row-major) or dim diagonal entries").shown_as("identity")},
         .caps = {.cuda = true, .exact_sampler = true, .log_normaliser = true},
         .listing_order = 10,
         .make_target = make_gaussian});
}

}  // namespace dmt
