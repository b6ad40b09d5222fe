#include "dmt/targets/box_gaussian.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/composite_target.hpp"

namespace dmt {
namespace {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// P(lower <= X <= upper) for X ~ N(mean, cov) in one or two dimensions: for two, the integral over
// x1 of the density of x1 times the conditional probability of x2's interval, by composite
// Simpson's rule on 20 000 panels over the part of [l1, u1] within 12 standard deviations of the
// mean (relative error far below 1e-12 for a smooth integrand; the cut-off tails are < 1e-32).
double box_probability_2d(const Eigen::VectorXd& m, const Eigen::MatrixXd& c, const Eigen::VectorXd& l,
                          const Eigen::VectorXd& u) {
  const double s1 = std::sqrt(c(0, 0));
  if (m.size() == 1) return normal_cdf((u[0] - m[0]) / s1) - normal_cdf((l[0] - m[0]) / s1);
  const double slope = c(1, 0) / c(0, 0), s2 = std::sqrt(c(1, 1) - c(1, 0) * c(1, 0) / c(0, 0));
  const double a = std::max(l[0], m[0] - 12 * s1), b = std::min(u[0], m[0] + 12 * s1);
  if (!(b > a)) return 0.0;
  const int panels = 20000;
  const double h = (b - a) / panels;
  const auto f = [&](double x) {
    const double mu = m[1] + slope * (x - m[0]);
    const double z = (x - m[0]) / s1;
    return std::exp(-0.5 * z * z) / (s1 * std::sqrt(2 * M_PI)) *
           (normal_cdf((u[1] - mu) / s2) - normal_cdf((l[1] - mu) / s2));
  };
  double sum = f(a) + f(b);
  for (int k = 1; k < panels; ++k) sum += f(a + k * h) * (k % 2 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

class box_gaussian_target final : public kernel_target<box_gaussian_kernel>, public composite_target {
 public:
  box_gaussian_target(int dim, Eigen::VectorXd mean, Eigen::MatrixXd cov, Eigen::VectorXd lower, Eigen::VectorXd upper)
      : kernel_target("box_gaussian", dim),
        mean_d_(std::move(mean)),
        cov_(std::move(cov)),
        lower_d_(std::move(lower)),
        upper_d_(std::move(upper)) {
    Eigen::LLT<Eigen::MatrixXd> llt(cov_);
    if (llt.info() != Eigen::Success || !(cov_ - cov_.transpose()).isZero(1e-12 * cov_.norm()))
      throw input_error("box_gaussian: covariance must be symmetric positive definite");
    prec_d_ = llt.solve(Eigen::MatrixXd::Identity(dim, dim));
    double log_det = 0.0;
    for (int i = 0; i < dim; ++i) log_det += 2.0 * std::log(llt.matrixL()(i, i));
    log_norm_ = -0.5 * (log_det + dim * std::log(2.0 * M_PI));
    mean_.assign(mean_d_.data(), mean_d_.data() + dim);
    lower_.assign(lower_d_.data(), lower_d_.data() + dim);
    upper_.assign(upper_d_.data(), upper_d_.data() + dim);
    prec_.resize(static_cast<std::size_t>(dim) * dim);
    for (int i = 0; i < dim; ++i)
      for (int k = 0; k < dim; ++k) prec_[i * dim + k] = static_cast<float>(prec_d_(i, k));
    kernel_ = {{dim, mean_.data(), prec_.data(), static_cast<float>(log_norm_)}, lower_.data(), upper_.data()};
    const bool diagonal = cov_.isDiagonal(0.0);
    if (dim <= 2) {
      log_normaliser_ = std::log(box_probability_2d(mean_d_, cov_, lower_d_, upper_d_));
    } else if (diagonal) {
      double lz = 0.0;
      for (int i = 0; i < dim; ++i) {
        const double s = std::sqrt(cov_(i, i));
        lz += std::log(normal_cdf((upper_d_[i] - mean_d_[i]) / s) - normal_cdf((lower_d_[i] - mean_d_[i]) / s));
      }
      log_normaliser_ = lz;
    }
    resolved_.set("dim", double(dim))
        .set("mean", std::vector<double>(mean_d_.data(), mean_d_.data() + dim))
        .set("covariance", std::vector<double>(cov_.data(), cov_.data() + dim * dim))
        .set("lower", std::vector<double>(lower_d_.data(), lower_d_.data() + dim))
        .set("upper", std::vector<double>(upper_d_.data(), upper_d_.data() + dim));
  }

  double smooth_part(const Eigen::VectorXd& x, Eigen::VectorXd* grad) const override {
    const Eigen::VectorXd r = x - mean_d_;
    const Eigen::VectorXd pr = prec_d_ * r;
    if (grad) *grad = pr;
    return 0.5 * r.dot(pr) - log_norm_;
  }
  Eigen::MatrixXd smooth_hessian(const Eigen::VectorXd&) const override { return prec_d_; }
  double nonsmooth_part(const Eigen::VectorXd& x) const override {
    for (int i = 0; i < dim_; ++i)
      if (x[i] < lower_d_[i] || x[i] > upper_d_[i]) return std::numeric_limits<double>::infinity();
    return 0.0;
  }
  bool bounded_support() const override { return true; }
  Eigen::VectorXd prox(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, double) const override {
    return prox_box(v, h, lower_d_, upper_d_);
  }

 private:
  Eigen::VectorXd mean_d_;
  Eigen::MatrixXd cov_, prec_d_;
  Eigen::VectorXd lower_d_, upper_d_;
  double log_norm_ = 0.0;
  std::vector<float> mean_, prec_, lower_, upper_;
};

}  // namespace

std::unique_ptr<target> make_box_gaussian(const params& p) {
  const long dim = p.integer("dim");
  if (dim < 1 || dim > 1024) throw input_error("box_gaussian: dim must be in [1, 1024]");
  const auto vec = [&](const char* key) {
    const auto v = p.list(key);
    if (static_cast<long>(v.size()) != dim)
      throw input_error(std::string("box_gaussian: ") + key + " has " + std::to_string(v.size()) +
                        " entries, expected dim = " + std::to_string(dim));
    for (double x : v)
      if (!std::isfinite(x)) throw input_error(std::string("box_gaussian: ") + key + " must be finite");
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), dim));
  };
  const Eigen::VectorXd mean = vec("mean"), lower = vec("lower"), upper = vec("upper");
  for (long i = 0; i < dim; ++i)
    if (!(lower[i] < upper[i]))
      throw input_error("box_gaussian: lower must be below upper in every coordinate (coordinate " + std::to_string(i) +
                        ": lower " + std::to_string(lower[i]) + ", upper " + std::to_string(upper[i]) + ")");
  const auto cov = p.list("covariance");
  Eigen::MatrixXd c(dim, dim);
  for (long i = 0; i < dim; ++i)
    for (long k = 0; k < dim; ++k) c(i, k) = std::pow(0.7, std::abs(double(i - k)));
  if (static_cast<long>(cov.size()) == dim * dim && dim > 1) {
    for (long i = 0; i < dim; ++i)
      for (long k = 0; k < dim; ++k) c(i, k) = cov[i * dim + k];
  } else if (static_cast<long>(cov.size()) == dim) {
    c.setZero();
    for (long i = 0; i < dim; ++i) c(i, i) = cov[i];
  } else if (!cov.empty()) {
    throw input_error("box_gaussian: covariance has " + std::to_string(cov.size()) +
                      " entries, expected dim*dim or dim");
  }
  return std::make_unique<box_gaussian_target>(static_cast<int>(dim), mean, c, lower, upper);
}

DMT_REGISTER_COMPONENTS(box_gaussian_targets) {
  r.add(
      {.kind = component_kind::target,
       .name = "box_gaussian",
       .summary =
           "N(mean, covariance) truncated to the box [lower, upper]; composite (f + box indicator); log Z for dim <= 2",
       .parameters =
           {integer_param("dim", 2, "dimension"),
            list_param("mean", {}, "list of dim numbers").computed(dim_filled(1.0), "all 1"),
            list_param("covariance", {}, "dim*dim numbers (row-major) or dim diagonal entries").shown_as("0.7^|i-j|"),
            list_param("lower", {}, "list of dim numbers").computed(dim_filled(0.0), "all 0"),
            list_param("upper", {}, "list of dim numbers, each above lower").computed(dim_filled(1.5), "all 1.5")},
       .caps = {.cuda = false},
       .listing_order = 130,
       .make_target = make_box_gaussian});
}

}  // namespace dmt
