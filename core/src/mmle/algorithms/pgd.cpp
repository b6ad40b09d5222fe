// Particle gradient descent (Kuntz, Lim & Johansen 2023, eq. (PGD); docs/mmle.md (2)): theta and
// the particles move together from (theta_k, X_k):
//   theta_{k+1} = theta_k + s h (1/N) sum_i grad_theta l(theta_k, X_k^i),
//   X_{k+1}^i  = X_k^i + h grad_x l(theta_k, X_k^i) + sqrt(2h) xi.
#include <cmath>

#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

class pgd final : public mmle_algorithm {
 public:
  explicit pgd(double theta_step_scale) : scale_(theta_step_scale) {}
  std::string name() const override { return "pgd"; }
  void step(particle_cloud& c, const fit_context& ctx) override {
    const std::vector<double> g = mean_theta_gradient(c);
    langevin_move(c, ctx, static_cast<std::uint32_t>(ctx.step));
    for (int j = 0; j < c.theta_dim; ++j) c.theta[j] += scale_ * ctx.step_size * g[j];
    evaluate_cloud(ctx.model, c, ctx.exec);
  }

 private:
  double scale_;
};

}  // namespace

DMT_REGISTER_COMPONENTS(mmle_pgd) {
  r.add({.kind = component_kind::algorithm,
         .name = "pgd",
         .summary = "particle gradient descent (Kuntz, Lim & Johansen 2023): Langevin particles, theta along the "
                    "particle-averaged gradient",
         .parameters = {number_param("theta_step_scale", 1.0, "theta's step is theta_step_scale x h (> 0)")},
         .listing_order = 10,
         .make_algorithm = [](const params& p) -> std::unique_ptr<mmle_algorithm> {
           const double s = p.number("theta_step_scale");
           if (!(s > 0.0) || !std::isfinite(s)) throw input_error("pgd: theta_step_scale must be positive");
           return std::make_unique<pgd>(s);
         }});
}

}  // namespace dmt
