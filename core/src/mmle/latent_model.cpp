#include "dmt/mmle/latent_model.hpp"

namespace dmt {

bool latent_model::neg_theta_hessian(const double*, const double*, std::size_t, double*) const { return false; }
bool latent_model::m_step(const double*, std::size_t, double*) const { return false; }
std::optional<gaussian_law> latent_model::initial_law(const double*) const { return std::nullopt; }
std::vector<double> latent_model::initial_point() const { return std::vector<double>(latent_dim(), 0.0); }
std::optional<double> latent_model::log_marginal(const double*) const { return std::nullopt; }
std::optional<std::vector<double>> latent_model::theta_mle() const { return std::nullopt; }
bool latent_model::accumulate_predictions(const double*, std::size_t, std::vector<double>&) const { return false; }
std::optional<prediction_scores> latent_model::score_predictions(const std::vector<double>&, double) const {
  return std::nullopt;
}
model_run_defaults latent_model::run_defaults(const std::string&) const { return {}; }

}  // namespace dmt
