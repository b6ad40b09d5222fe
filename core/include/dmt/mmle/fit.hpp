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

}  // namespace dmt
