#include "dmt/targets/lasso_regression.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/composite_target.hpp"

namespace dmt {

lasso_dataset lasso_data(std::uint64_t seed, int rows, int dim, double noise) {
  lasso_dataset d;
  d.rows = rows;
  d.dim = dim;
  d.truth.assign(dim, 0.0);
  const double truth[] = {2.0, -1.5, 1.0};
  for (int j = 0; j < dim && j < 3; ++j) d.truth[j] = truth[j];
  d.x.resize(static_cast<std::size_t>(rows) * dim);
  d.y.resize(rows);
  for (int i = 0; i < rows; ++i) {
    philox_stream xs(make_philox_key(seed), static_cast<std::uint32_t>(i), 1),
        es(make_philox_key(seed), static_cast<std::uint32_t>(i), 2);
    double yi = 0.0;
    for (int j = 0; j < dim; ++j) {
      d.x[i * dim + j] = xs.normal();
      yi += d.x[i * dim + j] * d.truth[j];
    }
    d.y[i] = yi + noise * es.normal();
  }
  return d;
}

namespace {

class lasso_target final : public kernel_target<lasso_regression_kernel>, public composite_target {
 public:
  lasso_target(const lasso_dataset& data, double noise, double weight, const params& resolved)
      : kernel_target("lasso_regression", data.dim), weight_(weight) {
    const int d = data.dim;
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(data.x.data(),
                                                                                                     data.rows, d);
    const Eigen::Map<const Eigen::VectorXd> y(data.y.data(), data.rows);
    gram_d_ = x.transpose() * x / (noise * noise);
    linear_d_ = x.transpose() * y / (noise * noise);
    constant_ = -y.squaredNorm() / (2 * noise * noise) - 0.5 * data.rows * std::log(2 * M_PI * noise * noise) +
                (weight > 0 ? d * std::log(weight / 2) : 0.0);
    gram_.resize(static_cast<std::size_t>(d) * d);
    for (int i = 0; i < d; ++i)
      for (int k = 0; k < d; ++k) gram_[i * d + k] = static_cast<float>(gram_d_(i, k));
    linear_.assign(linear_d_.data(), linear_d_.data() + d);
    kernel_ = {d, gram_.data(), linear_.data(), static_cast<float>(constant_), static_cast<float>(weight)};
    resolved_ = resolved;
  }
  double smooth_part(const Eigen::VectorXd& b, Eigen::VectorXd* grad) const override {
    const Eigen::VectorXd gb = gram_d_ * b;
    if (grad) *grad = gb - linear_d_;
    return 0.5 * b.dot(gb) - linear_d_.dot(b) - constant_;
  }
  Eigen::MatrixXd smooth_hessian(const Eigen::VectorXd&) const override { return gram_d_; }
  double nonsmooth_part(const Eigen::VectorXd& b) const override { return weight_ * b.lpNorm<1>(); }
  Eigen::VectorXd prox(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, double gamma) const override {
    return prox_l1(v, h, gamma, weight_);
  }

 private:
  double weight_, constant_ = 0.0;
  Eigen::MatrixXd gram_d_;
  Eigen::VectorXd linear_d_;
  std::vector<float> gram_, linear_;
};

}  // namespace

std::unique_ptr<target> make_lasso_regression(const params& p) {
  const long dim = p.integer("dim"), rows = p.integer("rows"), seed = p.integer("seed");
  const double noise = p.number("noise"), weight = p.number("lambda");
  if (dim < 1 || dim > 1024) throw input_error("lasso_regression: dim must be in [1, 1024]");
  if (rows < 1 || rows > 1000000) throw input_error("lasso_regression: rows must be in [1, 1000000]");
  if (seed < 0) throw input_error("lasso_regression: seed must be non-negative");
  if (!(noise > 0) || !std::isfinite(noise)) throw input_error("lasso_regression: noise must be positive");
  if (!(weight >= 0) || !std::isfinite(weight))
    throw input_error("lasso_regression: lambda (the L1 weight) must be finite and non-negative (got " +
                      std::to_string(weight) + ")");
  if (weight == 0 && rows < dim)
    throw input_error("lasso_regression: lambda = 0 (flat prior) needs rows >= dim for a proper posterior");
  params resolved;
  resolved.set("dim", double(dim))
      .set("rows", double(rows))
      .set("seed", double(seed))
      .set("noise", noise)
      .set("lambda", weight);
  return std::make_unique<lasso_target>(
      lasso_data(static_cast<std::uint64_t>(seed), static_cast<int>(rows), static_cast<int>(dim), noise), noise, weight,
      resolved);
}

DMT_REGISTER_COMPONENTS(lasso_regression_targets) {
  r.add({.kind = component_kind::target,
         .name = "lasso_regression",
         .summary =
             "Bayesian LASSO posterior on generated data (y = X b* + e); composite (f + lambda |b|_1); Z = evidence",
         .parameters = {integer_param("dim", 5, "coefficients"), integer_param("rows", 40, "data points"),
                        integer_param("seed", 1, "seed of the generated data"),
                        number_param("noise", 1.0, "noise standard deviation"),
                        number_param("lambda", 1.0, "L1 weight (Laplace prior rate), >= 0")},
         .caps = {.cuda = false},
         .listing_order = 140,
         .make_target = make_lasso_regression});
}

}  // namespace dmt
