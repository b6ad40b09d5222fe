// Host side of the device trainer (trainer.hpp): buffers, the cuBLAS calls of the network and the
// order of the kernels of one iteration.
#include <cublas_v2.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "dmt/cuda/adam_kernels.cuh"
#include "dmt/cuda/device_replay_buffer.hpp"
#include "dmt/cuda/device_target.cuh"
#include "dmt/cuda/evaluate_kernel.cuh"
#include "dmt/cuda/flow_kernels.cuh"
#include "dmt/cuda/hessian_vector_kernel.cuh"
#include "dmt/cuda/langevin_kernels.cuh"
#include "dmt/cuda/learned_backward_kernels.cuh"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/cuda/loss_kernels.cuh"
#include "dmt/cuda/network_kernels.cuh"
#include "dmt/cuda/pis_kernels.cuh"
#include "dmt/cuda/trainer.hpp"
#include "dmt/cuda/trajectory_kernels.cuh"
#include "dmt/diffusion/flow_losses.hpp"
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
  int trajectory = 0, flow = 0;
  for (const auto& l : s.losses) {
    (loss_needs_flow(l.kind) ? flow : trajectory) += 1;
    if (l.kind == loss_kind::subtb && !(l.lambda > 0.0)) throw input_error("subtb's lambda must be positive");
  }
  if (trajectory > loss_terms::kMax || flow > flow_loss_terms::kMax)
    throw input_error("--device cuda takes at most " + std::to_string(loss_terms::kMax) + " trajectory losses and " +
                      std::to_string(flow_loss_terms::kMax) + " flow losses");
}

// One network of the model on the device (the policy, the flow network of db / subtb, the learned
// backward kernel's NN_B, or the time-only scale network NN2 of the Langevin parametrisation, which
// has no state input): where its parameters lie in the store, its time embedding and its activations.
struct device_network {
  diffusion_network<float>::layout net;
  int H = 0, K = 0, L = 0, n_out = 0, in = 0;
  device_buffer<float> frequencies;
  device_buffer<float> t_arg, t_features, t_hidden, t_slope, t_emb, d_emb, d_t_hidden, d_t_features;
  std::vector<device_buffer<float>> a, s;  // L + 1 activations and slopes, H x (kept or chunk) columns
  device_buffer<float> out, d_out, da, db;

  void setup(const diffusion_network<float>& n) {
    net = n.parts();
    H = net.state.out;
    K = static_cast<int>(net.frequencies.size());
    L = static_cast<int>(net.joint.size());
    n_out = net.out.out;
    in = net.state.in;
    frequencies.upload(net.frequencies);
  }
  // Bytes of activations, slopes and outputs per column.
  double bytes_per_column() const { return 4.0 * (2.0 * (L + 1) * H + n_out); }
  std::size_t activation_bytes() const {
    std::size_t bytes = out.size() * sizeof(float);
    for (const auto& b : a) bytes += b.size() * sizeof(float);
    for (const auto& b : s) bytes += b.size() * sizeof(float);
    return bytes;
  }
  // nt embedded times, activations for act_cols columns, a backward chunk of cols columns
  // (d_out only with own_d_out: the flow's output gradient is read from d log F in place).
  void resize(int nt, std::size_t act_cols, std::size_t cols, bool own_d_out) {
    t_arg.resize(static_cast<std::size_t>(K) * nt);
    t_features.resize(2 * t_arg.size());
    d_t_features.resize(2 * t_arg.size());
    for (auto* b : {&t_hidden, &t_slope, &t_emb, &d_emb, &d_t_hidden}) b->resize(static_cast<std::size_t>(H) * nt);
    a.resize(L + 1);
    s.resize(L + 1);
    for (int l = 0; l <= L; ++l) {
      a[l].resize(static_cast<std::size_t>(H) * act_cols);
      s[l].resize(static_cast<std::size_t>(H) * act_cols);
    }
    out.resize(static_cast<std::size_t>(n_out) * act_cols);
    d_out.resize(own_d_out ? static_cast<std::size_t>(n_out) * cols : 0);
    da.resize(static_cast<std::size_t>(H) * cols);
    db.resize(static_cast<std::size_t>(H) * cols);
  }
  std::size_t bytes() const {
    std::size_t bytes = activation_bytes();
    for (const auto* b : {&frequencies, &t_arg, &t_features, &t_hidden, &t_slope, &t_emb, &d_emb, &d_t_hidden,
                          &d_t_features, &d_out, &da, &db})
      bytes += b->size() * sizeof(float);
    return bytes;
  }
};

}  // namespace

struct trainer::device_state {
  explicit device_state(const target& t) : target(t) {
    DMT_CUBLAS_CHECK(cublasCreate(&blas));
    DMT_CUBLAS_CHECK(cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH));  // FP32 throughout (no TF32)
  }
  ~device_state() { cublasDestroy(blas); }
  device_target target;
  cublasHandle_t blas{};
  transition_shape shape;
  int d = 0, act = 0;
  std::size_t log_z_offset = 0;
  device_network policy, flow, scale, back;
  bool has_back = false;  // the learned backward kernel
  learned_backward_shape back_shape;
  bool has_flow = false, forward_looking = false;
  // parameters, gradients, Adam moments, parameter group (index into group_names) per parameter
  device_buffer<float> values, grads, m, v;
  device_buffer<std::uint8_t> group;
  std::vector<std::string> group_names;
  // sizes the per-iteration buffers were made for
  int batch = 0, steps = 0;
  long chunk_columns = 0, chunk_steps = 0;  // chunk_columns 0: automatic
  bool keep = false;
  device_buffer<float> times, ones;
  device_buffer<float> states, log_pf, log_pb, log_r, grad_r, log_w, g;
  device_buffer<double> stats;  // loss, mean log w, squared gradient norm
  bool pis = false;                  // reverse KL through the trajectory (the pis loss, trained alone)
  device_buffer<double> adjoint;     // pis: d L / d x_k, dim x B
  device_buffer<float> d_x;          // pis: the network's input gradient of one step, dim x B
  // db / subtb: log F and the gradients (step-major, (T + 1) B and T B), subtb's normalisers and
  // scratch, per-trajectory loss values and log Z gradients, log R (and its unused gradient) of one
  // chunk of interior states for the forward-looking flow
  device_buffer<float> log_f, d_log_f, d_log_pf, flow_dz, log_r_mid, grad_mid;
  device_buffer<double> log_norm, cum, diff, flow_values;
  flow_loss_terms flow_terms;
  // the Langevin parametrisation: the clipped score and the drift of every column (dim x B T), each
  // column's part of d loss / d s_k, d loss / d s (T), log R of one chunk (unused)
  bool lgv = false;
  double lgv_clip = 0.0, drift_clip = 0.0;
  device_buffer<float> score, drift, d_scale, lgv_log_r;
  device_buffer<double> lgv_ds;
  // pis with the Langevin parametrisation: one step's Hessian-vector direction and products, and
  // the products' double scratch (3 dim per particle)
  device_buffer<float> pis_w, hv;
  device_buffer<double> hv_scratch;
  // the replay and local-search buffers (the host's buffer_ / search_buffer_ are synced by pull and
  // push, for checkpoints and resuming), a local search's start states
  std::unique_ptr<device_replay_buffer> buffer, search;
  device_buffer<float> search_start;

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

  // The time embedding of nt times into n.t_emb (one column per time).
  void time_embedding(device_network& n, const float* t, int nt) {
    launch_time_features(t, n.frequencies.data(), value(n.net.phase), n.K, nt, n.t_arg.data(), n.t_features.data(),
                         nullptr);
    affine(n.net.time1, n.t_features.data(), 2 * n.K, nt, n.t_hidden.data());
    launch_bias_activation(n.t_hidden.data(), n.t_slope.data(), value(n.net.time1.b), nullptr, 0, 1, n.H, nt, act,
                           nullptr);
    affine(n.net.time2, n.t_hidden.data(), n.H, nt, n.t_emb.data());
    launch_bias_activation(n.t_emb.data(), nullptr, value(n.net.time2.b), nullptr, 0, 1, n.H, nt, kIdentity, nullptr);
  }

  // The network on `cols` columns of states x (per_emb columns per step, B unless given; the first
  // step's time embedding in column e0 of n.t_emb), into columns [col0, col0 + cols) of the
  // activation buffers; n.out gets the outputs with their bias. A network without state input
  // (n.in == 0) ignores x.
  void forward(device_network& n, const float* x, long cols, int e0, long col0, bool slopes, long per_emb = 0) {
    const int H = n.H, L = n.L;
    const std::size_t hoff = static_cast<std::size_t>(col0) * H;
    if (n.in > 0)
      affine(n.net.state, x, n.in, cols, n.a[0].data() + hoff);
    else
      DMT_CUDA_CHECK(cudaMemset(n.a[0].data() + hoff, 0, static_cast<std::size_t>(H) * cols * sizeof(float)));
    launch_bias_activation(n.a[0].data() + hoff, slopes ? n.s[0].data() + hoff : nullptr, value(n.net.state.b),
                           n.t_emb.data(), e0, per_emb > 0 ? per_emb : batch, H, cols, act, nullptr);
    for (int l = 0; l < L; ++l) {
      affine(n.net.joint[l], n.a[l].data() + hoff, H, cols, n.a[l + 1].data() + hoff);
      launch_bias_activation(n.a[l + 1].data() + hoff, slopes ? n.s[l + 1].data() + hoff : nullptr,
                             value(n.net.joint[l].b), nullptr, 0, 1, H, cols, act, nullptr);
    }
    float* o = n.out.data() + static_cast<std::size_t>(col0) * n.n_out;
    affine(n.net.out, n.a[L].data() + hoff, H, cols, o);
    launch_bias_activation(o, nullptr, value(n.net.out.b), nullptr, 0, 1, n.n_out, cols, kIdentity, nullptr);
  }

  // Back through the layers from the output gradients d_out of `cols` columns of states x (time
  // embedding columns from e0) whose activations start at column col0 (n.da, n.db hold one chunk);
  // dx (dim x cols), when given, gets the gradient w.r.t. the states.
  void backward_layers(device_network& n, const float* x, long cols, int e0, long col0, const float* d_out,
                       float* dx, long per_emb = 0) {
    const long pe = per_emb > 0 ? per_emb : batch;
    const int H = n.H, L = n.L;
    const std::size_t hoff = static_cast<std::size_t>(col0) * H;
    affine_backward(n.net.out, n.a[L].data() + hoff, H, cols, d_out, n.da.data(), true);
    for (int l = L - 1; l >= 0; --l) {
      launch_scale_by_slope(n.da.data(), n.s[l + 1].data() + hoff, static_cast<std::size_t>(H) * cols, nullptr);
      affine_backward(n.net.joint[l], n.a[l].data() + hoff, H, cols, n.da.data(), n.db.data(), true);
      std::swap(n.da, n.db);
    }
    launch_scale_by_slope(n.da.data(), n.s[0].data() + hoff, static_cast<std::size_t>(H) * cols, nullptr);
    // the state layer's bias gradient is the sum of d_emb over the steps (added by time_backward)
    if (n.in > 0) affine_backward(n.net.state, x, n.in, cols, n.da.data(), dx, false);
    // d_emb(:, e) += sum of the pe columns of step e
    const float one = 1.0f;
    const int S = static_cast<int>(cols / pe);
    DMT_CUBLAS_CHECK(cublasSgemvStridedBatched(blas, CUBLAS_OP_N, H, static_cast<int>(pe), &one, n.da.data(), H,
                                               static_cast<long long>(H) * pe, ones.data(), 1, 0, &one,
                                               n.d_emb.data() + static_cast<std::size_t>(e0) * H, 1, H, S));
  }

  // The parameter gradients of the time embedding (nt times) and the state layer's bias from d_emb.
  void time_backward(device_network& n, int nt) {
    const int H = n.H;
    const float one = 1.0f;
    DMT_CUBLAS_CHECK(cublasSgemv(blas, CUBLAS_OP_N, H, nt, &one, n.d_emb.data(), H, ones.data(), 1, &one,
                                 grad(n.net.state.b), 1));
    affine_backward(n.net.time2, n.t_hidden.data(), H, nt, n.d_emb.data(), n.d_t_hidden.data(), true);
    launch_scale_by_slope(n.d_t_hidden.data(), n.t_slope.data(), static_cast<std::size_t>(H) * nt, nullptr);
    affine_backward(n.net.time1, n.t_features.data(), 2 * n.K, nt, n.d_t_hidden.data(), n.d_t_features.data(), true);
    launch_phase_gradient(n.d_t_features.data(), n.t_arg.data(), n.K, nt, grad(n.net.phase), nullptr);
  }

  // Langevin parametrisation: the score at the states of the n columns of steps k0 .. (their policy
  // outputs from column col0 of policy.out) and the drift, into the per-column arrays.
  void langevin_columns_for(int k0, long n, long col0) {
    const std::size_t off = static_cast<std::size_t>(k0) * batch * d;
    target.visit([&](const auto& kern) { launch_evaluate(kern, states.data() + off, n, d, lgv_log_r.data(), score.data() + off); });
    launch_langevin_drift(policy.out.data() + static_cast<std::size_t>(col0) * policy.n_out, policy.n_out,
                          scale.out.data(), k0, batch, n, d, lgv_clip, drift_clip, score.data(), drift.data(), nullptr);
  }

  // The policy's gradients for the trajectory and flow losses: the n columns of steps k0 ..
  // whose activations start at column col0.
  void policy_backward(int k0, long n, long col0) {
    device_network& p = policy;
    langevin_columns lc;
    if (lgv) lc = langevin_columns{drift.data(), score.data(), drift_clip, lgv_ds.data()};
    launch_output_gradient(shape, p.out.data() + static_cast<std::size_t>(col0) * p.n_out, p.n_out, lc, states.data(),
                           times.data(), k0, batch, n, g.data(), has_flow ? d_log_pf.data() : nullptr, p.d_out.data(),
                           nullptr);
    backward_layers(p, states.data() + static_cast<std::size_t>(k0) * batch * d, n, k0, col0, p.d_out.data(),
                    nullptr);
  }

  // f(k0, n) for the chunks of interior steps 1 .. T-1 (chunk_steps steps, n = S B columns each):
  // where the flow network and NN_B run.
  template <class F>
  void for_interior_chunks(int T, F&& f) {
    for (int k0 = 1; k0 < T; k0 += static_cast<int>(chunk_steps))
      f(k0, static_cast<long>(std::min(static_cast<int>(chunk_steps), T - k0)) * batch);
  }

  // log F of every step: the flow network on the interior states (chunk by chunk unless kept),
  // log Z and log R at the ends.
  void flow_forward(int T) {
    if (T >= 2) {
      time_embedding(flow, times.data() + 1, T - 1);
      for_interior_chunks(T, [&](int k0, long n) {
        const long col0 = keep ? static_cast<long>(k0 - 1) * batch : 0;
        const float* x = states.data() + static_cast<std::size_t>(k0) * batch * d;
        forward(flow, x, n, k0 - 1, col0, keep);
        if (forward_looking)
          target.visit([&](const auto& kern) { launch_evaluate(kern, x, n, d, log_r_mid.data(), grad_mid.data()); });
        launch_flow_output(flow.out.data() + col0, states.data(), times.data(), k0, batch, n, d, shape.sigma2,
                           forward_looking, log_r_mid.data(), log_f.data(), nullptr);
      });
    }
    launch_flow_ends(value(log_z_offset), log_r.data(), batch, T, log_f.data(), nullptr);
  }

  // Learned backward kernel: log p_B of steps 1 .. T-1 from NN_B at x_{k+1}, t_{k+1} (chunk by chunk
  // unless kept; its time embedding is computed at the start of the iteration). evaluated: NN_B's
  // kept activations already hold every step (a backward batch's draws computed them).
  void back_log_pb(int T, bool evaluated) {
    for_interior_chunks(T, [&](int k0, long n) {
      const long col0 = keep ? static_cast<long>(k0 - 1) * batch : 0;
      if (!(keep && evaluated))
        forward(back, states.data() + static_cast<std::size_t>(k0 + 1) * batch * d, n, k0 - 1, col0, keep);
      launch_learned_log_pb(back_shape, back.out.data() + static_cast<std::size_t>(col0) * back.n_out, states.data(),
                            times.data(), k0, batch, n, log_pb.data(), nullptr);
    });
  }

  // NN_B's gradients (d loss / d log p_B = -d loss / d log p_F), then its time embedding's.
  void back_backward(int T) {
    if (T < 2) return;
    for_interior_chunks(T, [&](int k0, long n) {
      const long col0 = keep ? static_cast<long>(k0 - 1) * batch : 0;
      const float* x1 = states.data() + static_cast<std::size_t>(k0 + 1) * batch * d;
      if (!keep) forward(back, x1, n, k0 - 1, 0, true);
      launch_learned_backward_gradient(back_shape, back.out.data() + static_cast<std::size_t>(col0) * back.n_out,
                                       states.data(), times.data(), k0, batch, n, g.data(),
                                       has_flow ? d_log_pf.data() : nullptr, back.d_out.data(), nullptr);
      backward_layers(back, x1, n, k0 - 1, col0, back.d_out.data(), nullptr);
    });
    time_backward(back, T - 1);
  }

  // The flow network's gradients from d log F of the interior steps.
  void flow_backward(int T) {
    if (T < 2) return;
    for_interior_chunks(T, [&](int k0, long n) {
      const float* x = states.data() + static_cast<std::size_t>(k0) * batch * d;
      if (!keep) forward(flow, x, n, k0 - 1, 0, true);
      backward_layers(flow, x, n, k0 - 1, keep ? static_cast<long>(k0 - 1) * batch : 0,
                      d_log_f.data() + static_cast<std::size_t>(k0) * batch, nullptr);
    });
    time_backward(flow, T - 1);
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
      free += policy.activation_bytes() + flow.activation_bytes() + back.activation_bytes();  // reallocated below
      double per_column = policy.bytes_per_column();
      if (has_flow) per_column += flow.bytes_per_column();
      if (has_back) per_column += back.bytes_per_column();
      keep = per_column * double(total) <= 0.75 * double(free);
      chunk_steps = std::min<long>(T, std::max(1L, trainer::kChunkColumns / B));
    }
    const std::size_t cols = static_cast<std::size_t>(chunk_steps) * B;  // one backward chunk
    times.resize(T + 1);
    ones.resize(std::max<std::size_t>({cols, static_cast<std::size_t>(T), static_cast<std::size_t>(B), 1}));
    launch_fill(ones.data(), ones.size(), 1.0f, nullptr);
    policy.resize(T, keep ? static_cast<std::size_t>(total) : cols, cols, true);
    if (has_back) {
      const std::size_t interior = static_cast<std::size_t>(B) * std::max(T - 1, 0);
      back.resize(std::max(T - 1, 1), keep ? std::max<std::size_t>(interior, 1) : cols, cols, true);
    }
    if (lgv) {
      scale.resize(T, T, T, false);
      for (auto* b : {&score, &drift}) b->resize(static_cast<std::size_t>(d) * total);
      lgv_ds.resize(total);
      pis_w.resize(pis ? static_cast<std::size_t>(B) * d : 0);
      hv.resize(pis_w.size());
      hv_scratch.resize(3 * pis_w.size());
      d_scale.resize(T);
      lgv_log_r.resize(keep ? static_cast<std::size_t>(total) : cols);  // backward batches score S B columns at once
    }
    if (has_flow) {
      const std::size_t interior = static_cast<std::size_t>(B) * std::max(T - 1, 0);
      flow.resize(std::max(T - 1, 1), keep ? std::max<std::size_t>(interior, 1) : cols, cols, false);
      log_f.resize(static_cast<std::size_t>(B) * (T + 1));
      d_log_f.resize(log_f.size());
      d_log_pf.resize(total);
      flow_dz.resize(B);
      flow_values.resize(B);
      bool subtb = false;
      for (int t = 0; t < flow_terms.n; ++t) subtb = subtb || flow_terms.kind[t] == 1;
      cum.resize(subtb ? static_cast<std::size_t>(B) * (T + 1) : 0);
      diff.resize(cum.size());
      std::vector<double> norms(static_cast<std::size_t>(flow_terms.n) * T, 0.0);
      for (int t = 0; t < flow_terms.n; ++t)
        if (flow_terms.kind[t] == 1)
          for (int i = 0; i < T; ++i) norms[static_cast<std::size_t>(t) * T + i] = subtb_log_norm(T, i, flow_terms.log_lambda[t]);
      log_norm.upload(norms);
      log_r_mid.resize(forward_looking ? cols : 0);
      grad_mid.resize(forward_looking ? cols * d : 0);
    }
    states.resize(static_cast<std::size_t>(d) * B * (T + 1));
    log_pf.resize(total);
    log_pb.resize(total);
    for (auto* b : {&log_r, &log_w, &g}) b->resize(B);
    grad_r.resize(static_cast<std::size_t>(B) * d);
    adjoint.resize(pis ? static_cast<std::size_t>(B) * d : 0);
    d_x.resize(pis ? static_cast<std::size_t>(B) * d : 0);
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
  ds.policy.setup(model_.policy);
  ds.lgv = c.langevin;
  ds.lgv_clip = c.lgv_clip;
  ds.drift_clip = c.drift_clip;
  if (ds.lgv) ds.scale.setup(*model_.scale);
  ds.has_back = c.learned_backward;
  if (ds.has_back) {
    ds.back.setup(*model_.back);
    ds.back_shape = learned_backward_shape{c.dim, c.sigma2, c.pb_scale_range};
  }
  ds.shape = transition_shape{c.dim, c.sigma2, c.learned_variance, c.log_var_range};
  ds.d = c.dim;
  ds.act = static_cast<int>(c.act);
  ds.log_z_offset = model_.log_z_offset;
  ds.pis = s.losses.front().kind == loss_kind::pis;  // alone (the base constructor checks)
  for (const auto& l : s.losses)
    if (loss_needs_flow(l.kind)) {
      flow_loss_terms& f = ds.flow_terms;
      f.kind[f.n] = l.kind == loss_kind::db ? 0 : 1;
      f.weight[f.n] = l.weight;
      f.log_lambda[f.n++] = std::log(l.lambda);
    }
  ds.has_flow = ds.flow_terms.n > 0;  // the base constructor checked that the model has a flow network
  if (ds.has_flow) ds.flow.setup(*model_.flow);
  ds.forward_looking = ds.has_flow && c.forward_looking;
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
  if (buffer_) ds.buffer = std::make_unique<device_replay_buffer>(c.dim, s.buffer);
  if (search_buffer_) ds.search = std::make_unique<device_replay_buffer>(c.dim, s.buffer);
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
  if (ds.buffer) ds.buffer->upload(*buffer_);
  if (ds.search) ds.search->upload(*search_buffer_);
}

void trainer::pull() {
  device_state& ds = *dev_;
  ds.values.download(model_.store.values.data());
  optimiser_.m = ds.m.download();
  optimiser_.v = ds.v.download();
  if (ds.buffer) ds.buffer->download(*buffer_);
  if (ds.search) ds.search->download(*search_buffer_);
}

std::size_t trainer::device_memory() const {
  std::size_t bytes = 0;
  const device_state& ds = *dev_;
  for (const auto* b : {&ds.values, &ds.grads, &ds.m, &ds.v, &ds.times, &ds.ones, &ds.states, &ds.log_pf, &ds.log_pb,
                        &ds.log_r, &ds.grad_r, &ds.log_w, &ds.g, &ds.d_x, &ds.log_f, &ds.d_log_f, &ds.d_log_pf,
                        &ds.flow_dz, &ds.log_r_mid, &ds.grad_mid, &ds.score, &ds.drift, &ds.d_scale, &ds.lgv_log_r, &ds.pis_w, &ds.hv})
    bytes += b->size() * sizeof(float);
  for (const auto* b : {&ds.adjoint, &ds.log_norm, &ds.cum, &ds.diff, &ds.flow_values, &ds.stats, &ds.lgv_ds, &ds.hv_scratch})
    bytes += b->size() * sizeof(double);
  for (const auto* b : {ds.buffer.get(), ds.search.get()})
    if (b) bytes += b->device_memory();
  bytes += ds.search_start.size() * sizeof(float);
  return bytes + ds.policy.bytes() + ds.flow.bytes() + ds.scale.bytes() + ds.back.bytes() + ds.group.size();
}

bool trainer::recomputed() const { return !dev_->keep; }

std::vector<float> trainer::gradients() const { return dev_->grads.download(); }

iteration_stats trainer::step() {
  device_state& ds = *dev_;
  device_network& pol = ds.policy;
  const long it = iteration_;
  const philox_key key = make_philox_key(settings_.seed);
  const auto grid = make_time_grid(settings_.grid, key, static_cast<std::uint32_t>(it));
  const int B = settings_.batch, T = static_cast<int>(grid.size()) - 1, d = ds.d;
  ds.resize(B, T);
  const std::vector<float> times(grid.begin(), grid.end());  // the CPU keeps the grid in float too
  ds.times.upload(times);

  ds.time_embedding(pol, ds.times.data(), T);  // of t_0 .. t_{T-1}
  if (ds.lgv) {  // s_k = NN2(t_k), one column per step
    ds.time_embedding(ds.scale, ds.times.data(), T);
    ds.forward(ds.scale, nullptr, T, 0, 0, true, 1);
  }
  if (ds.has_back && T >= 2) ds.time_embedding(ds.back, ds.times.data() + 2, T - 1);  // of t_2 .. t_T

  DMT_CUDA_CHECK(cudaMemset(ds.states.data(), 0, static_cast<std::size_t>(d) * B * sizeof(float)));  // x_0 = 0
  float* terminal_states = ds.states.data() + static_cast<std::size_t>(T) * B * d;
  // both ways: odd iterations run backward trajectories from buffer states (drawn on the device; the
  // local-search buffer's once it holds any)
  const device_replay_buffer* source = ds.search && ds.search->size() > 0 ? ds.search.get() : ds.buffer.get();
  const bool backward = source && backward_iteration(it, source->size());
  if (backward) {
    source->sample(B, key, static_cast<std::uint32_t>(it), kBufferPurpose, terminal_states);
    for (int k = T - 1; k >= 1; --k) {  // simulate_backward's draws (stream 3): the bridge, or the learned kernel
      const rng_site site{key, static_cast<std::uint32_t>(it), trajectory_purpose(0x32u, 3u, k)};
      if (ds.has_back) {
        const long col0 = ds.keep ? static_cast<long>(k - 1) * B : 0;
        ds.forward(ds.back, ds.states.data() + static_cast<std::size_t>(k + 1) * B * d, B, k - 1, col0, ds.keep);
        launch_learned_backward_sample(ds.back_shape, ds.back.out.data() + static_cast<std::size_t>(col0) * ds.back.n_out,
                                       ds.states.data(), k, B, double(times[k]), double(times[k + 1]), site, 0u, nullptr);
        continue;
      }
      const double ratio = double(times[k]) / double(times[k + 1]);
      const double sd = std::sqrt(ratio * ds.shape.sigma2 * (double(times[k + 1]) - double(times[k])));
      launch_bridge(d, ds.states.data(), k, B, ratio, sd, site, 0u, nullptr);
    }
    // the policy on every step of the given states (score_states), chunk by chunk unless kept
    const int S = ds.keep ? T : static_cast<int>(ds.chunk_steps);
    for (int k0 = 0; k0 < T; k0 += S) {
      const long n = static_cast<long>(std::min(S, T - k0)) * B;
      const long col0 = ds.keep ? static_cast<long>(k0) * B : 0;
      ds.forward(pol, ds.states.data() + static_cast<std::size_t>(k0) * B * d, n, k0, col0, ds.keep);
      if (ds.lgv) ds.langevin_columns_for(k0, n, col0);
      launch_score(ds.shape, pol.out.data() + static_cast<std::size_t>(col0) * pol.n_out, pol.n_out,
                   ds.lgv ? ds.drift.data() : nullptr, ds.states.data(), ds.times.data(), k0, B,
                   static_cast<std::size_t>(n), ds.log_pf.data(), ds.log_pb.data(), nullptr);
    }
  } else {  // forward trajectories from x_0 = 0
    const double e = settings_.exploration_at(it);
    for (int k = 0; k < T; ++k) {
      const long col0 = ds.keep ? static_cast<long>(k) * B : 0;
      ds.forward(pol, ds.states.data() + static_cast<std::size_t>(k) * B * d, B, k, col0, ds.keep);
      if (ds.lgv) ds.langevin_columns_for(k, B, col0);
      const rng_site site{key, static_cast<std::uint32_t>(it), trajectory_purpose(0x31u, 0u, k)};
      launch_transition(ds.shape, pol.out.data() + static_cast<std::size_t>(col0) * pol.n_out, pol.n_out,
                        ds.lgv ? ds.drift.data() + static_cast<std::size_t>(k) * B * d : nullptr, ds.states.data(), k,
                        B, double(times[k]), double(times[k + 1]), e, site, 0u, ds.log_pf.data(), ds.log_pb.data(),
                        nullptr);
    }
  }
  if (ds.has_back) ds.back_log_pb(T, backward);  // log p_B of steps >= 1 from NN_B (apply_learned_backward)
  ds.target.visit([&](const auto& kern) { launch_evaluate(kern, terminal_states, B, d, ds.log_r.data(), ds.grad_r.data()); });
  launch_log_weight(ds.log_r.data(), ds.log_pf.data(), ds.log_pb.data(), B, T, ds.log_w.data(), nullptr);
  // a forward batch's terminal states enter the buffer; a local search when one is due (its start
  // states drawn on the device, MALA on the device, the results into the local-search buffer)
  if (!backward && ds.buffer) ds.buffer->add(terminal_states, ds.log_r.data(), static_cast<std::size_t>(B));
  if (ds.buffer && search_due(it, ds.buffer->size())) {
    ds.search_start.resize(static_cast<std::size_t>(B) * d);
    ds.buffer->sample(B, key, static_cast<std::uint32_t>(it), kSearchPurpose, ds.search_start.data());
    const local_search_result r = run_search(ds.search_start.download(), search_seed(it));
    search_step_ = r.step_size;
    ds.search->add_host(r.x.data(), r.log_r.data(), r.log_r.size());
  }

  // losses and gradients
  ds.grads.zero();
  pol.d_emb.zero();
  if (ds.lgv) ds.scale.d_emb.zero();
  if (ds.has_back) ds.back.d_emb.zero();
  loss_terms terms;
  for (const auto& l : settings_.losses) {
    if (loss_needs_flow(l.kind)) continue;
    terms.kind[terms.n] = l.kind == loss_kind::tb ? 0 : l.kind == loss_kind::vargrad ? 1 : 2;
    terms.weight[terms.n++] = l.weight;
  }
  launch_trajectory_loss(terms, ds.log_w.data(), B, ds.value(ds.log_z_offset), ds.g.data(), ds.grad(ds.log_z_offset),
                         ds.stats.data(), nullptr);
  if (ds.has_flow) {  // db / subtb: log F, then the per-trajectory losses (after the trajectory losses' stats)
    ds.flow.d_emb.zero();
    ds.flow_forward(T);
    launch_flow_losses(ds.flow_terms, ds.log_f.data(), ds.log_pf.data(), ds.log_pb.data(), B, T, ds.log_norm.data(),
                       ds.cum.data(), ds.diff.data(), ds.d_log_pf.data(), ds.d_log_f.data(), ds.flow_values.data(),
                       ds.flow_dz.data(), nullptr);
    launch_flow_loss_sum(ds.flow_values.data(), ds.flow_dz.data(), B, ds.stats.data(), ds.grad(ds.log_z_offset),
                         nullptr);
  }
  if (ds.pis) {  // the adjoint backward through the trajectory, chunks (and their steps) last to first
    launch_pis_terminal(d, ds.shape.sigma2, ds.grad_r.data(), ds.states.data(), ds.times.data(), T, B,
                        ds.adjoint.data(), nullptr);
    const int C = static_cast<int>(ds.chunk_steps);
    pis_langevin pl;
    if (ds.lgv)
      pl = pis_langevin{ds.drift.data(), ds.score.data(), ds.scale.out.data(), ds.drift_clip, ds.lgv_clip,
                        ds.lgv_ds.data(), ds.pis_w.data()};
    for (int k0 = ((T - 1) / C) * C; k0 >= 0; k0 -= C) {
      const int S = std::min(C, T - k0);
      if (!ds.keep)
        ds.forward(pol, ds.states.data() + static_cast<std::size_t>(k0) * B * d, static_cast<long>(S) * B, k0, 0, true);
      for (int k = k0 + S - 1; k >= k0; --k) {
        const long col0 = static_cast<long>(ds.keep ? k : k - k0) * B;
        launch_pis_output_gradient(ds.shape, pol.out.data() + static_cast<std::size_t>(col0) * pol.n_out, pol.n_out, pl,
                                   ds.states.data(), ds.times.data(), k, B, ds.adjoint.data(), pol.d_out.data(),
                                   nullptr);
        ds.backward_layers(pol, ds.states.data() + static_cast<std::size_t>(k) * B * d, B, k, col0, pol.d_out.data(),
                           k > 0 ? ds.d_x.data() : nullptr);  // x_0 is fixed
        if (k == 0) continue;
        const float* hv = nullptr;
        if (ds.lgv) {  // s_k H(x_k) (d L / d u): the Langevin term's way back to x_k
          const float* xk = ds.states.data() + static_cast<std::size_t>(k) * B * d;
          ds.target.visit([&](const auto& kern) {
            launch_hessian_vector(kern, xk, ds.pis_w.data(), B, d, ds.hv_scratch.data(), ds.hv.data());
          });
          hv = ds.hv.data();
        }
        launch_pis_adjoint_step(d, ds.shape.sigma2, ds.states.data(), ds.times.data(), k, B, ds.d_x.data(), hv,
                                ds.adjoint.data(), nullptr);
      }
    }
  } else {
    for (int k0 = 0; k0 < T; k0 += static_cast<int>(ds.chunk_steps)) {
      const int S = std::min(static_cast<int>(ds.chunk_steps), T - k0);
      const long n = static_cast<long>(S) * B;
      if (!ds.keep) ds.forward(pol, ds.states.data() + static_cast<std::size_t>(k0) * B * d, n, k0, 0, true);
      ds.policy_backward(k0, n, ds.keep ? static_cast<long>(k0) * B : 0);
    }
  }
  ds.time_backward(pol, T);
  if (ds.lgv) {  // d loss / d s_k, back through NN2
    launch_scale_gradient(ds.lgv_ds.data(), B, T, ds.d_scale.data(), nullptr);
    ds.backward_layers(ds.scale, nullptr, T, 0, 0, ds.d_scale.data(), nullptr, 1);
    ds.time_backward(ds.scale, T);
  }
  if (ds.has_flow) ds.flow_backward(T);
  if (ds.has_back) ds.back_backward(T);
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
