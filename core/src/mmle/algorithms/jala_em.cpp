// JALA-EM (Cuin, Carbone & Akyildiz 2025, arXiv 2505.18427, Algorithm 1; docs/mmle.md (8)):
// weighted ULA particles on U_k = -l(theta_k, .) with Jarzynski log-weights A_i, theta by Adam on
// the weighted gradient g_k = sum_i w_i grad_theta U(theta_k, X_k^i), w = softmax(A):
//   X_{k+1}^i = X_k^i - h grad U_k(X_k^i) + sqrt(2h) xi,   theta_{k+1} = Adam(theta_k, g_k),
//   A_{k+1} = A_k - alpha_{k+1}(X_{k+1}, X_k) + alpha_k(X_k, X_{k+1}),
//   alpha_k(x, y) = U_k(x) + <y - x, grad U_k(x)> / 2 + (h/4) |grad U_k(x)|^2.
// Systematic resampling (weights reset) when ESS < threshold x N. With particles started from a
// normalised law q, A_0 = l(theta_0, X_0) - log q(X_0), and
//   log Z_k = (log mean e^A at each past reset) + log mean e^{A_k}
// estimates log p_{theta_k}(y) (Jarzynski's equality), the quantity `dmt select` ranks models by.
#include <cmath>

#include "dmt/log_sum_exp.hpp"
#include "dmt/mmle/langevin_update.hpp"
#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/nn/adam_update.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

class jala_em final : public mmle_algorithm {
 public:
  jala_em(double lr, double threshold) : lr_(lr), threshold_(threshold) {}
  std::string name() const override { return "jala_em"; }

  void start(particle_cloud& c, const fit_context&, const std::vector<double>& log_q) override {
    has_z_ = !log_q.empty();
    log_a_.assign(c.n, 0.0);
    if (has_z_)
      for (std::size_t i = 0; i < c.n; ++i) log_a_[i] = c.log_joint[i] - log_q[i];
    m_.assign(c.theta_dim, 0.0);
    v_.assign(c.theta_dim, 0.0);
    log_z_reset_ = 0.0;
    normalise();
  }

  void step(particle_cloud& c, const fit_context& ctx) override {
    const int d = c.latent_dim;
    // g_k = sum_i w_i grad_theta U = -(weighted mean of grad_theta l)
    std::vector<double> g = mean_theta_gradient(c, &w_);
    x_old_ = c.x;
    lj_old_ = c.log_joint;
    gx_old_ = c.grad_x;
    langevin_move(c, ctx, static_cast<std::uint32_t>(ctx.step));
    // Adam with PyTorch's arithmetic (nn/adam_update.hpp), minimising U
    ++t_;
    adam_coefficients<double> a;
    a.lr = lr_;
    a.step_size = lr_ / (1.0 - std::pow(a.beta1, double(t_)));
    a.sqrt_bc2 = std::sqrt(1.0 - std::pow(a.beta2, double(t_)));
    for (int j = 0; j < c.theta_dim; ++j) adam_update<double>(a, -g[j], c.theta[j], m_[j], v_[j]);
    evaluate_cloud(ctx.model, c, ctx.exec);
    for (std::size_t i = 0; i < c.n; ++i) {
      const double* xo = x_old_.data() + i * d;
      const double* xn = c.x.data() + i * d;
      log_a_[i] += -jala_alpha(c.log_joint[i], c.grad_x.data() + i * d, xn, xo, d, ctx.step_size) +
                   jala_alpha(lj_old_[i], gx_old_.data() + i * d, xo, xn, d, ctx.step_size);
    }
    normalise();
    if (ess_ < threshold_ * double(c.n)) resample(c, ctx);
  }

  const std::vector<double>* weights() const override { return &w_; }
  bool needs_log_joint() const override { return true; }
  std::optional<double> log_marginal_estimate() const override {
    if (!has_z_) return std::nullopt;
    return log_z_reset_ + log_mean_a_;
  }
  double ess() const override { return ess_; }
  long resamplings() const override { return resamplings_; }

 private:
  void normalise() {
    const double lse = log_sum_exp(log_a_);
    log_mean_a_ = lse - std::log(double(log_a_.size()));
    w_.resize(log_a_.size());
    double s2 = 0.0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      w_[i] = std::exp(log_a_[i] - lse);
      s2 += w_[i] * w_[i];
    }
    ess_ = 1.0 / s2;
  }

  void resample(particle_cloud& c, const fit_context& ctx) {
    log_z_reset_ += log_mean_a_;
    philox_stream rng(make_philox_key(ctx.seed), 0, kMmleResample, static_cast<std::uint32_t>(ctx.step));
    const double u0 = rng.uniform() / double(c.n);
    std::vector<std::size_t> anc(c.n);
    double cum = w_[0];
    std::size_t i = 0;
    for (std::size_t k = 0; k < c.n; ++k) {
      const double u = u0 + double(k) / double(c.n);
      while (i + 1 < c.n && cum < u) cum += w_[++i];
      anc[k] = i;
    }
    const auto gather = [&](std::vector<double>& v, int width) {
      std::vector<double> out(v.size());
      for (std::size_t k = 0; k < c.n; ++k)
        std::copy(v.begin() + anc[k] * width, v.begin() + (anc[k] + 1) * width, out.begin() + k * width);
      v.swap(out);
    };
    gather(c.x, c.latent_dim);
    gather(c.grad_x, c.latent_dim);
    gather(c.grad_theta, c.theta_dim);
    gather(c.log_joint, 1);
    log_a_.assign(c.n, 0.0);
    normalise();
    ++resamplings_;
  }

  double lr_, threshold_;
  bool has_z_ = false;
  long t_ = 0, resamplings_ = 0;
  std::vector<double> log_a_, w_, m_, v_, x_old_, lj_old_, gx_old_;
  double log_z_reset_ = 0.0, log_mean_a_ = 0.0, ess_ = 0.0;
};

}  // namespace

DMT_REGISTER_COMPONENTS(mmle_jala_em) {
  r.add({.kind = component_kind::algorithm,
         .name = "jala_em",
         .summary = "JALA-EM (Cuin, Carbone & Akyildiz 2025): Jarzynski-weighted ULA particles, theta by Adam; a "
                    "running log marginal-likelihood estimate for model selection",
         .parameters = {number_param("learning_rate", 5e-3, "Adam's learning rate for theta (> 0)"),
                        number_param("resample_threshold", 0.5,
                                     "systematic resampling when ESS < threshold x N, in [0, 1] (0: never)")},
         .caps = {.weighted = true},
         .listing_order = 60,
         .make_algorithm = [](const params& p) -> std::unique_ptr<mmle_algorithm> {
           const double lr = p.number("learning_rate"), c = p.number("resample_threshold");
           if (!(lr > 0.0) || !std::isfinite(lr)) throw input_error("jala_em: learning_rate must be positive");
           if (!(c >= 0.0 && c <= 1.0)) throw input_error("jala_em: resample_threshold must be in [0, 1]");
           return std::make_unique<jala_em>(lr, c);
         }});
}

}  // namespace dmt
