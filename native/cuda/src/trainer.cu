// Host side of the device trainer (trainer.hpp): buffers, the cuBLAS calls of the network and the
// order of the kernels of one iteration.
#include <cublas_v2.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "dmt/cuda/adam_kernels.cuh"
#include "dmt/cuda/device_target.cuh"
#include "dmt/cuda/evaluate_kernel.cuh"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/cuda/loss_kernels.cuh"
#include "dmt/cuda/network_kernels.cuh"
#include "dmt/cuda/pis_kernels.cuh"
#include "dmt/cuda/trainer.hpp"
#include "dmt/cuda/trajectory_kernels.cuh"
#include "dmt/params.hpp"

#define DMT_CUBLAS_CHECK(call)                                                                                  \
  do {                                                                                                          \
    const cublasStatus_t dmt_blas_status = (call);                                                              \
    if (dmt_blas_status != CUBLAS_STATUS_SUCCESS)                                                               \
      throw ::dmt::cuda::cuda_error(std::string(#call) + " failed at " + __FILE__ + ":" + std::to_string(__LINE__) + \
                                    ": cuBLAS status " + std::to_string(static_cast<int>(dmt_blas_status)));    \
  } while (0)

namespace dmt::cuda {
namespace {

using layer = diffusion_network<float>::layer;

// Settings the device trainer cannot run, as one-line input errors.
void check_supported(const train_settings& s) {
  if (s.model.langevin)
    throw input_error("--device cuda does not train the Langevin parametrisation yet (\"langevin\": true); use the CPU");
  if (s.model.learned_backward)
    throw input_error("--device cuda does not train a learned backward kernel yet (\"learned_backward\": true); use "
                      "the CPU");
  if (s.model.flow)
    throw input_error("--device cuda does not train a flow network (the db and subtb losses) yet; use the CPU");
  if (static_cast<int>(s.losses.size()) > loss_terms::kMax)
    throw input_error("--device cuda takes at most " + std::to_string(loss_terms::kMax) + " losses");
  for (const auto& l : s.losses)
    if (l.kind != loss_kind::tb && l.kind != loss_kind::vargrad && l.kind != loss_kind::pis)
      throw input_error(std::string("--device cuda trains with the tb, vargrad and pis losses; '") + loss_name(l.kind) +
                        "' runs on the CPU only");
}

}  // namespace

struct trainer::device_state {
  explicit device_state(const target& t) : target(t) {
    DMT_CUBLAS_CHECK(cublasCreate(&blas));
    DMT_CUBLAS_CHECK(cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH));  // FP32 throughout (no TF32)
  }
  ~device_state() { cublasDestroy(blas); }
  device_target target;
  cublasHandle_t blas{};
  diffusion_network<float>::layout net;
  transition_shape shape;
  int d = 0, H = 0, K = 0, L = 0, n_out = 0, act = 0;
  std::size_t log_z_offset = 0;
  // parameters, gradients, Adam moments, parameter group (index into group_names) per parameter
  device_buffer<float> values, grads, m, v, frequencies;
  device_buffer<std::uint8_t> group;
  std::vector<std::string> group_names;
  // sizes the per-iteration buffers were made for
  int batch = 0, steps = 0;
  long chunk_columns = 0, chunk_steps = 0;  // chunk_columns 0: automatic
  bool keep = false;
  device_buffer<float> times, ones;
  device_buffer<float> t_arg, t_features, t_hidden, t_slope, t_emb, d_emb, d_t_hidden, d_t_features;
  device_buffer<float> states, log_pf, log_pb, log_r, grad_r, log_w, g;
  std::vector<device_buffer<float>> a, s;  // L + 1 activations and slopes, H x (B T or chunk) columns
  device_buffer<float> out, d_out, da, db;
  device_buffer<double> stats;  // loss, mean log w, squared gradient norm
  bool pis = false;                  // reverse KL through the trajectory (the pis loss, trained alone)
  device_buffer<double> adjoint;     // pis: d L / d x_k, dim x B
  device_buffer<float> d_x;          // pis: the network's input gradient of one step, dim x B

  float* value(std::size_t off) { return values.data() + off; }
  float* grad(std::size_t off) { return grads.data() + off; }

  // Y (out x n) = W X (ldx); accumulate: Y += ...
  void affine(const layer& l, const float* x, int ldx, long n, float* y) {
    const float one = 1.0f, zero = 0.0f;
    DMT_CUBLAS_CHECK(cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, l.out, static_cast<int>(n), l.in, &one, value(l.w),
                                 l.out, x, ldx, &zero, y, l.out));
  }
  // dW += dY X^T, db += dY 1 (when with_bias), dX = W^T dY (when dx).
  void affine_backward(const layer& l, const float* x, int ldx, long n, const float* dy, float* dx, bool with_bias) {
    const float one = 1.0f, zero = 0.0f;
    const int nn = static_cast<int>(n);
    DMT_CUBLAS_CHECK(cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_T, l.out, l.in, nn, &one, dy, l.out, x, ldx, &one,
                                 grad(l.w), l.out));
    if (with_bias)
      DMT_CUBLAS_CHECK(cublasSgemv(blas, CUBLAS_OP_N, l.out, nn, &one, dy, l.out, ones.data(), 1, &one, grad(l.b), 1));
    if (dx)
      DMT_CUBLAS_CHECK(cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, l.in, nn, l.out, &one, value(l.w), l.out, dy, l.out,
                                   &zero, dx, l.in));
  }

  // The network on n columns of states starting at step k0 (B columns per step), into columns
  // [col0, col0 + n) of the activation buffers; out gets the outputs with their bias.
  void forward(const float* x, long n, int k0, long col0, bool slopes) {
    const std::size_t hoff = static_cast<std::size_t>(col0) * H;
    affine(net.state, x, d, n, a[0].data() + hoff);
    launch_bias_activation(a[0].data() + hoff, slopes ? s[0].data() + hoff : nullptr, value(net.state.b), t_emb.data(),
                           k0, batch, H, n, act, nullptr);
    for (int l = 0; l < L; ++l) {
      affine(net.joint[l], a[l].data() + hoff, H, n, a[l + 1].data() + hoff);
      launch_bias_activation(a[l + 1].data() + hoff, slopes ? s[l + 1].data() + hoff : nullptr, value(net.joint[l].b),
                             nullptr, 0, 1, H, n, act, nullptr);
    }
    float* o = out.data() + static_cast<std::size_t>(col0) * n_out;
    affine(net.out, a[L].data() + hoff, H, n, o);
    launch_bias_activation(o, nullptr, value(net.out.b), nullptr, 0, 1, n_out, n, kIdentity, nullptr);
  }

  // Gradients of the n columns of steps k0.. whose activations start at column col0 of the
  // activation buffers (d_out, da, db hold one chunk), for the trajectory losses (tb, vargrad).
  void backward(int k0, long n, long col0) {
    launch_output_gradient(shape, out.data() + static_cast<std::size_t>(col0) * n_out, n_out, states.data(),
                           times.data(), k0, batch, n, g.data(), d_out.data(), nullptr);
    backward_layers(k0, n, col0, nullptr);
  }

  // Back through the layers from d_out (the output gradients of the n columns of steps k0..);
  // dx (dim x n), when given, gets the gradient w.r.t. the states.
  void backward_layers(int k0, long n, long col0, float* dx) {
    const float* x = states.data() + static_cast<std::size_t>(k0) * batch * d;
    const std::size_t hoff = static_cast<std::size_t>(col0) * H;
    affine_backward(net.out, a[L].data() + hoff, H, n, d_out.data(), da.data(), true);
    for (int l = L - 1; l >= 0; --l) {
      launch_scale_by_slope(da.data(), s[l + 1].data() + hoff, static_cast<std::size_t>(H) * n, nullptr);
      affine_backward(net.joint[l], a[l].data() + hoff, H, n, da.data(), db.data(), true);
      std::swap(da, db);
    }
    launch_scale_by_slope(da.data(), s[0].data() + hoff, static_cast<std::size_t>(H) * n, nullptr);
    // the state layer's bias gradient is the sum of d_emb over the steps (added after all chunks)
    affine_backward(net.state, x, d, n, da.data(), dx, false);
    // d_emb(:, k) += sum of the B columns of step k
    const float one = 1.0f;
    const int S = static_cast<int>(n / batch);
    DMT_CUBLAS_CHECK(cublasSgemvStridedBatched(blas, CUBLAS_OP_N, H, batch, &one, da.data(), H,
                                               static_cast<long long>(H) * batch, ones.data(), 1, 0, &one,
                                               d_emb.data() + static_cast<std::size_t>(k0) * H, 1, H, S));
  }

  void resize(int B, int T) {
    if (B == batch && T == steps) return;
    batch = B;
    steps = T;
    const long total = static_cast<long>(B) * T;
    if (chunk_columns > 0) {
      keep = total <= chunk_columns;
      chunk_steps = keep ? T : std::max(1L, chunk_columns / B);
    } else {  // automatic: keep the activations when they take at most 3/4 of the free device memory
      std::size_t free = 0, device_total = 0;
      DMT_CUDA_CHECK(cudaMemGetInfo(&free, &device_total));
      for (const auto& b : a) free += 2 * b.size() * sizeof(float);  // a and s are reallocated below
      free += out.size() * sizeof(float);
      const double per_column = 4.0 * (2.0 * (L + 1) * H + n_out);
      keep = per_column * double(total) <= 0.75 * double(free);
      chunk_steps = std::min<long>(T, std::max(1L, trainer::kChunkColumns / B));
    }
    const std::size_t cols = static_cast<std::size_t>(chunk_steps) * B;  // one backward chunk
    const std::size_t act_cols = keep ? static_cast<std::size_t>(total) : cols;
    times.resize(T + 1);
    ones.resize(std::max<std::size_t>({cols, static_cast<std::size_t>(T), 1}));
    launch_fill(ones.data(), ones.size(), 1.0f, nullptr);
    t_arg.resize(static_cast<std::size_t>(K) * T);
    t_features.resize(2 * t_arg.size());
    d_t_features.resize(2 * t_arg.size());
    for (auto* b : {&t_hidden, &t_slope, &t_emb, &d_emb, &d_t_hidden}) b->resize(static_cast<std::size_t>(H) * T);
    states.resize(static_cast<std::size_t>(d) * B * (T + 1));
    log_pf.resize(total);
    log_pb.resize(total);
    for (auto* b : {&log_r, &log_w, &g}) b->resize(B);
    grad_r.resize(static_cast<std::size_t>(B) * d);
    adjoint.resize(pis ? static_cast<std::size_t>(B) * d : 0);
    d_x.resize(pis ? static_cast<std::size_t>(B) * d : 0);
    a.resize(L + 1);
    s.resize(L + 1);
    for (int l = 0; l <= L; ++l) {
      a[l].resize(static_cast<std::size_t>(H) * act_cols);
      s[l].resize(static_cast<std::size_t>(H) * act_cols);
    }
    out.resize(static_cast<std::size_t>(n_out) * act_cols);
    d_out.resize(static_cast<std::size_t>(n_out) * cols);
    da.resize(static_cast<std::size_t>(H) * cols);
    db.resize(static_cast<std::size_t>(H) * cols);
  }
};

trainer::trainer(const train_settings& s, const target& t, const executor& exec, long chunk_columns)
    : dmt::trainer(s, t, exec) {
  check_supported(s);
  if (chunk_columns < 0) throw input_error("chunk_columns must be non-negative");
  dev_ = std::make_unique<device_state>(t);
  device_state& ds = *dev_;
  ds.chunk_columns = chunk_columns;
  const model_config& c = model_.config;
  ds.net = model_.policy.parts();
  ds.shape = transition_shape{c.dim, c.sigma2, c.learned_variance, c.log_var_range};
  ds.d = c.dim;
  ds.H = c.hidden;
  ds.K = c.harmonics;
  ds.L = c.layers;
  ds.n_out = model_.policy_outputs();
  ds.act = static_cast<int>(c.act);
  ds.log_z_offset = model_.log_z_offset;
  ds.pis = s.losses.front().kind == loss_kind::pis;  // alone (the base constructor checks)
  ds.frequencies.upload(ds.net.frequencies);
  std::vector<std::uint8_t> group(model_.store.values.size(), 0);
  for (const auto& ti : model_.store.tensors) {
    auto it = std::find(ds.group_names.begin(), ds.group_names.end(), ti.group);
    if (it == ds.group_names.end()) {
      if (static_cast<int>(ds.group_names.size()) == adam_groups::kMax) throw std::logic_error("too many parameter groups");
      ds.group_names.push_back(ti.group);
      it = ds.group_names.end() - 1;
    }
    std::fill(group.begin() + ti.offset, group.begin() + ti.offset + ti.size(),
              static_cast<std::uint8_t>(it - ds.group_names.begin()));
  }
  ds.group.upload(group);
  ds.grads.resize(group.size());
  ds.stats.resize(3);
  push();
}

trainer::~trainer() = default;

void trainer::push() {
  device_state& ds = *dev_;
  const std::size_t n = model_.store.values.size();
  ds.values.upload(model_.store.values);
  std::vector<float> zeros(n, 0.0f);
  ds.m.upload(optimiser_.m.size() == n ? optimiser_.m : zeros);
  ds.v.upload(optimiser_.v.size() == n ? optimiser_.v : zeros);
}

void trainer::pull() {
  device_state& ds = *dev_;
  ds.values.download(model_.store.values.data());
  optimiser_.m = ds.m.download();
  optimiser_.v = ds.v.download();
}

std::size_t trainer::device_memory() const {
  std::size_t bytes = 0;
  const device_state& ds = *dev_;
  for (const auto* b : {&ds.values, &ds.grads, &ds.m, &ds.v, &ds.frequencies, &ds.times, &ds.ones, &ds.t_arg,
                        &ds.t_features, &ds.t_hidden, &ds.t_slope, &ds.t_emb, &ds.d_emb, &ds.d_t_hidden,
                        &ds.d_t_features, &ds.states, &ds.log_pf, &ds.log_pb, &ds.log_r, &ds.grad_r, &ds.log_w, &ds.g,
                        &ds.out, &ds.d_out, &ds.da, &ds.db, &ds.d_x})
    bytes += b->size() * sizeof(float);
  bytes += ds.adjoint.size() * sizeof(double);
  for (const auto& b : ds.a) bytes += b.size() * sizeof(float);
  for (const auto& b : ds.s) bytes += b.size() * sizeof(float);
  return bytes + ds.group.size() + ds.stats.size() * sizeof(double);
}

bool trainer::recomputed() const { return !dev_->keep; }

std::vector<float> trainer::gradients() const { return dev_->grads.download(); }

iteration_stats trainer::step() {
  device_state& ds = *dev_;
  const long it = iteration_;
  const philox_key key = make_philox_key(settings_.seed);
  const auto grid = make_time_grid(settings_.grid, key, static_cast<std::uint32_t>(it));
  const int B = settings_.batch, T = static_cast<int>(grid.size()) - 1, d = ds.d, H = ds.H, K = ds.K;
  ds.resize(B, T);
  const std::vector<float> times(grid.begin(), grid.end());  // the CPU keeps the grid in float too
  ds.times.upload(times);

  // time embedding of t_0 .. t_{T-1}
  launch_time_features(ds.times.data(), ds.frequencies.data(), ds.value(ds.net.phase), K, T, ds.t_arg.data(),
                       ds.t_features.data(), nullptr);
  ds.affine(ds.net.time1, ds.t_features.data(), 2 * K, T, ds.t_hidden.data());
  launch_bias_activation(ds.t_hidden.data(), ds.t_slope.data(), ds.value(ds.net.time1.b), nullptr, 0, 1, H, T, ds.act,
                         nullptr);
  ds.affine(ds.net.time2, ds.t_hidden.data(), H, T, ds.t_emb.data());
  launch_bias_activation(ds.t_emb.data(), nullptr, ds.value(ds.net.time2.b), nullptr, 0, 1, H, T, kIdentity, nullptr);

  DMT_CUDA_CHECK(cudaMemset(ds.states.data(), 0, static_cast<std::size_t>(d) * B * sizeof(float)));  // x_0 = 0
  float* terminal_states = ds.states.data() + static_cast<std::size_t>(T) * B * d;
  // both ways: odd iterations run backward trajectories from buffer states (drawn on the host)
  const std::vector<float> terminal = backward_batch_terminals(it);
  if (!terminal.empty()) {
    DMT_CUDA_CHECK(cudaMemcpy(terminal_states, terminal.data(), terminal.size() * sizeof(float), cudaMemcpyHostToDevice));
    for (int k = T - 1; k >= 1; --k) {  // simulate_backward's bridge draws (stream 3)
      const double ratio = double(times[k]) / double(times[k + 1]);
      const double sd = std::sqrt(ratio * ds.shape.sigma2 * (double(times[k + 1]) - double(times[k])));
      const rng_site site{key, static_cast<std::uint32_t>(it), trajectory_purpose(0x32u, 3u, k)};
      launch_bridge(d, ds.states.data(), k, B, ratio, sd, site, 0u, nullptr);
    }
    // the policy on every step of the given states (score_states), chunk by chunk unless kept
    const int S = ds.keep ? T : static_cast<int>(ds.chunk_steps);
    for (int k0 = 0; k0 < T; k0 += S) {
      const long n = static_cast<long>(std::min(S, T - k0)) * B;
      const long col0 = ds.keep ? static_cast<long>(k0) * B : 0;
      ds.forward(ds.states.data() + static_cast<std::size_t>(k0) * B * d, n, k0, col0, ds.keep);
      launch_score(ds.shape, ds.out.data() + static_cast<std::size_t>(col0) * ds.n_out, ds.n_out, ds.states.data(),
                   ds.times.data(), k0, B, static_cast<std::size_t>(n), ds.log_pf.data(), ds.log_pb.data(), nullptr);
    }
  } else {  // forward trajectories from x_0 = 0
    const double e = settings_.exploration_at(it);
    for (int k = 0; k < T; ++k) {
      const long col0 = ds.keep ? static_cast<long>(k) * B : 0;
      ds.forward(ds.states.data() + static_cast<std::size_t>(k) * B * d, B, k, col0, ds.keep);
      const rng_site site{key, static_cast<std::uint32_t>(it), trajectory_purpose(0x31u, 0u, k)};
      launch_transition(ds.shape, ds.out.data() + static_cast<std::size_t>(col0) * ds.n_out, ds.n_out,
                        ds.states.data(), k, B, double(times[k]), double(times[k + 1]), e, site, 0u, ds.log_pf.data(),
                        ds.log_pb.data(), nullptr);
    }
  }
  ds.target.visit([&](const auto& kern) { launch_evaluate(kern, terminal_states, B, d, ds.log_r.data(), ds.grad_r.data()); });
  launch_log_weight(ds.log_r.data(), ds.log_pf.data(), ds.log_pb.data(), B, T, ds.log_w.data(), nullptr);
  // the replay buffer and local search stay on the host (a forward batch's terminal states are copied back)
  if (terminal.empty() && buffer_) {
    std::vector<float> x_T(static_cast<std::size_t>(B) * d), log_r(B);
    DMT_CUDA_CHECK(cudaMemcpy(x_T.data(), terminal_states, x_T.size() * sizeof(float), cudaMemcpyDeviceToHost));
    DMT_CUDA_CHECK(cudaMemcpy(log_r.data(), ds.log_r.data(), log_r.size() * sizeof(float), cudaMemcpyDeviceToHost));
    after_batch(it, x_T.data(), log_r.data());
  } else {
    after_batch(it, nullptr, nullptr);
  }

  // losses and gradients
  ds.grads.zero();
  ds.d_emb.zero();
  loss_terms terms;
  for (const auto& l : settings_.losses) {
    terms.kind[terms.n] = l.kind == loss_kind::tb ? 0 : l.kind == loss_kind::vargrad ? 1 : 2;
    terms.weight[terms.n++] = l.weight;
  }
  launch_trajectory_loss(terms, ds.log_w.data(), B, ds.value(ds.log_z_offset), ds.g.data(), ds.grad(ds.log_z_offset),
                         ds.stats.data(), nullptr);
  if (ds.pis) {  // the adjoint backward through the trajectory, chunks (and their steps) last to first
    launch_pis_terminal(d, ds.shape.sigma2, ds.grad_r.data(), ds.states.data(), ds.times.data(), T, B,
                        ds.adjoint.data(), nullptr);
    const int C = static_cast<int>(ds.chunk_steps);
    for (int k0 = ((T - 1) / C) * C; k0 >= 0; k0 -= C) {
      const int S = std::min(C, T - k0);
      if (!ds.keep)
        ds.forward(ds.states.data() + static_cast<std::size_t>(k0) * B * d, static_cast<long>(S) * B, k0, 0, true);
      for (int k = k0 + S - 1; k >= k0; --k) {
        const long col0 = static_cast<long>(ds.keep ? k : k - k0) * B;
        launch_pis_output_gradient(ds.shape, ds.out.data() + static_cast<std::size_t>(col0) * ds.n_out, ds.n_out,
                                   ds.states.data(), ds.times.data(), k, B, ds.adjoint.data(), ds.d_out.data(),
                                   nullptr);
        ds.backward_layers(k, B, col0, k > 0 ? ds.d_x.data() : nullptr);  // x_0 is fixed
        if (k > 0)
          launch_pis_adjoint_step(d, ds.shape.sigma2, ds.states.data(), ds.times.data(), k, B, ds.d_x.data(),
                                  ds.adjoint.data(), nullptr);
      }
    }
  } else {
    for (int k0 = 0; k0 < T; k0 += static_cast<int>(ds.chunk_steps)) {
      const int S = std::min(static_cast<int>(ds.chunk_steps), T - k0);
      const long n = static_cast<long>(S) * B;
      if (!ds.keep) ds.forward(ds.states.data() + static_cast<std::size_t>(k0) * B * d, n, k0, 0, true);
      ds.backward(k0, n, ds.keep ? static_cast<long>(k0) * B : 0);
    }
  }
  {
    const float one = 1.0f;
    DMT_CUBLAS_CHECK(cublasSgemv(ds.blas, CUBLAS_OP_N, H, T, &one, ds.d_emb.data(), H, ds.ones.data(), 1, &one,
                                 ds.grad(ds.net.state.b), 1));
  }
  ds.affine_backward(ds.net.time2, ds.t_hidden.data(), H, T, ds.d_emb.data(), ds.d_t_hidden.data(), true);
  launch_scale_by_slope(ds.d_t_hidden.data(), ds.t_slope.data(), static_cast<std::size_t>(H) * T, nullptr);
  ds.affine_backward(ds.net.time1, ds.t_features.data(), 2 * K, T, ds.d_t_hidden.data(), ds.d_t_features.data(), true);
  launch_phase_gradient(ds.d_t_features.data(), ds.t_arg.data(), K, T, ds.grad(ds.net.phase), nullptr);
  launch_sum_squares(ds.grads.data(), ds.grads.size(), ds.stats.data() + 2, nullptr);

  double stats[3];
  DMT_CUDA_CHECK(cudaMemcpy(stats, ds.stats.data(), sizeof stats, cudaMemcpyDeviceToHost));
  iteration_stats st;
  st.loss = stats[0];
  st.mean_log_w = stats[1];
  if (!std::isfinite(st.loss)) throw training_diverged(it, "the loss is not finite at iteration " + std::to_string(it));
  if (!std::isfinite(stats[2]))
    throw training_diverged(it, "a gradient is not finite at iteration " + std::to_string(it));

  // Adam (adam.cpp's order: clip, count the step, bias corrections, update)
  const adam_settings& os = settings_.optimiser;
  const double norm = std::sqrt(stats[2]);
  float scale = 1.0f;
  if (os.clip_norm > 0.0 && norm > os.clip_norm) scale = float(os.clip_norm / (norm + 1e-6));
  ++optimiser_.steps;
  const double bc1 = 1.0 - std::pow(os.beta1, double(optimiser_.steps));
  const double bc2 = 1.0 - std::pow(os.beta2, double(optimiser_.steps));
  adam_groups groups;
  for (std::size_t i = 0; i < ds.group_names.size(); ++i) groups.c[i] = coefficients<float>(os, ds.group_names[i], bc1, bc2);
  launch_adam(groups, ds.group.data(), ds.values.size(), scale, ds.grads.data(), ds.values.data(), ds.m.data(),
              ds.v.data(), nullptr);
  float log_z = 0.0f;
  DMT_CUDA_CHECK(cudaMemcpy(&log_z, ds.value(ds.log_z_offset), sizeof log_z, cudaMemcpyDeviceToHost));
  model_.store.values[model_.log_z_offset] = log_z;
  st.grad_norm = norm;
  st.log_z = log_z;
  ++iteration_;
  return st;
}

local_search_result trainer::run_search(const std::vector<float>& start, std::uint64_t seed) {
  const std::size_t n = start.size() / static_cast<std::size_t>(settings_.model.dim);
  langevin_sampler mala(target_, local_search_sampler_settings(settings_.local_search, search_step_), n, seed);
  mala.set_particles(start);
  return run_local_search(mala, settings_.local_search);
}

}  // namespace dmt::cuda
