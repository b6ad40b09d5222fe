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

namespace {

// theta_0 and the particles: after the warm start (single-particle PMGD) when asked for, else from
// the model (its Gaussian start law, with log q for JALA-EM's weights, or its start point).
void initialise(const latent_model& model, const fit_settings& s, const executor& exec, particle_cloud& c,
                std::vector<double>& log_q) {
  c.latent_dim = model.latent_dim();
  c.theta_dim = model.theta_dim();
  const int d = c.latent_dim;
  c.x.resize(c.n * d);
  if (s.warm_start > 0) {
    const auto pmgd = make_mmle_algorithm("pmgd", {});
    const fit_settings w{1, s.warm_start, s.step_size, s.warm_start, s.warm_start_seed.value_or(s.seed) ^ 0x5741524d53544152ULL};
    const fit_result start = fit(model, *pmgd, w, exec);
    c.theta.assign(start.theta_path.end() - start.theta_dim, start.theta_path.end());
    for (std::size_t i = 0; i < c.n; ++i) std::copy(start.particles.begin(), start.particles.end(), c.x.begin() + i * d);
    return;
  }
  c.theta = model.initial_theta();
  for (double t : c.theta)
    if (!std::isfinite(t)) throw input_error(model.name() + ": the initial theta is not finite");
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
}

}  // namespace

fit_session::fit_session(const latent_model& model, mmle_algorithm& algorithm, const fit_settings& s,
                         const executor& exec)
    : model_(model), algorithm_(algorithm), settings_(s) {
  if (s.particles < 1 || s.steps < 1 || !(s.step_size > 0.0) || s.burn_in < 0 || s.burn_in > s.steps)
    throw input_error("fit: settings not completed (particles, steps, step size, burn-in)");
  if (s.warm_start < 0) throw input_error("fit: warm-start must be non-negative");
  cloud_.n = s.particles;
  std::vector<double> log_q;
  initialise(model, s, exec, cloud_, log_q);
  cloud_.with_log_joint = algorithm.needs_log_joint();
  evaluate_cloud(model, cloud_, exec);
  check_cloud_finite(cloud_, 0, algorithm.name());
  algorithm.start(cloud_, fit_context{model, s.step_size, s.seed, exec, 0}, log_q);
  result_.theta_dim = cloud_.theta_dim;
  result_.latent_dim = cloud_.latent_dim;
  result_.theta_path.reserve((s.steps + 1) * cloud_.theta_dim);
  theta_sum_.assign(cloud_.theta_dim, 0.0);
  record();
}

void fit_session::record() {
  const particle_cloud& c = cloud_;
  result_.theta_path.insert(result_.theta_path.end(), c.theta.begin(), c.theta.end());
  if (auto lz = algorithm_.log_marginal_estimate()) {
    result_.log_z_path.push_back(*lz);
    result_.ess_path.push_back(algorithm_.ess());
  }
  if (step_ >= settings_.burn_in) {
    for (int j = 0; j < c.theta_dim; ++j) theta_sum_[j] += c.theta[j];
    ++recorded_after_burn_in_;
    predicting_ = model_.accumulate_predictions(c.x.data(), c.n, acc_);
    pooled_ += double(c.n);
  }
}

long fit_session::advance(long steps, const executor& exec, const std::function<void(long)>& progress) {
  fit_context ctx{model_, settings_.step_size, settings_.seed, exec, step_};
  long taken = 0;
  while (taken < steps && !done()) {
    ctx.step = step_;
    algorithm_.step(cloud_, ctx);
    ++step_;
    ++taken;
    check_cloud_finite(cloud_, step_, algorithm_.name());
    record();
    if (progress) progress(step_);
  }
  return taken;
}

fit_result fit_session::result() const {
  fit_result r = result_;
  r.theta_mean.assign(cloud_.theta_dim, 0.0);
  if (recorded_after_burn_in_ > 0)
    for (int j = 0; j < cloud_.theta_dim; ++j) r.theta_mean[j] = theta_sum_[j] / double(recorded_after_burn_in_);
  r.particles = cloud_.x;
  r.resamplings = algorithm_.resamplings();
  if (predicting_) r.predictions = model_.score_predictions(acc_, pooled_);
  return r;
}

fit_result fit(const latent_model& model, mmle_algorithm& algorithm, const fit_settings& s, const executor& exec,
               const std::function<void(long)>& progress) {
  fit_session session(model, algorithm, s, exec);
  session.advance(s.steps, exec, progress);
  return session.result();
}

}  // namespace dmt
