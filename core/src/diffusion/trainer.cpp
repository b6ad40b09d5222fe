#include "dmt/diffusion/trainer.hpp"

#include <algorithm>
#include <cmath>

#include "dmt/diffusion/pis.hpp"
#include "dmt/metrics/importance_ess.hpp"
#include "dmt/metrics/mmd.hpp"
#include "dmt/metrics/mode_coverage.hpp"
#include "dmt/metrics/wasserstein2.hpp"

namespace dmt {

double train_settings::exploration_at(long it) const {
  if (exploration <= 0.0) return 0.0;
  if (exploration_iterations <= 0) return exploration;
  return exploration * std::max(0.0, 1.0 - double(it) / double(exploration_iterations));
}

trainer::trainer(const train_settings& s, const target& t, const executor& exec)
    : settings_(s), target_(t), exec_(exec), model_(s.model) {
  if (s.model.dim != t.dim())
    throw input_error("the model's dimension (" + std::to_string(s.model.dim) + ") differs from the target's (" +
                      std::to_string(t.dim()) + ")");
  if (s.batch <= 0) throw input_error("batch must be positive (got " + std::to_string(s.batch) + ")");
  if (s.iterations < 0) throw input_error("iterations must be non-negative");
  validate_time_grid(s.grid);
  if (s.losses.empty()) throw input_error("no loss given");
  for (const auto& l : s.losses)
    if (loss_needs_flow(l.kind) && !s.model.flow)
      throw std::logic_error(std::string(loss_name(l.kind)) + " needs a model with a flow network");
  if (s.exploration < 0 || !std::isfinite(s.exploration))
    throw input_error("exploration must be non-negative (got " + std::to_string(s.exploration) + ")");
  validate_buffer(s.buffer);
  if (!(s.model.pb_scale_range >= 0 && s.model.pb_scale_range < 1))
    throw input_error("pb_scale_range must be in [0, 1) (the backward variance factor 1 + tanh(.) pb_scale_range "
                      "must stay positive; got " + std::to_string(s.model.pb_scale_range) + ")");
  bool pis = false;
  for (const auto& l : s.losses) pis = pis || l.kind == loss_kind::pis;
  if (pis) {
    if (s.losses.size() != 1) throw input_error("the pis loss is trained alone (it differentiates through the trajectory)");
    if (s.exploration > 0 || s.both_ways)
      throw input_error("the pis loss needs on-policy forward trajectories (no exploration, no both_ways)");
    if (s.model.learned_backward)
      throw input_error("the pis loss does not train a learned backward kernel (learned_backward); use tb, vargrad, "
                        "db or subtb with it");
    if (s.model.langevin && !t.has_hessian_vector_product())
      throw input_error("the pis loss with the Langevin parametrisation needs Hessian-vector products of the energy, "
                        "which target '" + t.name() + "' does not provide (they exist for gaussian, gmm9, gmm25, gmm40, funnel "
                        "and manywell; or use tb / vargrad with langevin)");
  }
  const local_search_settings& ls = s.local_search;
  if (s.both_ways && s.buffer.capacity == 0) throw input_error("both_ways training needs a replay buffer (\"buffer\")");
  if (ls.every < 0) throw input_error("local_search every must be non-negative");
  if (ls.every > 0) {
    if (s.buffer.capacity == 0) throw input_error("local search needs a replay buffer (\"buffer\")");
    if (!(ls.target_accept > 0 && ls.target_accept < 1))
      throw input_error("local_search target_accept must be in (0, 1) (got " + std::to_string(ls.target_accept) + ")");
    if (ls.steps <= 0 || ls.burn_in < 0 || ls.burn_in > ls.steps)
      throw input_error("local_search needs steps > 0 and 0 <= burn_in <= steps");
    if (!(ls.step_size > 0) || !std::isfinite(ls.step_size)) throw input_error("local_search step_size must be positive");
  }
  model_.initialise(s.seed);
  if (s.buffer.capacity > 0) buffer_.emplace(s.model.dim, s.buffer);
  if (ls.every > 0) search_buffer_.emplace(s.model.dim, s.buffer);
  search_step_ = ls.step_size;
}

std::vector<float> trainer::buffer_rows(const replay_buffer& b) {
  const int d = b.dim();
  std::vector<float> rows(b.size() * (d + 1));
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::copy(b.state(i), b.state(i) + d, rows.begin() + i * (d + 1));
    rows[i * (d + 1) + d] = b.log_r(i);
  }
  return rows;
}

void trainer::restore_buffers(const std::vector<float>& rows, const std::vector<float>& search_rows,
                              double search_step) {
  const int d = settings_.model.dim;
  auto fill = [d](replay_buffer& b, const std::vector<float>& r) {
    b.clear();
    const std::size_t n = r.size() / (d + 1);
    std::vector<float> x(n * d), lr(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::copy(r.begin() + i * (d + 1), r.begin() + i * (d + 1) + d, x.begin() + i * d);
      lr[i] = r[i * (d + 1) + d];
    }
    b.add(x.data(), lr.data(), n);
  };
  if (buffer_) fill(*buffer_, rows);
  if (search_buffer_) fill(*search_buffer_, search_rows);
  search_step_ = search_step;
}

bool trainer::backward_iteration(long it, std::size_t source_size) const {
  return settings_.both_ways && it % 2 == 1 && source_size > 0;
}

bool trainer::search_due(long it, std::size_t buffer_size) const {
  return settings_.local_search.every > 0 && it % settings_.local_search.every == 0 && buffer_size > 0;
}

std::uint64_t trainer::search_seed(long it) const {
  return settings_.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(it) + 7;
}

void trainer::local_search(long it) {
  const philox_key key = make_philox_key(settings_.seed);
  const auto start = buffer_->gather(buffer_->sample(settings_.batch, key, static_cast<std::uint32_t>(it), kSearchPurpose));
  const auto r = run_search(start, search_seed(it));
  search_step_ = r.step_size;
  search_buffer_->add(r.x.data(), r.log_r.data(), r.log_r.size());
}

local_search_result trainer::run_search(const std::vector<float>& start, std::uint64_t seed) {
  return run_local_search(target_, start, settings_.local_search, search_step_, seed, exec_);
}

std::vector<float> trainer::backward_batch_terminals(long it) const {
  const replay_buffer* source = search_buffer_ && search_buffer_->size() > 0 ? &*search_buffer_ : buffer();
  if (!source || !backward_iteration(it, source->size())) return {};
  return source->gather(
      source->sample(settings_.batch, make_philox_key(settings_.seed), static_cast<std::uint32_t>(it), kBufferPurpose));
}

void trainer::after_batch(long it, const float* forward_terminal, const float* log_r) {
  if (forward_terminal && buffer_) buffer_->add(forward_terminal, log_r, static_cast<std::size_t>(settings_.batch));
  if (buffer_ && search_due(it, buffer_->size())) local_search(it);
}

dmt::reward<float> target_reward(const target& t, const executor& exec) {
  const target* tp = &t;
  const executor* e = &exec;
  dmt::reward<float> r([tp, e](const float* x, std::size_t n, float* log_r) { tp->evaluate(x, n, log_r, nullptr, *e); },
                       [tp](const float* x, std::size_t n, float* log_r, float* grad) { tp->evaluate(x, n, log_r, grad); });
  if (t.has_hessian_vector_product())
    r.hvp = [tp](const float* x, const float* v, std::size_t n, float* hv) { tp->hessian_vector_products(x, v, n, hv); };
  return r;
}

dmt::reward<float> trainer::reward() const { return target_reward(target_, exec_); }

iteration_stats trainer::step() {
  const long it = iteration_;
  const philox_key key = make_philox_key(settings_.seed);
  const auto grid = make_time_grid(settings_.grid, key, static_cast<std::uint32_t>(it));
  const auto reward_fn = reward();
  const auto terminal = backward_batch_terminals(it);
  if (!terminal.empty()) {
    simulate_backward(model_, grid, terminal.data(), settings_.batch,
                      trajectory_rng{key, static_cast<std::uint32_t>(it), 3}, reward_fn, true, traj_, exec_);
    after_batch(it, nullptr, nullptr);
  } else {
    simulate_forward(model_, grid, settings_.batch, trajectory_rng{key, static_cast<std::uint32_t>(it), 0}, reward_fn,
                     true, traj_, settings_.exploration_at(it), exec_);
    after_batch(it, traj_.state(traj_.steps), traj_.log_r.data());
  }
  if (settings_.losses.front().kind == loss_kind::pis) {  // alone (checked in the constructor)
    model_.store.zero_grad();
    iteration_stats st;
    st.loss = pis_backprop(model_, traj_, reward_fn, exec_);
    if (!std::isfinite(st.loss))
      throw training_diverged(it, "the loss is not finite at iteration " + std::to_string(it));
    for (float g : model_.store.grads)
      if (!std::isfinite(g)) throw training_diverged(it, "a gradient is not finite at iteration " + std::to_string(it));
    st.grad_norm = optimiser_.step(model_.store, settings_.optimiser);
    st.mean_log_w = -st.loss;
    st.log_z = model_.log_z();
    ++iteration_;
    return st;
  }
  bool flows = false;
  for (const auto& l : settings_.losses) flows = flows || loss_needs_flow(l.kind);
  if (flows) compute_flows(model_, reward_fn, traj_);
  grad_.reset(traj_.batch, traj_.steps);
  iteration_stats st;
  for (const auto& l : settings_.losses) st.loss += evaluate_loss(l, traj_, model_.log_z(), grad_);
  if (!std::isfinite(st.loss))
    throw training_diverged(it, "the loss is not finite at iteration " + std::to_string(it));
  model_.store.zero_grad();
  backprop(model_, traj_, grad_.d_log_pf, flows ? &grad_.d_log_f : nullptr, grad_.d_log_z, exec_);
  for (float g : model_.store.grads)
    if (!std::isfinite(g)) throw training_diverged(it, "a gradient is not finite at iteration " + std::to_string(it));
  st.grad_norm = optimiser_.step(model_.store, settings_.optimiser);
  double s = 0;
  for (float lw : traj_.log_w) s += lw;
  st.mean_log_w = s / traj_.batch;
  st.log_z = model_.log_z();
  ++iteration_;
  return st;
}

double trainer::flops_per_iteration() const {
  // forward + backward (two products per layer) over batch x T columns
  const double cols = double(settings_.batch) * grid_steps(settings_.grid);
  double f = 3.0 * model_.policy.flops_per_column() * cols;
  if (model_.flow) f += 3.0 * model_.flow->flops_per_column() * cols;
  return f;
}

evaluation evaluate_sampler(const diffusion_model<float>& model, const target& t, int samples, int steps,
                            std::uint64_t seed, const std::vector<float>& reference, const executor& exec) {
  if (samples <= 0) throw input_error("the number of evaluation samples must be positive");
  if (steps <= 0) throw input_error("the number of evaluation steps must be positive");
  const int d = model.config.dim;
  evaluation ev;
  ev.samples = samples;
  ev.steps = steps;
  ev.log_z_learned = model.log_z();
  const auto grid = make_time_grid(time_grid_spec{grid_kind::uniform, steps, {}}, make_philox_key(seed), 0);
  const dmt::reward<float> reward = target_reward(t, exec);
  trajectory_batch<float> traj;
  simulate_forward(model, grid, samples, trajectory_rng{make_philox_key(seed), 0, 1}, reward, false, traj, 0.0, exec);
  ev.x.assign(traj.state(steps), traj.state(steps) + static_cast<std::ptrdiff_t>(samples) * d);
  std::vector<double> lw(traj.log_w.begin(), traj.log_w.end());
  double mean = 0, mx = -INFINITY;
  for (double v : lw) {
    mean += v / samples;
    mx = std::max(mx, v);
  }
  double se = 0, se2 = 0;
  for (double v : lw) {
    se += std::exp(v - mx);
    se2 += std::exp(2 * (v - mx));
  }
  ev.elbo = mean;
  ev.log_z_rw = mx + std::log(se / samples);
  ev.ess_fraction = se * se / se2 / samples;
  if (t.log_normaliser()) {
    ev.log_z_true = *t.log_normaliser();
    ev.delta_log_z = std::abs(ev.log_z_true - ev.elbo);
    ev.delta_log_z_rw = std::abs(ev.log_z_true - ev.log_z_rw);
  }
  bool finite = true;
  for (float v : ev.x) finite = finite && std::isfinite(v);
  if (finite && reference.size() == static_cast<std::size_t>(samples) * d) {
    trajectory_batch<float> back;
    simulate_backward(model, grid, reference.data(), samples, trajectory_rng{make_philox_key(seed), 0, 2}, reward,
                      false, back, exec);
    double eubo = 0;
    for (float v : back.log_w) eubo += double(v) / samples;
    ev.eubo = eubo;
    // exact assignment costs O(K^3): above 2000 points W2 uses the first 2000 of each side
    ev.w2_points = std::min(samples, 2000);
    ev.w2 = wasserstein2_exact(ev.x.data(), reference.data(), static_cast<std::size_t>(ev.w2_points), d);
    const std::size_t nk = static_cast<std::size_t>(ev.w2_points);  // MMD is O(K^2) too
    const double bw = median_bandwidth(ev.x.data(), nk, reference.data(), nk, d);
    ev.mmd = mmd2_rbf(ev.x.data(), nk, reference.data(), nk, d, bw);
  }
  const auto modes = t.mode_locations();
  if (finite && !modes.empty()) ev.mode_coverage = mode_coverage(ev.x.data(), samples, d, modes, t.mode_radius());
  return ev;
}

}  // namespace dmt
