// A latent-variable model p_theta(x, y) for maximum marginal likelihood estimation (docs/mmle.md):
// latent x (latent_dim), fixed data y (held by the model), parameters theta (theta_dim). The
// estimation algorithms (mmle/algorithms/) move particles by Langevin on
// l(theta, .) = log p_theta(., y) and theta along the particle-averaged theta-gradient; they see a
// model only through this interface. Double precision throughout: theta is the quantity reported.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "dmt/params.hpp"

namespace dmt {

// A normalised Gaussian law for the initial particles: N(mean, L L^T), L lower-triangular
// (latent_dim x latent_dim, row-major).
struct gaussian_law {
  std::vector<double> mean;
  std::vector<double> cholesky;
};

// Scores of held-out predictions from pooled particle clouds.
struct prediction_scores {
  double lppd = 0.0;                  // mean over test rows of log( mean over pooled particles p(y | x) )
  double error_pooled = 0.0;          // fraction misclassified by the pooled posterior predictive
  double error_per_particle = 0.0;    // misclassification averaged over the pooled particles
  std::size_t test_rows = 0;
};

// The run settings the model's reference experiment uses (ParEM / the JALA-EM paper); dmt fit's
// defaults for that model.
struct model_run_defaults {
  std::size_t particles = 100;
  long steps = 400;
  double step_size = 1e-2;
  long burn_in = 200;  // theta averages and predictions pool the steps from burn_in on
};

class latent_model {
 public:
  virtual ~latent_model() = default;
  virtual std::string name() const = 0;
  virtual int latent_dim() const = 0;
  virtual int theta_dim() const = 0;
  virtual std::vector<std::string> theta_names() const = 0;
  // The resolved parameters (every default filled in), echoed by dmt fit's metrics.
  const params& resolved() const { return resolved_; }

  // For n particles x (n x latent_dim, row-major): log p_theta(x_i, y) (n), grad_x (n x latent_dim)
  // and grad_theta (n x theta_dim). Null outputs are skipped. Each particle's values depend only
  // on that particle (callers split the cloud across threads).
  virtual void evaluate(const double* theta, const double* x, std::size_t n, double* log_joint, double* grad_x,
                        double* grad_theta) const = 0;
  // The particle-averaged negative theta-Hessian (theta_dim x theta_dim), for PQN; false when the
  // model has none.
  virtual bool neg_theta_hessian(const double* theta, const double* x, std::size_t n, double* out) const;
  // theta = argmax (1/n) sum_i l(theta, x_i) in closed form, for PMGD; false when there is none
  // (PMGD then takes inner gradient steps).
  virtual bool m_step(const double* x, std::size_t n, double* theta) const;

  // Initial parameters and particles (from the model's parameters theta0 / init).
  virtual std::vector<double> initial_theta() const = 0;
  // A normalised Gaussian law for the initial particles, or none: every particle starts at
  // initial_point().
  virtual std::optional<gaussian_law> initial_law(const double* theta) const;
  virtual std::vector<double> initial_point() const;  // default: zeros

  // log p_theta(y) in closed form, where the model has it (tests, JALA-EM's log Z check).
  virtual std::optional<double> log_marginal(const double* theta) const;
  // The exact maximiser of log p_theta(y), where known.
  virtual std::optional<std::vector<double>> theta_mle() const;

  // Held-out predictions: `accumulate` adds a cloud of n particles to acc (sized by the model on
  // first use), `score` turns acc after `pooled` particles into scores. Models without a test
  // split return false / nullopt.
  virtual bool accumulate_predictions(const double* x, std::size_t n, std::vector<double>& acc) const;
  virtual std::optional<prediction_scores> score_predictions(const std::vector<double>& acc, double pooled) const;

  // The reference experiment's run settings for an algorithm (dmt fit's defaults).
  virtual model_run_defaults run_defaults(const std::string& algorithm) const;

 protected:
  params resolved_;
};

}  // namespace dmt
