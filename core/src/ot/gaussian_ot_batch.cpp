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
  static constexpr int M = D + (D & 1), H = M / 2;  // round-robin players (even) and slots
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
    // stop when the off-diagonal part is below ~1e-6 (float) / ~1e-13 (double) of the diagonal,
    // in sums of squares: above the rounding floor of the rotations (about d eps^2, which a
    // tighter test never reaches, so it would run every sweep), and one sweep past the point
    // where the eigenvalues' error (second order in the off-diagonal part) is at rounding level
    const T tol = std::is_same_v<T, float> ? T(1e-12) : T(1e-26);
    for (int sweep = 0; sweep < 30; ++sweep) {
      B off(T(0)), diag(T(0));
      for (int i = 0; i < d; ++i) {
        diag = xsimd::fma(at(w, i, i), at(w, i, i), diag);
        for (int j = i + 1; j < d; ++j) off = xsimd::fma(at(w, i, j), at(w, i, j), off);
      }
      if (xsimd::all(off <= diag * B(tol))) break;
      // a sweep in round-robin (tournament) order: each round rotates floor(d / 2) disjoint
      // pairs, whose rotations are independent (the division and square-root latencies
      // overlap instead of chaining rotation after rotation)
      for (int r = 0; r < M - 1; ++r) {
        int P[H], Q[H];
        B c[H], sn[H], tt[H];
        for (int k = 0; k < H; ++k) {
          int p = k == 0 ? r : (r + k) % (M - 1), q = k == 0 ? M - 1 : (r - k + M - 1) % (M - 1);
          if (p > q) std::swap(p, q);
          if (q >= d) q = p;  // odd d: p sits this round out (identity "rotation")
          P[k] = p;
          Q[k] = q;
          if (p == q) {
            c[k] = B(T(1)), sn[k] = B(T(0)), tt[k] = B(T(0));
            continue;
          }
          const B apq = at(w, p, q);
          const B theta = (at(w, q, q) - at(w, p, p)) / (B(T(2)) * apq);
          const B at_ = xsimd::abs(theta);
          B t = B(T(1)) / (at_ + xsimd::sqrt(xsimd::fma(at_, at_, B(T(1)))));
          t = xsimd::select(theta < B(T(0)), -t, t);
          t = xsimd::select(apq == B(T(0)) || !xsimd::isfinite(theta), B(T(0)), t);
          c[k] = B(T(1)) / xsimd::sqrt(xsimd::fma(t, t, B(T(1))));
          sn[k] = t * c[k];
          tt[k] = t;
        }
        // the 2 x 2 blocks between two slots: X <- J_a^T X J_b, stored with its mirror image
        for (int ka = 0; ka < H; ++ka)
          for (int kb = ka + 1; kb < H; ++kb) {
            const int pa = P[ka], qa = Q[ka], pb = P[kb], qb = Q[kb];
            const B x00 = at(w, pa, pb), x01 = at(w, pa, qb), x10 = at(w, qa, pb), x11 = at(w, qa, qb);
            // columns (J_b)
            const B y00 = xsimd::fms(c[kb], x00, sn[kb] * x01), y01 = xsimd::fma(sn[kb], x00, c[kb] * x01);
            const B y10 = xsimd::fms(c[kb], x10, sn[kb] * x11), y11 = xsimd::fma(sn[kb], x10, c[kb] * x11);
            // rows (J_a)
            const B z00 = xsimd::fms(c[ka], y00, sn[ka] * y10), z10 = xsimd::fma(sn[ka], y00, c[ka] * y10);
            const B z01 = xsimd::fms(c[ka], y01, sn[ka] * y11), z11 = xsimd::fma(sn[ka], y01, c[ka] * y11);
            at(w, pa, pb) = z00, at(w, pb, pa) = z00;
            at(w, pa, qb) = z01, at(w, qb, pa) = z01;
            at(w, qa, pb) = z10, at(w, pb, qa) = z10;
            at(w, qa, qb) = z11, at(w, qb, qa) = z11;
          }
        // each slot's own 2 x 2 block in closed form (W stays exactly symmetric)
        for (int k = 0; k < H; ++k) {
          const int p = P[k], q = Q[k];
          if (p == q) continue;
          const B tap = tt[k] * at(w, p, q);
          at(w, p, p) -= tap;
          at(w, q, q) += tap;
          at(w, p, q) = B(T(0));
          at(w, q, p) = B(T(0));
          if (vectors)
            for (int i = 0; i < d; ++i) {
              const B vp = at(v, i, p), vq = at(v, i, q);
              at(v, i, p) = xsimd::fms(c[k], vp, sn[k] * vq);
              at(v, i, q) = xsimd::fma(sn[k], vp, c[k] * vq);
            }
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
