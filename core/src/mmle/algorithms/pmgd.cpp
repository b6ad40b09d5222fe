// Particle marginal gradient descent (Kuntz, Lim & Johansen 2023, section 2.3; docs/mmle.md (4)):
// the particles move at theta_k, then theta maximises the particle average,
//   X_{k+1}^i = X_k^i + h grad_x l(theta_k, X_k^i) + sqrt(2h) xi,
//   theta_{k+1} = argmax_theta (1/N) sum_i l(theta, X_{k+1}^i)
// in closed form where the model has one (an EM M-step on the particle cloud), else by
// inner_steps gradient steps of size inner_step_size x h from theta_k.
#include <cmath>

#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

class pmgd final : public mmle_algorithm {
 public:
  pmgd(long inner_steps, double inner_scale) : inner_steps_(inner_steps), inner_scale_(inner_scale) {}
  std::string name() const override { return "pmgd"; }
  void step(particle_cloud& c, const fit_context& ctx) override {
    langevin_move(c, ctx, static_cast<std::uint32_t>(ctx.step));
    if (!ctx.model.m_step(c.x.data(), c.n, c.theta.data())) {
      for (long s = 0; s < inner_steps_; ++s) {
        evaluate_cloud(ctx.model, c, ctx.exec);
        const std::vector<double> g = mean_theta_gradient(c);
        for (int j = 0; j < c.theta_dim; ++j) c.theta[j] += inner_scale_ * ctx.step_size * g[j];
      }
    }
    evaluate_cloud(ctx.model, c, ctx.exec);
  }

 private:
  long inner_steps_;
  double inner_scale_;
};

}  // namespace

DMT_REGISTER_COMPONENTS(mmle_pmgd) {
  r.add({.kind = component_kind::algorithm,
         .name = "pmgd",
         .summary = "particle marginal gradient descent (Kuntz, Lim & Johansen 2023): particles at theta_k, then "
                    "theta = argmax of the particle-averaged log density (closed form where the model has one)",
         .parameters = {integer_param("inner_steps", 10, "gradient steps on theta per iteration when the model has "
                                                          "no closed-form maximiser (>= 1)"),
                        number_param("inner_step_size", 1.0, "their step, in units of h (> 0)")},
         .listing_order = 30,
         .make_algorithm = [](const params& p) -> std::unique_ptr<mmle_algorithm> {
           const long n = p.integer("inner_steps");
           const double s = p.number("inner_step_size");
           if (n < 1 || n > 100000) throw input_error("pmgd: inner_steps must be in [1, 100000]");
           if (!(s > 0.0) || !std::isfinite(s)) throw input_error("pmgd: inner_step_size must be positive");
           return std::make_unique<pmgd>(n, s);
         }});
}

}  // namespace dmt
