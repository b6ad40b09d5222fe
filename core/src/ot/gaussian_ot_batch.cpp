#include "dmt/ot/gaussian_ot_batch.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "dmt/params.hpp"

namespace dmt {
namespace {

// One SIMD lane per pair. With A = L L^T (Cholesky), A^(1/2) B A^(1/2) is similar to
// W = L^T B L, so one symmetric eigendecomposition W = V diag(lambda) V^T (cyclic Jacobi, the same
// rotations in every lane) gives tr D = sum sqrt(4 lambda + s^4) and ln det(D + s^2 I); and since
// A^(1/2) D A^(-1/2) = (4 A B + s^4 I)^(1/2) = L V diag(sqrt(4 lambda + s^4)) V^T L^-1,
//   C = 1/2 (L V) diag(sqrt(4 lambda + s^4)) (L^-T V)^T - s^2/2 I.
template <class T, int D>
struct lane_group {
  using B = xsimd::batch<T>;
  using mat = std::array<B, D * D>;
  static constexpr std::size_t L = B::size;
  static constexpr int d = D;
  mat a, b, l, w, v, tmp;
  explicit lane_group(int) {}

  static B& at(mat& m, int i, int j) { return m[i * D + j]; }

  void cholesky() {  // l = lower factor of a
    for (int j = 0; j < d; ++j) {
      B s = at(a, j, j);
      for (int k = 0; k < j; ++k) s = xsimd::fnma(at(l, j, k), at(l, j, k), s);
      const B ljj = xsimd::sqrt(s);
      at(l, j, j) = ljj;
      const B inv = B(T(1)) / ljj;
      for (int i = j + 1; i < d; ++i) {
        B t = at(a, i, j);
        for (int k = 0; k < j; ++k) t = xsimd::fnma(at(l, i, k), at(l, j, k), t);
        at(l, i, j) = t * inv;
      }
      for (int i = 0; i < j; ++i) at(l, i, j) = B(T(0));
    }
  }

  void form_w() {  // tmp = B L, w = L^T tmp
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) {
        B s(T(0));
        for (int k = j; k < d; ++k) s = xsimd::fma(at(b, i, k), at(l, k, j), s);
        at(tmp, i, j) = s;
      }
    for (int i = 0; i < d; ++i)
      for (int j = i; j < d; ++j) {
        B s(T(0));
        for (int k = i; k < d; ++k) s = xsimd::fma(at(l, k, i), at(tmp, k, j), s);
        at(w, i, j) = s;
        at(w, j, i) = s;
      }
  }

  void jacobi(bool vectors) {
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) at(v, i, j) = B(T(i == j ? 1 : 0));
    const T tol = std::is_same_v<T, float> ? T(1e-14) : T(1e-30);
    for (int sweep = 0; sweep < 30; ++sweep) {
      B off(T(0)), diag(T(0));
      for (int i = 0; i < d; ++i) {
        diag = xsimd::fma(at(w, i, i), at(w, i, i), diag);
        for (int j = i + 1; j < d; ++j) off = xsimd::fma(at(w, i, j), at(w, i, j), off);
      }
      if (xsimd::all(off <= diag * B(tol))) break;
      for (int p = 0; p < d - 1; ++p)
        for (int q = p + 1; q < d; ++q) {
          const B apq = at(w, p, q);
          const B theta = (at(w, q, q) - at(w, p, p)) / (B(T(2)) * apq);
          const B at_ = xsimd::abs(theta);
          B t = B(T(1)) / (at_ + xsimd::sqrt(xsimd::fma(at_, at_, B(T(1)))));
          t = xsimd::select(theta < B(T(0)), -t, t);
          t = xsimd::select(apq == B(T(0)) || !xsimd::isfinite(theta), B(T(0)), t);
          const B c = B(T(1)) / xsimd::sqrt(xsimd::fma(t, t, B(T(1))));
          const B s = t * c;
          // the 2 x 2 block in closed form, the other entries of rows/columns p and q rotated
          // once and mirrored (W stays exactly symmetric)
          const B tap = t * apq;
          at(w, p, p) -= tap;
          at(w, q, q) += tap;
          at(w, p, q) = B(T(0));
          at(w, q, p) = B(T(0));
          for (int k = 0; k < d; ++k) {
            if (k == p || k == q) continue;
            const B wp = at(w, k, p), wq = at(w, k, q);
            const B np = xsimd::fms(c, wp, s * wq), nq = xsimd::fma(s, wp, c * wq);
            at(w, k, p) = np;
            at(w, p, k) = np;
            at(w, k, q) = nq;
            at(w, q, k) = nq;
          }
          if (vectors)
            for (int k = 0; k < d; ++k) {
              const B vp = at(v, k, p), vq = at(v, k, q);
              at(v, k, p) = xsimd::fms(c, vp, s * vq);
              at(v, k, q) = xsimd::fma(s, vp, c * vq);
            }
        }
    }
  }
};

template <class T, int D>
void batch_d(std::size_t pairs, const T* mean_a, const T* cov_a, const T* mean_b, const T* cov_b, double s, T* cost,
             T* cross, const executor* exec) {
  constexpr int d = D;
  using G = lane_group<T, D>;
  using B = typename G::B;
  constexpr std::size_t L = G::L;
  const std::size_t dd = std::size_t(d) * d;
  const T s2 = T(s * s), s4 = s2 * s2;
  const T entropic = s > 0 ? T(d * s * s * (1.0 - std::log(2.0 * s * s))) : T(0);
  const std::size_t groups = (pairs + L - 1) / L, per_task = 16;
  const auto body = [&](std::size_t task) {
    G g(d);
    alignas(64) T lane[L];
    const auto gather = [&](const T* src, std::size_t stride, std::size_t p0, std::size_t idx) {
      for (std::size_t l = 0; l < L; ++l) lane[l] = src[std::min(p0 + l, pairs - 1) * stride + idx];
      return B::load_aligned(lane);
    };
    for (std::size_t grp = task * per_task; grp < std::min(groups, (task + 1) * per_task); ++grp) {
      const std::size_t p0 = grp * L;
      for (std::size_t e = 0; e < dd; ++e) {
        g.a[e] = gather(cov_a, dd, p0, e);
        g.b[e] = gather(cov_b, dd, p0, e);
      }
      g.cholesky();
      g.form_w();
      g.jacobi(cross != nullptr);
      B c(T(0)), logs(T(0));
      std::array<B, D> root;
      for (int i = 0; i < d; ++i) {
        const B lam = xsimd::max(g.at(g.w, i, i), B(T(0)));
        root[i] = xsimd::sqrt(xsimd::fma(B(T(4)), lam, B(s4)));
        c += g.at(g.a, i, i) + g.at(g.b, i, i) - root[i];
        if (s > 0) logs += xsimd::log(root[i] + B(s2));
        const B dm = gather(mean_a, d, p0, i) - gather(mean_b, d, p0, i);
        c = xsimd::fma(dm, dm, c);
      }
      c += B(entropic) + B(s2) * logs;
      c.store_aligned(lane);
      for (std::size_t l = 0; l < L && p0 + l < pairs; ++l) cost[p0 + l] = lane[l];
      if (!cross) continue;
      // left = L V; right = L^-T V (back substitution); C = 1/2 left diag(root) right^T - s^2/2 I
      for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j) {
          B t(T(0));
          for (int k = 0; k <= i; ++k) t = xsimd::fma(g.at(g.l, i, k), g.at(g.v, k, j), t);
          g.at(g.tmp, i, j) = t * root[j];
        }
      for (int j = 0; j < d; ++j)
        for (int i = d - 1; i >= 0; --i) {  // solve L^T y = v_j
          B t = g.at(g.v, i, j);
          for (int k = i + 1; k < d; ++k) t = xsimd::fnma(g.at(g.l, k, i), g.at(g.w, k, j), t);
          g.at(g.w, i, j) = t / g.at(g.l, i, i);  // w is free now: it holds y
        }
      for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j) {
          B t(T(0));
          for (int k = 0; k < d; ++k) t = xsimd::fma(g.at(g.tmp, i, k), g.at(g.w, j, k), t);
          t = B(T(0.5)) * t - B(i == j ? T(0.5) * s2 : T(0));
          t.store_aligned(lane);
          for (std::size_t l = 0; l < L && p0 + l < pairs; ++l) cross[(p0 + l) * dd + i * d + j] = lane[l];
        }
    }
  };
  (exec ? *exec : serial_executor()).parallel_for((groups + per_task - 1) / per_task, body);
}

}  // namespace

template <class T>
void gaussian_entropic_ot_batch(std::size_t pairs, int d, const T* mean_a, const T* cov_a, const T* mean_b,
                                const T* cov_b, double s, T* cost, T* cross, const executor* exec) {
  if (d < 1 || d > kGaussianBatchMaxDim)
    throw input_error("batched Gaussian OT supports 1 <= d <= " + std::to_string(kGaussianBatchMaxDim));
  if (!(s >= 0.0) || !std::isfinite(s)) throw input_error("the regularisation s must be finite and non-negative");
  [&]<int... I>(std::integer_sequence<int, I...>) {
    ((d == I + 1 ? batch_d<T, I + 1>(pairs, mean_a, cov_a, mean_b, cov_b, s, cost, cross, exec) : void()), ...);
  }(std::make_integer_sequence<int, kGaussianBatchMaxDim>{});
}

template void gaussian_entropic_ot_batch<float>(std::size_t, int, const float*, const float*, const float*,
                                                const float*, double, float*, float*, const executor*);
template void gaussian_entropic_ot_batch<double>(std::size_t, int, const double*, const double*, const double*,
                                                 const double*, double, double*, double*, const executor*);

}  // namespace dmt
