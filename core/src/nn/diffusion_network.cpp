#include "dmt/nn/diffusion_network.hpp"

#include <algorithm>
#include <cmath>

#include "dmt/nn/gemm.hpp"
#include "dmt/rng/philox.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

template <class T>
typename diffusion_network<T>::layer make_layer(parameter_store<T>& store, const std::string& name, int in, int out,
                                                const std::string& group) {
  typename diffusion_network<T>::layer l;
  l.in = in;
  l.out = out;
  l.w = store.add(name + ".weight", out, in, group);
  l.b = store.add(name + ".bias", out, 1, group);
  return l;
}

// y (out x n) = W x + b for a layer; x has leading dimension ldx.
template <class T>
void affine(const parameter_store<T>& store, const typename diffusion_network<T>::layer& l, const T* x, int ldx, int n,
            T* y, int ldy) {
  gemm(l.out, n, l.in, store.value(l.w), l.out, x, ldx, y, ldy, false);
  const T* b = store.value(l.b);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < l.out; ++i) y[i + static_cast<std::ptrdiff_t>(j) * ldy] += b[i];
}

// Gradients of y = W x + b given dy (out x n): dW += dy x^T, db += sum of dy's columns, and
// dx = W^T dy when dx is given.
// grads: the gradient array to accumulate into (store.grads or a task's own, same offsets).
template <class T>
void affine_backward(const parameter_store<T>& store, T* grads, const typename diffusion_network<T>::layer& l,
                     const T* x, int n, const T* dy, T* dx) {
  gemm_nt(l.out, l.in, n, dy, l.out, x, l.in, grads + l.w, l.out, true);
  T* db = grads + l.b;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < l.out; ++i) db[i] += dy[i + static_cast<std::ptrdiff_t>(j) * l.out];
  if (dx) gemm_tn(l.in, n, l.out, store.value(l.w), l.out, dy, l.out, dx, l.in, false);
}

}  // namespace

template <class T>
diffusion_network<T>::diffusion_network(const network_shape& shape, parameter_store<T>& store,
                                         const std::string& prefix, const std::string& group)
    : shape_(shape) {
  const int H = shape.hidden;
  phase_ = store.add(prefix + "t_model.phase", shape.harmonics, 1, group);
  time1_ = make_layer(store, prefix + "t_model.0", 2 * shape.harmonics, H, group);
  time2_ = make_layer(store, prefix + "t_model.2", H, H, group);
  state_ = make_layer(store, prefix + "s_model", shape.in, H, group);
  for (int l = 0; l < shape.layers; ++l)
    joint_.push_back(make_layer(store, prefix + "joint." + std::to_string(l), H, H, group));
  out_ = make_layer(store, prefix + "joint.out", H, shape.out, group);
  frequencies_.resize(shape.harmonics);
  for (int i = 0; i < shape.harmonics; ++i)
    frequencies_[i] = shape.harmonics == 1 ? T(0.1) : T(0.1 + (100.0 - 0.1) * i / (shape.harmonics - 1));
}

template <class T>
void diffusion_network<T>::initialise(parameter_store<T>& store, std::uint64_t seed, std::uint32_t purpose) const {
  const philox_key key = make_philox_key(seed);
  std::uint32_t tensor = 0;
  auto uniform_layer = [&](const layer& l) {
    const double bound = l.in > 0 ? 1.0 / std::sqrt(double(l.in)) : 0.0;  // no inputs: a zero bias
    philox_stream s(key, tensor++, purpose);
    T* w = store.value(l.w);
    for (int i = 0; i < l.in * l.out; ++i) w[i] = T(bound * (2.0 * s.uniform() - 1.0));
    T* b = store.value(l.b);
    for (int i = 0; i < l.out; ++i) b[i] = T(bound * (2.0 * s.uniform() - 1.0));
  };
  {
    philox_stream s(key, tensor++, purpose);
    T* p = store.value(phase_);
    for (int i = 0; i < shape_.harmonics; ++i) p[i] = T(s.normal());
  }
  uniform_layer(time1_);
  uniform_layer(time2_);
  uniform_layer(state_);
  for (const auto& l : joint_) uniform_layer(l);
  std::fill(store.value(out_.w), store.value(out_.w) + out_.in * out_.out, T(0));
  std::fill(store.value(out_.b), store.value(out_.b) + out_.out, T(0));
}

template <class T>
void diffusion_network<T>::resize(cache& c, int n) const {
  const int H = shape_.hidden;
  c.n = n;
  c.x.resize(shape_.in, n);
  c.a0.resize(H, n);
  c.s0.resize(H, n);
  c.a.resize(shape_.layers);
  c.s.resize(shape_.layers);
  for (int l = 0; l < shape_.layers; ++l) {
    c.a[l].resize(H, n);
    c.s[l].resize(H, n);
  }
  c.out.resize(shape_.out, n);
  c.time_of.assign(n, 0);
}

template <class T>
void diffusion_network<T>::forward_time(const parameter_store<T>& store, const T* times, int nt,
                                        time_cache& tc) const {
  const int K = shape_.harmonics, H = shape_.hidden;
  tc.nt = nt;
  tc.times.assign(times, times + nt);
  tc.arg.resize(K, nt);
  tc.features.resize(2 * K, nt);
  tc.pre.resize(H, nt);
  tc.hidden.resize(H, nt);
  tc.emb.resize(H, nt);
  const T* phase = store.value(phase_);
  for (int j = 0; j < nt; ++j)
    for (int i = 0; i < K; ++i) {
      const T a = times[j] * frequencies_[i] + phase[i];
      tc.arg(i, j) = a;
      tc.features(i, j) = std::sin(a);
      tc.features(K + i, j) = std::cos(a);
    }
  affine(store, time1_, tc.features.data(), 2 * K, nt, tc.pre.data(), H);
  activate(shape_.act, tc.pre.data(), tc.hidden.data(), tc.hidden.size());
  affine(store, time2_, tc.hidden.data(), H, nt, tc.emb.data(), H);
}

template <class T>
void diffusion_network<T>::forward(const parameter_store<T>& store, cache& c, int c0, int nc, int ti) const {
  const int H = shape_.hidden;
  const std::ptrdiff_t off = static_cast<std::ptrdiff_t>(c0) * H;
  // pre-activations are computed in place in the activation arrays
  affine(store, state_, c.x.data() + static_cast<std::ptrdiff_t>(c0) * shape_.in, shape_.in, nc, c.a0.data() + off,
         H);
  const T* emb = c.time.emb.data() + static_cast<std::ptrdiff_t>(ti) * H;
  for (int j = 0; j < nc; ++j) {
    T* col = c.a0.data() + off + static_cast<std::ptrdiff_t>(j) * H;
    for (int i = 0; i < H; ++i) col[i] += emb[i];
    c.time_of[c0 + j] = ti;
  }
  const std::size_t len = static_cast<std::size_t>(nc) * H;
  activate_with_slope(shape_.act, c.a0.data() + off, c.a0.data() + off, c.s0.data() + off, len);
  const T* prev = c.a0.data() + off;
  for (int l = 0; l < shape_.layers; ++l) {
    affine(store, joint_[l], prev, H, nc, c.a[l].data() + off, H);
    activate_with_slope(shape_.act, c.a[l].data() + off, c.a[l].data() + off, c.s[l].data() + off, len);
    prev = c.a[l].data() + off;
  }
  affine(store, out_, prev, H, nc, c.out.data() + static_cast<std::ptrdiff_t>(c0) * shape_.out, shape_.out);
}

template <class T>
void diffusion_network<T>::backward(parameter_store<T>& store, const cache& c, int n, const T* d_out, T* d_x,
                                    const executor& exec, int first) const {
  const int H = shape_.hidden, K = shape_.harmonics;
  // Column chunks small enough that a chunk's activations, slopes and gradients stay in L2
  // while they pass through every layer. Chunks are grouped (a fixed number per group, so the
  // grouping depends on n alone); groups run as parallel tasks, each accumulating into its own
  // gradient array, and the groups' sums are added in group order: the result does not depend on
  // the number of threads.
  constexpr int kChunk = 256, kChunksPerGroup = 8;
  const int group_cols = kChunk * kChunksPerGroup;
  const int groups = (n + group_cols - 1) / group_cols;
  const time_cache& tc = c.time;
  const std::size_t n_params = store.values.size();
  std::vector<std::vector<T>> partial(groups > 1 ? groups : 0);
  std::vector<Mat> d_emb_part(groups, Mat::Zero(H, tc.nt));
  const Mat& last = shape_.layers > 0 ? c.a[shape_.layers - 1] : c.a0;
  auto run_group = [&](std::size_t g) {
    T* grads = store.grads.data();
    if (groups > 1) {
      partial[g].assign(n_params, T(0));
      grads = partial[g].data();
    }
    Mat da(H, kChunk), dh(H, kChunk);
    Mat& d_emb = d_emb_part[g];
    const int g_end = std::min(n, static_cast<int>(g + 1) * group_cols);
    for (int c0 = static_cast<int>(g) * group_cols; c0 < g_end; c0 += kChunk) {
      const int nc = std::min(kChunk, g_end - c0);
      const std::ptrdiff_t off = static_cast<std::ptrdiff_t>(first + c0) * H;  // in the cache
      const std::size_t len = static_cast<std::size_t>(H) * nc;
      auto times_slope = [&](const Mat& slope) {
        const T* sl = slope.data() + off;
        const T* gr = da.data();
        T* o = dh.data();
        for (std::size_t i = 0; i < len; ++i) o[i] = gr[i] * sl[i];
      };
      affine_backward(store, grads, out_, last.data() + off, nc, d_out + static_cast<std::ptrdiff_t>(c0) * shape_.out,
                      da.data());
      for (int l = shape_.layers - 1; l >= 0; --l) {
        times_slope(c.s[l]);
        const Mat& in = l > 0 ? c.a[l - 1] : c.a0;
        affine_backward(store, grads, joint_[l], in.data() + off, nc, dh.data(), da.data());
      }
      times_slope(c.s0);
      affine_backward(store, grads, state_, c.x.data() + static_cast<std::ptrdiff_t>(first + c0) * shape_.in, nc,
                      dh.data(), d_x ? d_x + static_cast<std::ptrdiff_t>(c0) * shape_.in : nullptr);
      // The time embedding was broadcast to every column at its time: sum the columns per time.
      for (int j = 0; j < nc; ++j) d_emb.col(c.time_of[first + c0 + j]) += dh.col(j);
    }
  };
  exec.parallel_for(static_cast<std::size_t>(groups), run_group);
  for (int g = 0; g < static_cast<int>(partial.size()); ++g)
    for (std::size_t i = 0; i < n_params; ++i) store.grads[i] += partial[g][i];
  Mat d_emb = Mat::Zero(H, tc.nt);
  for (int g = 0; g < groups; ++g) d_emb += d_emb_part[g];
  Mat d_hidden(H, tc.nt), d_pre(H, tc.nt), d_features(2 * K, tc.nt);
  affine_backward(store, store.grads.data(), time2_, tc.hidden.data(), tc.nt, d_emb.data(), d_hidden.data());
  activate_backward(shape_.act, tc.pre.data(), d_hidden.data(), d_pre.data(), d_pre.size());
  affine_backward(store, store.grads.data(), time1_, tc.features.data(), tc.nt, d_pre.data(), d_features.data());
  T* d_phase = store.grad(phase_);
  for (int j = 0; j < tc.nt; ++j)
    for (int i = 0; i < K; ++i)
      d_phase[i] += d_features(i, j) * std::cos(tc.arg(i, j)) - d_features(K + i, j) * std::sin(tc.arg(i, j));
}

template <class T>
double diffusion_network<T>::flops_per_column() const {
  const double H = shape_.hidden;
  return 2.0 * (shape_.in * H + shape_.layers * H * H + H * shape_.out);
}

template class diffusion_network<float>;
template class diffusion_network<double>;

}  // namespace dmt
