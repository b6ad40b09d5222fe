#include "dmt/diffusion/evaluation_warnings.hpp"

#include <cmath>
#include <cstdio>

namespace dmt {

std::vector<std::string> evaluation_warnings(const evaluation& ev) {
  std::vector<std::string> w;
  char b[320];
  if (std::isfinite(ev.ess_fraction) && ev.ess_fraction < 0.01) {
    std::snprintf(b, sizeof b,
                  "ESS/K of the evaluation's importance weights is %.2g < 0.01: log Z_RW and weighted statistics rest "
                  "on a handful of samples",
                  ev.ess_fraction);
    w.emplace_back(b);
  }
  if (!std::isfinite(ev.log_z_rw) || !std::isfinite(ev.elbo)) {
    w.emplace_back("log Z_RW or the ELBO is not finite: the model's samples or their weights broke down");
  } else if (ev.log_z_rw - ev.elbo > 1.0) {
    std::snprintf(b, sizeof b,
                  "log Z_RW - ELBO = %.3g > 1 nat: the model's path measure is far from the target's (the gap "
                  "estimates their KL divergence); log Z_RW is an importance estimate with heavy weights",
                  ev.log_z_rw - ev.elbo);
    w.emplace_back(b);
  }
  if (std::isfinite(ev.eubo) && std::isfinite(ev.elbo) && ev.eubo - ev.elbo > 2.0) {
    std::snprintf(b, sizeof b,
                  "EUBO - ELBO = %.3g > 2 nats: the bounds leave log Z uncertain by more than a nat either side "
                  "(a sampler that misses modes has a large EUBO)",
                  ev.eubo - ev.elbo);
    w.emplace_back(b);
  }
  return w;
}

}  // namespace dmt
