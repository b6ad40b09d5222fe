#include "dmt/diffusion/trajectory.hpp"

#include <algorithm>
#include <cmath>

#include "dmt/diffusion/flow_losses.hpp"
#include "dmt/diffusion/langevin_drift.hpp"
#include "dmt/diffusion/learned_backward.hpp"
#include "dmt/diffusion/transition.hpp"
#include "dmt/params.hpp"
#include "dmt/rng/normal.hpp"

namespace dmt {
namespace {

constexpr int kTile = 128;  // particles per task; fixed, so results do not depend on the thread count

std::uint32_t purpose_of(std::uint32_t kind, std::uint32_t stream, int k) { return trajectory_purpose(kind, stream, k); }

template <class T>
void start_batch(const diffusion_model<T>& model, const std::vector<double>& times, int batch, bool keep_cache,
                 trajectory_batch<T>& out) {
  const int T_ = static_cast<int>(times.size()) - 1;
  if (batch <= 0) throw input_error("the batch size must be positive (got " + std::to_string(batch) + ")");
  if (T_ <= 0) throw input_error("a time grid needs at least one step");
  if (T_ >= 65536) throw input_error("at most 65535 time steps are supported");
  const int d = model.config.dim;
  out.batch = batch;
  out.steps = T_;
  out.dim = d;
  out.times.assign(times.begin(), times.end());
  out.states.setZero(d, static_cast<Eigen::Index>(batch) * (T_ + 1));
  out.log_pf.setZero(batch, T_);
  out.log_pb.setZero(batch, T_);
  out.log_r.assign(batch, T(0));
  out.log_w.assign(batch, T(0));
  out.log_f.resize(0, 0);
  out.cached = keep_cache;
  const int cols = keep_cache ? batch * T_ : batch;
  model.policy.resize(out.policy_cache, cols);
  out.drift.resize(d, cols);
  std::vector<T> t(times.begin(), times.end() - 1);
  model.policy.forward_time(model.store, t.data(), T_, out.policy_cache.time);
  if (model.scale) {
    out.score.resize(d, cols);
    model.scale->resize(out.scale_cache, T_);
    model.scale->forward_time(model.store, t.data(), T_, out.scale_cache.time);
    for (int k = 0; k < T_; ++k) model.scale->forward(model.store, out.scale_cache, k, 1, k);
    out.lgv_scale.assign(out.scale_cache.out.data(), out.scale_cache.out.data() + T_);
  } else {
    out.score.resize(0, 0);
    out.lgv_scale.clear();
  }
}

// The policy on columns [col0, col0 + nb) of the cache (states xk of particles b0..): network
// outputs, then the drift u (with the Langevin term when the model has one).
template <class T>
void evaluate_policy(const diffusion_model<T>& model, const reward<T>& r, trajectory_batch<T>& out, int k, int b0,
                     int nb, int col0, const T* xk) {
  const model_config& c = model.config;
  const int d = c.dim;
  auto& cache = out.policy_cache;
  for (int b = 0; b < nb; ++b)
    for (int j = 0; j < d; ++j) cache.x(j, col0 + b) = xk[(b0 + b) * d + j];
  model.policy.forward(model.store, cache, col0, nb, k);
  const int n_out = static_cast<int>(cache.out.rows());
  if (!c.langevin) {
    for (int b = 0; b < nb; ++b)
      for (int j = 0; j < d; ++j) out.drift(j, col0 + b) = cache.out.data()[static_cast<std::ptrdiff_t>(col0 + b) * n_out + j];
    return;
  }
  if (!r.gradient) throw input_error("the Langevin parametrisation needs the target's gradient");
  std::vector<T> lr(nb);
  T* g = out.score.data() + static_cast<std::ptrdiff_t>(col0) * d;
  r.gradient(cache.x.data() + static_cast<std::ptrdiff_t>(col0) * d, static_cast<std::size_t>(nb), lr.data(), g);
  const double s = out.lgv_scale[k];
  for (int b = 0; b < nb; ++b)  // langevin_drift.hpp, shared with the CUDA trainer
    langevin_drift(d, cache.out.data() + static_cast<std::ptrdiff_t>(col0 + b) * n_out, s, c.lgv_clip, c.drift_clip,
                   g + b * d, out.drift.data() + static_cast<std::ptrdiff_t>(col0 + b) * d);
}

// The learned backward kernel's arithmetic: learned_backward.hpp (shared with the CUDA trainer).

// NN_B on x_{k+1} for k = 1..T-1 (columns (k-1) B + b of back_cache) and log p_B(b, k) from it.
template <class T>
void apply_learned_backward(const diffusion_model<T>& model, trajectory_batch<T>& out) {
  if (!model.back || out.steps < 2) return;
  const int B = out.batch, T_ = out.steps, d = out.dim, n = B * (T_ - 1);
  auto& cache = out.back_cache;
  model.back->resize(cache, n);
  std::vector<T> t(out.times.begin() + 2, out.times.end());
  model.back->forward_time(model.store, t.data(), T_ - 1, cache.time);
  std::copy(out.state(2), out.state(2) + static_cast<std::ptrdiff_t>(n) * d, cache.x.data());
  for (int k = 1; k < T_; ++k) model.back->forward(model.store, cache, (k - 1) * B, B, k - 1);
  for (int k = 1; k < T_; ++k) {
    const back_step st(model.config.sigma2, double(out.times[k]), double(out.times[k + 1]));
    const T* x = out.state(k);
    const T* x1 = out.state(k + 1);
    for (int b = 0; b < B; ++b) {
      const T* o = cache.out.data() + static_cast<std::ptrdiff_t>((k - 1) * B + b) * 2 * d;
      out.log_pb(b, k) = T(learned_log_pb(d, model.config.pb_scale_range, st, x + b * d, x1 + b * d, o));
    }
  }
}

transition_shape shape_of(const model_config& c) {
  return transition_shape{c.dim, c.sigma2, c.learned_variance, c.log_var_range};
}

template <class T>
void finish_batch(const reward<T>& r, trajectory_batch<T>& out) {
  r.log_r(out.state(out.steps), static_cast<std::size_t>(out.batch), out.log_r.data());
  for (int b = 0; b < out.batch; ++b) {
    double lw = out.log_r[b];
    for (int k = 0; k < out.steps; ++k) lw += double(out.log_pb(b, k)) - double(out.log_pf(b, k));
    out.log_w[b] = T(lw);
  }
}

template <class T>
const T* variance_outputs(const trajectory_batch<T>& out, int col) {
  return out.policy_cache.out.data() + static_cast<std::ptrdiff_t>(col) * out.policy_cache.out.rows() + out.dim;
}

}  // namespace

template <class T>
void simulate_forward(const diffusion_model<T>& model, const std::vector<double>& times, int batch,
                      const trajectory_rng& rng, const reward<T>& log_reward, bool keep_cache,
                      trajectory_batch<T>& out, double exploration, const executor& exec) {
  start_batch(model, times, batch, keep_cache, out);
  const model_config& c = model.config;
  const transition_shape ts = shape_of(c);
  const int d = c.dim, tiles = (batch + kTile - 1) / kTile;
  for (int k = 0; k < out.steps; ++k) {
    const double dt = double(out.times[k + 1]) - double(out.times[k]);
    const rng_site site{rng.key, rng.iteration, purpose_of(0x31u, rng.stream, k)};
    exec.parallel_for(static_cast<std::size_t>(tiles), [&](std::size_t tile) {
      const int b0 = static_cast<int>(tile) * kTile, nb = std::min(kTile, batch - b0);
      const int col0 = (keep_cache ? k * batch : 0) + b0;
      const T* xk = out.state(k);
      T* xk1 = out.states.data() + static_cast<std::ptrdiff_t>(k + 1) * batch * d;
      evaluate_policy(model, log_reward, out, k, b0, nb, col0, xk);
      std::vector<float> z(d);
      for (int b = b0; b < b0 + nb; ++b) {
        const int col = col0 + b - b0;
        const T* u = out.drift.data() + static_cast<std::ptrdiff_t>(col) * d;
        const T* ov = variance_outputs(out, col);
        normal_vector<float>(site, rng.first_particle + static_cast<std::uint32_t>(b), d, z.data());
        transition_sample(ts, u, ov, xk + b * d, z.data(), dt, exploration, xk1 + b * d);
        out.log_pf(b, k) = transition_log_pf(ts, u, ov, xk + b * d, xk1 + b * d, dt);
        out.log_pb(b, k) = transition_log_pb(ts, k, double(out.times[k]), double(out.times[k + 1]), xk + b * d, xk1 + b * d);
      }
    });
  }
  apply_learned_backward(model, out);
  finish_batch(log_reward, out);
}

template <class T>
void score_states(const diffusion_model<T>& model, const reward<T>& log_reward, trajectory_batch<T>& out,
                  const executor& exec) {
  const model_config& c = model.config;
  const transition_shape ts = shape_of(c);
  const int d = c.dim, T_ = out.steps, batch = out.batch, tiles = (batch + kTile - 1) / kTile;
  const bool keep_cache = out.cached;
  // refresh everything that depends on the parameters (the states stay)
  const auto states = out.states;
  std::vector<double> times(out.times.begin(), out.times.end());
  start_batch(model, times, batch, keep_cache, out);
  out.states = states;
  for (int k = 0; k < T_; ++k) {
    const double dt = double(out.times[k + 1]) - double(out.times[k]);
    exec.parallel_for(static_cast<std::size_t>(tiles), [&](std::size_t tile) {
      const int b0 = static_cast<int>(tile) * kTile, nb = std::min(kTile, batch - b0);
      const int col0 = (keep_cache ? k * batch : 0) + b0;
      const T* xk = out.state(k);
      const T* xk1 = out.state(k + 1);
      evaluate_policy(model, log_reward, out, k, b0, nb, col0, xk);
      for (int b = b0; b < b0 + nb; ++b) {
        const int col = col0 + b - b0;
        out.log_pf(b, k) = transition_log_pf(ts, out.drift.data() + static_cast<std::ptrdiff_t>(col) * d,
                                             variance_outputs(out, col), xk + b * d, xk1 + b * d, dt);
        out.log_pb(b, k) = transition_log_pb(ts, k, double(out.times[k]), double(out.times[k + 1]), xk + b * d, xk1 + b * d);
      }
    });
  }
  apply_learned_backward(model, out);
  finish_batch(log_reward, out);
}

template <class T>
void simulate_backward(const diffusion_model<T>& model, const std::vector<double>& times, const T* terminal,
                       int batch, const trajectory_rng& rng, const reward<T>& log_reward, bool keep_cache,
                       trajectory_batch<T>& out, const executor& exec) {
  start_batch(model, times, batch, keep_cache, out);
  const model_config& c = model.config;
  const int d = c.dim, T_ = out.steps, tiles = (batch + kTile - 1) / kTile;
  std::copy(terminal, terminal + static_cast<std::ptrdiff_t>(batch) * d,
            out.states.data() + static_cast<std::ptrdiff_t>(T_) * batch * d);
  typename diffusion_network<T>::cache back;  // NN_B at x_{k+1} for the learned backward kernel
  if (model.back) model.back->resize(back, batch);
  for (int k = T_ - 1; k >= 1; --k) {
    const double ratio = double(out.times[k]) / double(out.times[k + 1]);
    const double sd = std::sqrt(ratio * c.sigma2 * (double(out.times[k + 1]) - double(out.times[k])));
    const rng_site site{rng.key, rng.iteration, purpose_of(0x32u, rng.stream, k)};
    const T* x1 = out.state(k + 1);
    T* x = out.states.data() + static_cast<std::ptrdiff_t>(k) * batch * d;
    const back_step st(c.sigma2, double(out.times[k]), double(out.times[k + 1]));
    if (model.back) {
      const T t1 = out.times[k + 1];
      model.back->forward_time(model.store, &t1, 1, back.time);
      std::copy(x1, x1 + static_cast<std::ptrdiff_t>(batch) * d, back.x.data());
      model.back->forward(model.store, back, 0, batch, 0);
    }
    exec.parallel_for(static_cast<std::size_t>(tiles), [&](std::size_t tile) {
      const int b0 = static_cast<int>(tile) * kTile, nb = std::min(kTile, batch - b0);
      std::vector<float> z(d);
      for (int b = b0; b < b0 + nb; ++b) {
        normal_vector<float>(site, rng.first_particle + static_cast<std::uint32_t>(b), d, z.data());
        if (!model.back) {
          transition_bridge_sample(d, ratio, sd, x1 + b * d, z.data(), x + b * d);
          continue;
        }
        learned_backward_sample(d, c.pb_scale_range, st, x1 + b * d, back.out.data() + static_cast<std::ptrdiff_t>(b) * 2 * d,
                                z.data(), x + b * d);
      }
    });
  }
  score_states(model, log_reward, out, exec);
}

template <class T>
void compute_flows(const diffusion_model<T>& model, const reward<T>& log_reward, trajectory_batch<T>& traj) {
  if (!model.flow) throw input_error("this model has no flow network (DB and SubTB need one)");
  const int B = traj.batch, T_ = traj.steps, d = traj.dim;
  traj.log_f.resize(B, T_ + 1);
  for (int b = 0; b < B; ++b) {
    traj.log_f(b, 0) = model.log_z();
    traj.log_f(b, T_) = traj.log_r[b];
  }
  if (T_ < 2) return;
  const int n = B * (T_ - 1);
  auto& cache = traj.flow_cache;
  model.flow->resize(cache, n);
  std::vector<T> t(traj.times.begin() + 1, traj.times.end() - 1);
  model.flow->forward_time(model.store, t.data(), T_ - 1, cache.time);
  std::copy(traj.state(1), traj.state(1) + static_cast<std::ptrdiff_t>(n) * d, cache.x.data());
  for (int k = 1; k < T_; ++k) model.flow->forward(model.store, cache, (k - 1) * B, B, k - 1);
  std::vector<T> lr;
  if (model.config.forward_looking) {
    lr.resize(n);
    log_reward.log_r(traj.state(1), static_cast<std::size_t>(n), lr.data());
  }
  for (int k = 1; k < T_; ++k) {
    const double tk = traj.times[k];
    for (int b = 0; b < B; ++b) {
      const int col = (k - 1) * B + b;
      double f = cache.out(0, col);
      if (model.config.forward_looking)  // flow_losses.hpp, shared with the CUDA trainer
        f += forward_looking_term(d, model.config.sigma2, tk, cache.x.data() + static_cast<std::ptrdiff_t>(col) * d,
                                  double(lr[col]));
      traj.log_f(b, k) = T(f);
    }
  }
}

template <class T>
void backprop(diffusion_model<T>& model, const trajectory_batch<T>& traj,
              const typename trajectory_batch<T>::Mat& d_log_pf, const typename trajectory_batch<T>::Mat* d_log_f,
              T d_log_z, const executor& exec) {
  if (!traj.cached) throw std::logic_error("backprop needs trajectories simulated with keep_cache");
  const model_config& c = model.config;
  const transition_shape ts = shape_of(c);
  const int B = traj.batch, T_ = traj.steps, d = c.dim, n_out = model.policy_outputs();
  const auto& cache = traj.policy_cache;
  typename trajectory_batch<T>::Mat d_out(n_out, static_cast<Eigen::Index>(B) * T_);
  std::vector<T> d_scale(c.langevin ? T_ : 0, T(0));
  for (int k = 0; k < T_; ++k) {
    const double dt = double(traj.times[k + 1]) - double(traj.times[k]);
    const T* xk = traj.state(k);
    const T* xk1 = traj.state(k + 1);
    double ds = 0.0;
    for (int b = 0; b < B; ++b) {
      const int col = k * B + b;
      const double g = d_log_pf(b, k);
      const T* o = cache.out.data() + static_cast<std::ptrdiff_t>(col) * n_out;
      const T* u = traj.drift.data() + static_cast<std::ptrdiff_t>(col) * d;
      T* dout = d_out.data() + static_cast<std::ptrdiff_t>(col) * n_out;
      transition_output_gradient(ts, u, o + d, xk + b * d, xk1 + b * d, dt, g, dout);
      // u = clip(o + s g, +-drift_clip): no gradient where the clip is active
      if (c.langevin)
        langevin_drift_gradient(d, u, traj.score.data() + static_cast<std::ptrdiff_t>(col) * d, c.drift_clip, dout, ds);
    }
    if (c.langevin) d_scale[k] = T(ds);
  }
  model.policy.backward(model.store, cache, B * T_, d_out.data(), nullptr, exec);
  if (c.langevin) model.scale->backward(model.store, traj.scale_cache, T_, d_scale.data());
  if (model.back && T_ >= 2) {
    // every loss here (tb, vargrad, db, subtb) has log p_F,k - log p_B,k in its residuals, so
    // d loss / d log p_B = -d loss / d log p_F
    const int n = B * (T_ - 1);
    typename trajectory_batch<T>::Mat d_back(2 * d, n);
    for (int k = 1; k < T_; ++k) {
      const back_step st(c.sigma2, double(traj.times[k]), double(traj.times[k + 1]));
      const T* xk = traj.state(k);
      const T* xk1 = traj.state(k + 1);
      for (int b = 0; b < B; ++b) {
        const int col = (k - 1) * B + b;
        learned_backward_output_gradient(d, c.pb_scale_range, st, xk + b * d, xk1 + b * d,
                                         traj.back_cache.out.data() + static_cast<std::ptrdiff_t>(col) * 2 * d,
                                         -double(d_log_pf(b, k)), d_back.data() + static_cast<std::ptrdiff_t>(col) * 2 * d);
      }
    }
    model.back->backward(model.store, traj.back_cache, n, d_back.data(), nullptr, exec);
  }
  if (d_log_f && model.flow && T_ >= 2) {
    const int n = B * (T_ - 1);
    std::vector<T> df(n);
    for (int k = 1; k < T_; ++k)
      for (int b = 0; b < B; ++b) df[(k - 1) * B + b] = (*d_log_f)(b, k);
    model.flow->backward(model.store, traj.flow_cache, n, df.data(), nullptr, exec);
  }
  model.store.grads[model.log_z_offset] += d_log_z;
}

#define DMT_INSTANTIATE(T)                                                                                          \
  template void simulate_forward<T>(const diffusion_model<T>&, const std::vector<double>&, int, const trajectory_rng&, \
                                    const reward<T>&, bool, trajectory_batch<T>&, double, const executor&);          \
  template void simulate_backward<T>(const diffusion_model<T>&, const std::vector<double>&, const T*, int,           \
                                     const trajectory_rng&, const reward<T>&, bool, trajectory_batch<T>&,            \
                                     const executor&);                                                               \
  template void score_states<T>(const diffusion_model<T>&, const reward<T>&, trajectory_batch<T>&, const executor&); \
  template void compute_flows<T>(const diffusion_model<T>&, const reward<T>&, trajectory_batch<T>&);                 \
  template void backprop<T>(diffusion_model<T>&, const trajectory_batch<T>&, const trajectory_batch<T>::Mat&,       \
                            const trajectory_batch<T>::Mat*, T, const executor&);
DMT_INSTANTIATE(float)
DMT_INSTANTIATE(double)
#undef DMT_INSTANTIATE

}  // namespace dmt
