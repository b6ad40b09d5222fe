// Particle quasi-Newton (Kuntz, Lim & Johansen 2023, section 2.3; docs/mmle.md (3)): PGD with
// theta's gradient preconditioned by the inverse particle-averaged negative theta-Hessian,
//   theta_{k+1} = theta_k + h H_k^{-1} (1/N) sum_i grad_theta l(theta_k, X_k^i),
//   H_k = -(1/N) sum_i hess_theta l(theta_k, X_k^i).
#include <Eigen/Dense>

#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

class pqn final : public mmle_algorithm {
 public:
  std::string name() const override { return "pqn"; }
  void step(particle_cloud& c, const fit_context& ctx) override {
    const std::vector<double> g = mean_theta_gradient(c);
    Eigen::MatrixXd h(c.theta_dim, c.theta_dim);
    if (!ctx.model.neg_theta_hessian(c.theta.data(), c.x.data(), c.n, h.data()))
      throw input_error("pqn: model " + ctx.model.name() + " has no theta-Hessian (use pgd or jala_em)");
    Eigen::LLT<Eigen::MatrixXd> llt(h);
    if (llt.info() != Eigen::Success)
      throw input_error("pqn: the averaged negative theta-Hessian is not positive definite at step " +
                        std::to_string(ctx.step));
    const Eigen::VectorXd dir = llt.solve(Eigen::Map<const Eigen::VectorXd>(g.data(), c.theta_dim));
    langevin_move(c, ctx, static_cast<std::uint32_t>(ctx.step));
    for (int j = 0; j < c.theta_dim; ++j) c.theta[j] += ctx.step_size * dir[j];
    evaluate_cloud(ctx.model, c, ctx.exec);
  }
};

}  // namespace

DMT_REGISTER_COMPONENTS(mmle_pqn) {
  r.add({.kind = component_kind::algorithm,
         .name = "pqn",
         .summary = "particle quasi-Newton (Kuntz, Lim & Johansen 2023): PGD preconditioned by the inverse averaged "
                    "negative theta-Hessian",
         .caps = {.needs_hessian = true},
         .listing_order = 20,
         .make_algorithm = [](const params&) -> std::unique_ptr<mmle_algorithm> { return std::make_unique<pqn>(); }});
}

}  // namespace dmt
