// SOUL, stochastic optimisation via unadjusted Langevin (De Bortoli, Durmus, Pereyra & Vidal 2021;
// the baseline of Kuntz, Lim & Johansen 2023; docs/mmle.md (7)): one ULA chain takes N sequential
// steps at theta_k, and theta moves along the gradient averaged over those N states,
//   X_{k,j+1} = X_{k,j} + h grad_x l(theta_k, X_{k,j}) + sqrt(2h) xi,  j = 0..N-1 (X_{k,0} = X_{k-1,N}),
//   theta_{k+1} = theta_k + h (1/N) sum_j grad_theta l(theta_k, X_{k,j+1}).
// The "cloud" is the sweep's N chain states (pooled for predictions as the particle methods' clouds).
#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

class soul final : public mmle_algorithm {
 public:
  std::string name() const override { return "soul"; }
  void step(particle_cloud& c, const fit_context& ctx) override {
    const int d = c.latent_dim, p = c.theta_dim;
    particle_cloud one;
    one.n = 1;
    one.latent_dim = d;
    one.theta_dim = p;
    one.with_log_joint = c.with_log_joint;
    one.theta = c.theta;
    const std::size_t last = c.n - 1;
    one.x.assign(c.x.begin() + last * d, c.x.begin() + (last + 1) * d);
    one.grad_x.assign(c.grad_x.begin() + last * d, c.grad_x.begin() + (last + 1) * d);
    std::vector<double> g(p, 0.0);
    for (std::size_t j = 0; j < c.n; ++j) {
      langevin_move(one, ctx, static_cast<std::uint32_t>(ctx.step * static_cast<long>(c.n) + static_cast<long>(j)));
      evaluate_cloud(ctx.model, one, serial_executor());
      std::copy(one.x.begin(), one.x.end(), c.x.begin() + j * d);
      for (int a = 0; a < p; ++a) g[a] += one.grad_theta[a] / double(c.n);
    }
    for (int a = 0; a < p; ++a) c.theta[a] += ctx.step_size * g[a];
    evaluate_cloud(ctx.model, c, ctx.exec);
  }
};

}  // namespace

DMT_REGISTER_COMPONENTS(mmle_soul) {
  r.add({.kind = component_kind::algorithm,
         .name = "soul",
         .summary = "SOUL (De Bortoli et al. 2021), the single-chain baseline: N sequential ULA steps per theta update",
         .listing_order = 50,
         .make_algorithm = [](const params&) -> std::unique_ptr<mmle_algorithm> { return std::make_unique<soul>(); }});
}

}  // namespace dmt
