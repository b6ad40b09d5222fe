// The interacting particle Langevin algorithm (Akyildiz, Crucinio, Girolami, Johnston & Sabanis
// 2023; docs/mmle.md (5)): PGD with theta-noise, so that theta_k samples a law concentrating on
// the maximiser as N grows:
//   theta_{k+1} = theta_k + h (1/N) sum_i grad_theta l(theta_k, X_k^i) + sqrt(2h / N) xi_theta.
#include <cmath>

#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

class ipla final : public mmle_algorithm {
 public:
  std::string name() const override { return "ipla"; }
  void step(particle_cloud& c, const fit_context& ctx) override {
    const std::vector<double> g = mean_theta_gradient(c);
    const auto k = static_cast<std::uint32_t>(ctx.step);
    langevin_move(c, ctx, k);
    const double noise = std::sqrt(2.0 * ctx.step_size / double(c.n));
    for (int j = 0; j < c.theta_dim; ++j)
      c.theta[j] += ctx.step_size * g[j] + noise * keyed_normal(ctx.seed, static_cast<std::uint32_t>(j), k, kMmleThetaNoise);
    evaluate_cloud(ctx.model, c, ctx.exec);
  }
};

}  // namespace

DMT_REGISTER_COMPONENTS(mmle_ipla) {
  r.add({.kind = component_kind::algorithm,
         .name = "ipla",
         .summary = "interacting particle Langevin algorithm (Akyildiz et al. 2023): PGD plus theta-noise sqrt(2h/N)",
         .listing_order = 40,
         .make_algorithm = [](const params&) -> std::unique_ptr<mmle_algorithm> { return std::make_unique<ipla>(); }});
}

}  // namespace dmt
