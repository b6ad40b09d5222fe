#include "dmt/mmle/fit.hpp"

#include <cmath>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

std::unique_ptr<latent_model> make_latent_model(const std::string& name, const params& given) {
  const component_spec& spec = registry::global().get(component_kind::model, name);
  const params resolved = resolve_params(spec, given);
  auto m = spec.make_model(resolved);
  resolved.reject_unused(spec.owner());
  return m;
}

std::unique_ptr<mmle_algorithm> make_mmle_algorithm(const std::string& name, const params& given) {
  const component_spec& spec = registry::global().get(component_kind::algorithm, name);
  const params resolved = resolve_params(spec, given);
  auto a = spec.make_algorithm(resolved);
  resolved.reject_unused(spec.owner());
  return a;
}

fit_settings complete_fit_settings(const latent_model& model, const std::string& algorithm, fit_settings s,
                                   bool particles_given, bool steps_given, bool step_size_given, bool burn_in_given) {
  const model_run_defaults d = model.run_defaults(algorithm);
  if (!particles_given) s.particles = d.particles;
  if (!steps_given) s.steps = d.steps;
  if (!step_size_given) s.step_size = d.step_size;
  if (!burn_in_given) s.burn_in = std::min(d.burn_in, s.steps);
  if (s.particles < 1 || s.particles > 100000000) throw input_error("fit: particles must be in [1, 1e8]");
  if (s.steps < 1) throw input_error("fit: steps must be at least 1");
  if (!(s.step_size > 0.0) || !std::isfinite(s.step_size)) throw input_error("fit: step size must be positive and finite");
  if (s.burn_in < 0 || s.burn_in > s.steps) throw input_error("fit: burn-in must be in [0, steps]");
  return s;
}

fit_result fit(const latent_model& model, mmle_algorithm& algorithm, const fit_settings& s, const executor& exec,
               const std::function<void(long)>& progress) {
  if (s.particles < 1 || s.steps < 1 || !(s.step_size > 0.0) || s.burn_in < 0 || s.burn_in > s.steps)
    throw input_error("fit: settings not completed (particles, steps, step size, burn-in)");
  particle_cloud c;
  c.n = s.particles;
  c.latent_dim = model.latent_dim();
  c.theta_dim = model.theta_dim();
  c.theta = model.initial_theta();
  for (double t : c.theta)
    if (!std::isfinite(t)) throw input_error(model.name() + ": the initial theta is not finite");
  const int d = c.latent_dim;
  c.x.resize(c.n * d);
  std::vector<double> log_q;
  if (auto law = model.initial_law(c.theta.data())) {
    // X_0^i = mean + L z_i, z_i keyed by (seed, i); log q(X_0^i) for JALA-EM's initial weights.
    double log_det = 0.0;
    for (int j = 0; j < d; ++j) log_det += std::log(law->cholesky[j * d + j]);
    log_q.resize(c.n);
    const philox_key key = make_philox_key(s.seed);
    std::vector<double> z(d);
    for (std::size_t i = 0; i < c.n; ++i) {
      philox_stream rng(key, static_cast<std::uint32_t>(i), kMmleInitial);
      double z2 = 0.0;
      for (int j = 0; j < d; ++j) {
        z[j] = rng.normal();
        z2 += z[j] * z[j];
      }
      for (int a = 0; a < d; ++a) {
        double v = law->mean[a];
        for (int b = 0; b <= a; ++b) v += law->cholesky[a * d + b] * z[b];
        c.x[i * d + a] = v;
      }
      log_q[i] = -0.5 * d * std::log(2.0 * M_PI) - log_det - 0.5 * z2;
    }
  } else {
    const std::vector<double> x0 = model.initial_point();
    for (std::size_t i = 0; i < c.n; ++i) std::copy(x0.begin(), x0.end(), c.x.begin() + i * d);
  }
  c.with_log_joint = algorithm.needs_log_joint();
  fit_context ctx{model, s.step_size, s.seed, exec, 0};
  evaluate_cloud(model, c, exec);
  check_cloud_finite(c, 0, algorithm.name());
  algorithm.start(c, ctx, log_q);

  fit_result r;
  r.theta_dim = c.theta_dim;
  r.latent_dim = d;
  r.theta_path.reserve((s.steps + 1) * c.theta_dim);
  r.theta_mean.assign(c.theta_dim, 0.0);
  std::vector<double> acc;
  bool predicting = false;
  double pooled = 0.0;
  const auto record = [&](long k) {
    r.theta_path.insert(r.theta_path.end(), c.theta.begin(), c.theta.end());
    if (auto lz = algorithm.log_marginal_estimate()) {
      r.log_z_path.push_back(*lz);
      r.ess_path.push_back(algorithm.ess());
    }
    if (k >= s.burn_in) {
      for (int j = 0; j < c.theta_dim; ++j) r.theta_mean[j] += c.theta[j] / double(s.steps - s.burn_in + 1);
      predicting = model.accumulate_predictions(c.x.data(), c.n, acc);
      pooled += double(c.n);
    }
  };
  record(0);
  for (long k = 0; k < s.steps; ++k) {
    ctx.step = k;
    algorithm.step(c, ctx);
    check_cloud_finite(c, k + 1, algorithm.name());
    record(k + 1);
    if (progress) progress(k + 1);
  }
  r.particles = c.x;
  r.resamplings = algorithm.resamplings();
  if (predicting) r.predictions = model.score_predictions(acc, pooled);
  return r;
}

}  // namespace dmt
