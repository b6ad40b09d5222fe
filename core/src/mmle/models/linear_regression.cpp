#include "dmt/mmle/models/linear_regression.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "dmt/mmle/latent_model.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

regression_data make_regression_data(const regression_data_spec& s) {
  if (s.rows < 1 || s.rows > 1000000) throw input_error("linear model: rows must be in [1, 1e6]");
  if (s.design != "gaussian" && s.design != "polynomial")
    throw input_error("linear model: design must be gaussian or polynomial (got '" + s.design + "')");
  if (s.truth_noise != "gaussian" && s.truth_noise != "student_t")
    throw input_error("linear model: truth_noise must be gaussian or student_t (got '" + s.truth_noise + "')");
  if (s.design == "gaussian" && (s.dim < 1 || s.dim > 1000)) throw input_error("linear model: dim must be in [1, 1000]");
  if (s.design == "polynomial" && (s.order < 0 || s.order > 20 || s.true_order < 0 || s.true_order > 20))
    throw input_error("linear model: order and true_order must be in [0, 20]");
  if (!(s.truth_nu > 0.0) || !(s.truth_noise_variance > 0.0) || !(s.truth_prior_precision > 0.0))
    throw input_error("linear model: truth_nu, truth_noise_variance and truth_prior_precision must be positive");
  const philox_key key = make_philox_key(s.data_seed);
  const bool poly = s.design == "polynomial";
  const long d = poly ? s.order + 1 : s.dim, d_true = poly ? s.true_order + 1 : s.dim;
  regression_data out;
  out.rows = s.rows;
  out.dim = d;
  out.design.resize(s.rows * d);
  out.y.resize(s.rows);
  std::vector<double> w(d_true);
  {
    philox_stream rng(key, 0, 0x6c696e31);  // "lin1": w*
    for (auto& v : w) v = rng.normal() / std::sqrt(s.truth_prior_precision);
  }
  for (long r = 0; r < s.rows; ++r) {
    philox_stream rng(key, static_cast<std::uint32_t>(r), 0x6c696e32);  // "lin2": row r's design and noise
    std::vector<double> phi_true(d_true);
    if (poly) {
      const double u = -2.5 + 5.0 * rng.uniform();
      for (long j = 0; j < std::max(d, d_true); ++j) {
        const double v = std::pow(u, double(j));
        if (j < d) out.design[r * d + j] = v;
        if (j < d_true) phi_true[j] = v;
      }
    } else {
      for (long j = 0; j < d; ++j) phi_true[j] = out.design[r * d + j] = rng.normal();
    }
    double noise = rng.normal();
    if (s.truth_noise == "student_t") noise /= std::sqrt(2.0 * rng.gamma(0.5 * s.truth_nu) / s.truth_nu);
    double mean = 0.0;
    for (long j = 0; j < d_true; ++j) mean += phi_true[j] * w[j];
    out.y[r] = mean + std::sqrt(s.truth_noise_variance) * noise;
  }
  return out;
}

namespace {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

regression_data_spec spec_of(const params& p) {
  regression_data_spec s;
  s.design = p.string("design");
  s.rows = p.integer("rows");
  s.dim = p.integer("dim");
  s.order = p.integer("order");
  s.true_order = p.integer("true_order");
  s.truth_noise = p.string("truth_noise");
  s.truth_nu = p.number("truth_nu");
  s.truth_noise_variance = p.number("truth_noise_variance");
  s.truth_prior_precision = p.number("truth_prior_precision");
  const long seed = p.integer("data_seed");
  if (seed < 0) throw input_error("linear model: data_seed must be non-negative");
  s.data_seed = static_cast<std::uint64_t>(seed);
  return s;
}

class linear_regression final : public latent_model {
 public:
  linear_regression(const params& p, bool student_t) : student_t_(student_t) {
    resolved_ = p;
    const regression_data data = make_regression_data(spec_of(p));
    design_ = Eigen::Map<const row_matrix>(data.design.data(), data.rows, data.dim);
    y_ = Eigen::Map<const Eigen::VectorXd>(data.y.data(), data.rows);
    theta0_ = p.list("theta0");
    if (theta0_.size() != 2) throw input_error(name() + ": theta0 must have 2 entries (log noise variance, log prior precision)");
    for (double t : theta0_)
      if (!std::isfinite(t)) throw input_error(name() + ": theta0 must be finite");
    init_ = p.string("init");
    if (init_ != "posterior" && init_ != "zero")
      throw input_error(name() + ": init must be posterior or zero (got '" + init_ + "')");
    polynomial_ = p.string("design") == "polynomial";
    if (student_t_) {
      nu_ = p.number("nu");
      if (!(nu_ > 0.0) || !std::isfinite(nu_)) throw input_error(name() + ": nu must be positive");
      log_c_ = std::lgamma(0.5 * (nu_ + 1.0)) - std::lgamma(0.5 * nu_) - 0.5 * std::log(nu_ * M_PI);
    }
  }
  std::string name() const override { return student_t_ ? "linear_student_t" : "linear_gaussian"; }
  int latent_dim() const override { return static_cast<int>(design_.cols()); }
  int theta_dim() const override { return 2; }
  std::vector<std::string> theta_names() const override { return {"log_noise_variance", "log_prior_precision"}; }

  void evaluate(const double* theta, const double* x, std::size_t n, double* lj, double* gx,
                double* gth) const override {
    const long m = design_.rows(), d = design_.cols();
    const Eigen::Map<const row_matrix> W(x, n, d);
    const Eigen::MatrixXd R = y_.replicate(1, n) - design_ * W.transpose();  // m x n residuals
    const double var = std::exp(theta[0]), alpha = std::exp(theta[1]);
    const double prior_c = 0.5 * d * (theta[1] - std::log(2.0 * M_PI));
    Eigen::MatrixXd dR(m, n);  // d l / d r per residual
    for (std::size_t i = 0; i < n; ++i) {
      double l = prior_c, g1 = 0.0;
      if (!student_t_) {
        const double rr = R.col(i).squaredNorm();
        l += -0.5 * m * (std::log(2.0 * M_PI) + theta[0]) - 0.5 * rr / var;
        g1 = -0.5 * m + 0.5 * rr / var;
        dR.col(i) = R.col(i) / var;
      } else {
        l += m * (log_c_ - 0.5 * theta[0]);
        g1 = -0.5 * m;
        for (long r = 0; r < m; ++r) {
          const double e = R(r, i), q = nu_ * var + e * e;
          l -= 0.5 * (nu_ + 1.0) * std::log1p(e * e / (nu_ * var));
          g1 += 0.5 * (nu_ + 1.0) * e * e / q;
          dR(r, i) = (nu_ + 1.0) * e / q;
        }
      }
      const double ww = W.row(i).squaredNorm();
      l -= 0.5 * alpha * ww;
      if (lj) lj[i] = l;
      if (gth) {
        gth[2 * i] = g1;
        gth[2 * i + 1] = 0.5 * d - 0.5 * alpha * ww;
      }
    }
    if (gx) {
      Eigen::Map<row_matrix> G(gx, n, d);
      G.noalias() = dR.transpose() * design_;  // d l / d w = Phi^T dl/dr (r = y - Phi w)
      G -= alpha * W;
    }
  }
  bool neg_theta_hessian(const double* theta, const double* x, std::size_t n, double* out) const override {
    const long d = design_.cols(), m = design_.rows();
    const Eigen::Map<const row_matrix> W(x, n, d);
    const Eigen::MatrixXd R = y_.replicate(1, n) - design_ * W.transpose();
    const double var = std::exp(theta[0]), alpha = std::exp(theta[1]);
    double h11 = 0.0, h22 = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!student_t_) {
        h11 += 0.5 * R.col(i).squaredNorm() / var;
      } else {
        for (long r = 0; r < m; ++r) {
          const double e2 = R(r, i) * R(r, i), q = nu_ * var + e2;
          h11 += 0.5 * (nu_ + 1.0) * e2 * nu_ * var / (q * q);
        }
      }
      h22 += 0.5 * alpha * W.row(i).squaredNorm();
    }
    out[0] = h11 / double(n);
    out[1] = out[2] = 0.0;
    out[3] = h22 / double(n);
    return true;
  }
  bool m_step(const double* x, std::size_t n, double* theta) const override {
    if (student_t_) return false;
    const long d = design_.cols(), m = design_.rows();
    const Eigen::Map<const row_matrix> W(x, n, d);
    const Eigen::MatrixXd R = y_.replicate(1, n) - design_ * W.transpose();
    theta[0] = std::log(R.squaredNorm() / double(n * m));
    theta[1] = std::log(double(d) * double(n) / W.squaredNorm());
    return true;
  }
  std::vector<double> initial_theta() const override { return theta0_; }
  // The exact posterior of the Gaussian-noise model at theta: precision A = alpha I + Phi^T Phi / var.
  std::optional<gaussian_law> initial_law(const double* theta) const override {
    if (init_ != "posterior") return std::nullopt;
    const long d = design_.cols();
    const double var = std::exp(theta[0]), alpha = std::exp(theta[1]);
    const Eigen::MatrixXd A = alpha * Eigen::MatrixXd::Identity(d, d) + design_.transpose() * design_ / var;
    const Eigen::LLT<Eigen::MatrixXd> llt(A);
    const Eigen::VectorXd mean = llt.solve(design_.transpose() * y_ / var);
    const Eigen::MatrixXd cov = llt.solve(Eigen::MatrixXd::Identity(d, d));
    const Eigen::MatrixXd L = Eigen::LLT<Eigen::MatrixXd>(cov).matrixL();
    gaussian_law q;
    q.mean.assign(mean.data(), mean.data() + d);
    q.cholesky.resize(d * d);
    for (long a = 0; a < d; ++a)
      for (long b = 0; b < d; ++b) q.cholesky[a * d + b] = L(a, b);
    return q;
  }
  // log p(y) = l(theta, m) - log N(m; m, A^{-1}) at the posterior mean m.
  std::optional<double> log_marginal(const double* theta) const override {
    if (student_t_) return std::nullopt;
    const long d = design_.cols();
    const double var = std::exp(theta[0]), alpha = std::exp(theta[1]);
    const Eigen::MatrixXd A = alpha * Eigen::MatrixXd::Identity(d, d) + design_.transpose() * design_ / var;
    const Eigen::LLT<Eigen::MatrixXd> llt(A);
    const Eigen::VectorXd mean = llt.solve(design_.transpose() * y_ / var);
    double l = 0.0;
    evaluate(theta, mean.data(), 1, &l, nullptr, nullptr);
    double log_det = 0.0;
    for (long j = 0; j < d; ++j) log_det += 2.0 * std::log(llt.matrixL()(j, j));
    return l + 0.5 * d * std::log(2.0 * M_PI) - 0.5 * log_det;
  }
  model_run_defaults run_defaults(const std::string&) const override {
    // JALA-EM paper: App. C.4 (K = 250, N = 50, h = 5e-5); Table 1 (K = 200, N = 50, h = 1e-6). A
    // polynomial design of high order is stiff (the largest eigenvalue of Phi^T Phi grows like
    // rows x 2.5^(2 order)), and ULA needs h < 2 / L: the default is capped at 0.25 / L(theta_0),
    // L = lambda_max(Phi^T Phi) e^{-phi_1} + e^{phi_2}, leaving room for theta to move.
    model_run_defaults d = polynomial_ ? model_run_defaults{50, 200, 1e-6, 100} : model_run_defaults{50, 250, 5e-5, 125};
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(design_.transpose() * design_, Eigen::EigenvaluesOnly);
    const double lipschitz = eig.eigenvalues().maxCoeff() * std::exp(-theta0_[0]) + std::exp(theta0_[1]);
    d.step_size = std::min(d.step_size, 0.25 / lipschitz);
    return d;
  }

 private:
  bool student_t_, polynomial_ = false;
  double nu_ = 0.0, log_c_ = 0.0;
  row_matrix design_;
  Eigen::VectorXd y_;
  std::vector<double> theta0_;
  std::string init_;
};

std::vector<param_spec> linear_parameters(bool student_t) {
  std::vector<param_spec> p = {
      string_param("design", "gaussian", "design matrix: gaussian (rows x dim, N(0,1) entries) or polynomial "
                                         "(u^0..u^order, u ~ U[-2.5, 2.5])")
          .one_of({"gaussian", "polynomial"}),
      integer_param("rows", 500, "d_y, the number of observations"),
      integer_param("dim", 8, "d_x for the gaussian design"),
      integer_param("order", 2, "polynomial design: the model's order (d_x = order + 1)"),
      integer_param("true_order", 2, "polynomial design: the order generating the data"),
      string_param("truth_noise", "gaussian", "noise of the data: gaussian or student_t").one_of({"gaussian", "student_t"}),
      number_param("truth_nu", 4.0, "degrees of freedom of student_t data noise"),
      number_param("truth_noise_variance", 1.0, "sigma*^2, the data's noise (squared) scale"),
      number_param("truth_prior_precision", 1.0, "alpha*: the true weights are N(0, I / alpha*)"),
      integer_param("data_seed", 0, "seed of the design, weights and noise"),
      list_param("theta0", {1.0, 1.0}, "initial (log noise variance, log prior precision)"),
      string_param("init", "posterior", "initial particles: posterior (exact draws from the Gaussian-noise "
                                        "posterior at theta0; gives JALA-EM's log Z) or zero")
          .one_of({"posterior", "zero"})};
  if (student_t) p.push_back(number_param("nu", 4.0, "the model's Student-t degrees of freedom (fixed)"));
  return p;
}

}  // namespace

DMT_REGISTER_COMPONENTS(linear_regression_models) {
  r.add({.kind = component_kind::model,
         .name = "linear_gaussian",
         .summary = "linear regression, w ~ N(0, e^-phi2 I), Gaussian noise of variance e^phi1; log p_theta(y) exact "
                    "(JALA-EM paper, App. C.4 and Table 1)",
         .parameters = linear_parameters(false),
         .caps = {.log_normaliser = true},
         .listing_order = 30,
         .make_model = [](const params& p) -> std::unique_ptr<latent_model> {
           return std::make_unique<linear_regression>(p, false);
         }});
  r.add({.kind = component_kind::model,
         .name = "linear_student_t",
         .summary = "linear regression, w ~ N(0, e^-phi2 I), Student-t noise of scale e^(phi1/2), nu fixed "
                    "(JALA-EM paper, App. C.4)",
         .parameters = linear_parameters(true),
         .listing_order = 40,
         .make_model = [](const params& p) -> std::unique_ptr<latent_model> {
           return std::make_unique<linear_regression>(p, true);
         }});
}

}  // namespace dmt
