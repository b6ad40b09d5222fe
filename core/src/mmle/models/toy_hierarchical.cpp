#include "dmt/mmle/models/toy_hierarchical.hpp"

#include <cmath>

#include "dmt/mmle/latent_model.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

std::vector<double> toy_hierarchical_data(int dim, double theta_true, std::uint64_t data_seed) {
  std::vector<double> y(dim);
  const philox_key key = make_philox_key(data_seed);
  for (int d = 0; d < dim; ++d) {
    philox_stream rng(key, static_cast<std::uint32_t>(d), 0x746f7931);  // "toy1"
    y[d] = theta_true + std::sqrt(2.0) * rng.normal();
  }
  return y;
}

namespace {

class toy_hierarchical final : public latent_model {
 public:
  toy_hierarchical(const params& p) {
    resolved_ = p;
    const long dim = p.integer("dim");
    if (dim < 1 || dim > 100000) throw input_error("toy_hierarchical: dim must be in [1, 100000]");
    y_ = toy_hierarchical_data(static_cast<int>(dim), p.number("theta_true"),
                               static_cast<std::uint64_t>(p.integer("data_seed")));
    theta0_ = p.number("theta0");
    if (!std::isfinite(theta0_) || !std::isfinite(p.number("theta_true")))
      throw input_error("toy_hierarchical: theta0 and theta_true must be finite");
    init_ = p.string("init");
    if (init_ != "zero" && init_ != "posterior")
      throw input_error("toy_hierarchical: init must be zero or posterior (got '" + init_ + "')");
  }
  std::string name() const override { return "toy_hierarchical"; }
  int latent_dim() const override { return static_cast<int>(y_.size()); }
  int theta_dim() const override { return 1; }
  std::vector<std::string> theta_names() const override { return {"theta"}; }

  void evaluate(const double* theta, const double* x, std::size_t n, double* lj, double* gx,
                double* gth) const override {
    const int D = latent_dim();
    const double t = theta[0], c = -double(D) * std::log(2.0 * M_PI);
    for (std::size_t i = 0; i < n; ++i) {
      const double* xi = x + i * D;
      double l = c, g = 0.0;
      for (int d = 0; d < D; ++d) {
        l -= 0.5 * ((y_[d] - xi[d]) * (y_[d] - xi[d]) + (xi[d] - t) * (xi[d] - t));
        g += xi[d] - t;
        if (gx) gx[i * D + d] = y_[d] + t - 2.0 * xi[d];
      }
      if (lj) lj[i] = l;
      if (gth) gth[i] = g;
    }
  }
  bool neg_theta_hessian(const double*, const double*, std::size_t, double* out) const override {
    out[0] = double(latent_dim());
    return true;
  }
  bool m_step(const double* x, std::size_t n, double* theta) const override {
    double s = 0.0;
    for (std::size_t k = 0; k < n * y_.size(); ++k) s += x[k];
    theta[0] = s / double(n * y_.size());
    return true;
  }
  std::vector<double> initial_theta() const override { return {theta0_}; }
  std::optional<gaussian_law> initial_law(const double* theta) const override {
    if (init_ != "posterior") return std::nullopt;
    const int D = latent_dim();
    gaussian_law q;
    q.mean.resize(D);
    q.cholesky.assign(static_cast<std::size_t>(D) * D, 0.0);
    for (int d = 0; d < D; ++d) {
      q.mean[d] = 0.5 * (y_[d] + theta[0]);
      q.cholesky[d * D + d] = std::sqrt(0.5);
    }
    return q;
  }
  std::optional<double> log_marginal(const double* theta) const override {
    double l = 0.0;
    for (double y : y_) l += -0.5 * std::log(4.0 * M_PI) - (y - theta[0]) * (y - theta[0]) / 4.0;
    return l;
  }
  std::optional<std::vector<double>> theta_mle() const override {
    double s = 0.0;
    for (double y : y_) s += y;
    return std::vector<double>{s / double(y_.size())};
  }
  model_run_defaults run_defaults(const std::string& algorithm) const override {
    // ParEM's toy_hierarchical_model notebook: N = 10, K = 300, h = 2 / (2 + D) (PGD), 2/3 (PQN),
    // 1 (PMGD); its time averages start at 150 (PGD), 15 (PQN), 5 (PMGD).
    model_run_defaults d{10, 300, 2.0 / (2.0 + double(y_.size())), 150};
    if (algorithm == "pqn") d.step_size = 2.0 / 3.0, d.burn_in = 15;
    if (algorithm == "pmgd") d.step_size = 1.0, d.burn_in = 5;
    return d;
  }

 private:
  std::vector<double> y_;
  double theta0_;
  std::string init_;
};

}  // namespace

DMT_REGISTER_COMPONENTS(toy_hierarchical_model) {
  r.add({.kind = component_kind::model,
         .name = "toy_hierarchical",
         .summary = "y_d = x_d + N(0,1), x_d ~ N(theta, 1) (Kuntz, Lim & Johansen 2023, Example 1); theta_MLE = mean(y) "
                    "and log p_theta(y) exact",
         .parameters = {integer_param("dim", 100, "D, the number of observations and latent coordinates"),
                        number_param("theta_true", 1.0, "theta generating the data"),
                        integer_param("data_seed", 0, "seed of the data (y = theta_true + sqrt(2) z)"),
                        number_param("theta0", 0.0, "initial theta"),
                        string_param("init", "zero", "initial particles: zero (ParEM's X_0 = 0) or posterior "
                                                     "(exact draws from p_theta0(x | y))")
                            .one_of({"zero", "posterior"})},
         .caps = {.log_normaliser = true},
         .listing_order = 10,
         .make_model = [](const params& p) -> std::unique_ptr<latent_model> {
           return std::make_unique<toy_hierarchical>(p);
         }});
}

}  // namespace dmt
