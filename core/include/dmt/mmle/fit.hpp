// Maximum marginal likelihood estimation by interacting particles: the driver behind `dmt fit`,
// the wasm module's fit() and the tests. It initialises theta and the particles from the model,
// runs an algorithm for `steps` iterations, records theta_k (and log Z_k for JALA-EM), pools the
// particle clouds from burn_in on into the model's held-out predictions, and checks every step for
// divergence. Same numbers for any thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/params.hpp"

namespace dmt {

struct fit_settings {
  std::size_t particles = 0;  // N
  long steps = 0;             // K
  double step_size = 0.0;     // h
  long burn_in = 0;           // theta's average and the predictions use steps burn_in..K
  std::uint64_t seed = 1;
  // ParEM's warm start: first `warm_start` steps of single-particle PMGD from the model's start, then
  // theta_0 and every particle start where it ended (0: off). Burns off long transients; JALA-EM
  // then has no normalised start, hence no log Z.
  long warm_start = 0;
  // The warm start's seed: repeats share one warm start, as in ParEM's table (absent: seed).
  std::optional<std::uint64_t> warm_start_seed{};
};

struct fit_result {
  int theta_dim = 0, latent_dim = 0;
  std::vector<double> theta_path;   // (K + 1) x theta_dim: theta_0 .. theta_K
  std::vector<double> theta_mean;   // mean of theta_k over k = burn_in..K
  std::vector<double> particles;    // final cloud, N x latent_dim
  std::vector<double> log_z_path;   // JALA-EM: log Z estimate after each step (K + 1), else empty
  std::vector<double> ess_path;     // JALA-EM: ESS after each step
  long resamplings = 0;
  std::optional<prediction_scores> predictions;  // models with a test split
  std::optional<double> log_z() const {
    return log_z_path.empty() ? std::nullopt : std::optional<double>(log_z_path.back());
  }
};

// The model and algorithm by registry name (input_error for unknown names and bad parameters).
std::unique_ptr<latent_model> make_latent_model(const std::string& name, const params& given);
std::unique_ptr<mmle_algorithm> make_mmle_algorithm(const std::string& name, const params& given);

// Settings with the model's defaults for the algorithm where `given` leaves them out (<= 0 /
// negative burn-in means "not given"); throws input_error for impossible values.
fit_settings complete_fit_settings(const latent_model& model, const std::string& algorithm, fit_settings given,
                                   bool particles_given, bool steps_given, bool step_size_given, bool burn_in_given);

fit_result fit(const latent_model& model, mmle_algorithm& algorithm, const fit_settings& settings,
               const executor& exec = serial_executor(), const std::function<void(long)>& progress = {});

// The same run, advanced a few steps at a time (the wasm module's Fitter, the demo's Fit panel):
// fit() is a fit_session run to the end. The model and algorithm must outlive it.
class fit_session {
 public:
  // Initialises theta and the particles (after the warm start, if any) and evaluates them.
  fit_session(const latent_model& model, mmle_algorithm& algorithm, const fit_settings& settings,
              const executor& exec = serial_executor());
  // Up to `steps` more iterations (never beyond settings.steps); returns the steps taken.
  long advance(long steps, const executor& exec = serial_executor(), const std::function<void(long)>& progress = {});
  long step() const { return step_; }
  bool done() const { return step_ >= settings_.steps; }
  const particle_cloud& cloud() const { return cloud_; }
  const std::vector<double>& theta_path() const { return result_.theta_path; }
  const std::vector<double>& log_z_path() const { return result_.log_z_path; }
  // The result so far (theta averaged over the recorded steps from burn-in, predictions pooled so far).
  fit_result result() const;

 private:
  void record();
  const latent_model& model_;
  mmle_algorithm& algorithm_;
  fit_settings settings_;
  particle_cloud cloud_;
  fit_result result_;
  std::vector<double> acc_, theta_sum_;
  double pooled_ = 0.0;
  long step_ = 0, recorded_after_burn_in_ = 0;
  bool predicting_ = false;
};

}  // namespace dmt
