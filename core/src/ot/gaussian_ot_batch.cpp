#include "dmt/ot/gaussian_ot_batch.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "dmt/params.hpp"
#include "dmt/simd_fma.hpp"

namespace dmt {
namespace {

// One SIMD lane per pair. With A = L L^T (Cholesky), A^(1/2) B A^(1/2) is similar to
// W = L^T B L, so one symmetric eigendecomposition W = V diag(lambda) V^T (the same operations in
// every lane: cyclic Jacobi for d <= 3, Householder tridiagonalisation and implicit QR above) gives tr D = sum sqrt(4 lambda + s^4) and ln det(D + s^2 I); and since
// A^(1/2) D A^(-1/2) = (4 A B + s^4 I)^(1/2) = L V diag(sqrt(4 lambda + s^4)) V^T L^-1,
//   C = 1/2 (L V) diag(sqrt(4 lambda + s^4)) (L^-T V)^T - s^2/2 I.
constexpr int kJacobiMaxDim = 3;  // cyclic Jacobi up to here, Householder + tridiagonal QR above

template <class T, int D>
struct lane_group {
  using B = xsimd::batch<T>;
  using mat = std::array<B, D * D>;
  static constexpr std::size_t L = B::size;
  static constexpr int d = D;
  static constexpr int M = D + (D & 1), H = M / 2;  // round-robin players (even) and slots
  mat a, b, l, w, v, tmp;

  static B& at(mat& m, int i, int j) { return m[i * D + j]; }

  // The dot products below run R at a time (rows or columns sharing one operand), so that R
  // independent FMA chains hide the FMA latency; indices past the end are clamped to d - 1 (the
  // duplicate lanes recompute the last one and are not stored).
  static constexpr int R = 4;
  static int clamp(int i) { return i < D ? i : D - 1; }

  void cholesky() {  // l = lower factor of a
    for (int j = 0; j < d; ++j) {
      B s = at(a, j, j);
      for (int k = 0; k < j; ++k) s = fnmadd(at(l, j, k), at(l, j, k), s);
      const B ljj = xsimd::sqrt(s);
      at(l, j, j) = ljj;
      const B inv = B(T(1)) / ljj;
      for (int i0 = j + 1; i0 < d; i0 += R) {
        B t[R];
        for (int r = 0; r < R; ++r) t[r] = at(a, clamp(i0 + r), j);
        for (int k = 0; k < j; ++k) {
          const B ljk = at(l, j, k);
          for (int r = 0; r < R; ++r) t[r] = fnmadd(at(l, clamp(i0 + r), k), ljk, t[r]);
        }
        for (int r = 0; r < R && i0 + r < d; ++r) at(l, i0 + r, j) = t[r] * inv;
      }
      for (int i = 0; i < j; ++i) at(l, i, j) = B(T(0));
    }
  }

  void form_w() {  // tmp = B L, w = L^T tmp (L's upper part is zero)
    for (int i = 0; i < d; ++i)
      for (int j0 = 0; j0 < d; j0 += R) {
        B t[R];
        for (int r = 0; r < R; ++r) t[r] = B(T(0));
        for (int k = j0; k < d; ++k) {
          const B bik = at(b, i, k);
          for (int r = 0; r < R; ++r) t[r] = fmadd(bik, at(l, k, clamp(j0 + r)), t[r]);
        }
        for (int r = 0; r < R && j0 + r < d; ++r) at(tmp, i, j0 + r) = t[r];
      }
    for (int i = 0; i < d; ++i)
      for (int j0 = i; j0 < d; j0 += R) {
        B t[R];
        for (int r = 0; r < R; ++r) t[r] = B(T(0));
        for (int k = i; k < d; ++k) {
          const B lki = at(l, k, i);
          for (int r = 0; r < R; ++r) t[r] = fmadd(lki, at(tmp, k, clamp(j0 + r)), t[r]);
        }
        for (int r = 0; r < R && j0 + r < d; ++r) {
          at(w, i, j0 + r) = t[r];
          at(w, j0 + r, i) = t[r];
        }
      }
  }

  // Householder reduction W = Q T Q^T to tridiagonal form (diagonal dd, off-diagonal e), Q in v;
  // the reflector's sign chosen per lane (alpha = -sign(x0) |x|), so no cancellation in x0 - alpha
  std::array<B, D> dd, e, lam;
  void tridiagonalise(bool vectors) {
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) at(v, i, j) = B(T(i == j ? 1 : 0));
    for (int k = 0; k + 2 < d; ++k) {
      B u[D], p[D];
      B sigma(T(0));
      for (int i = k + 1; i < d; ++i) {
        u[i] = at(w, i, k);
        sigma = fmadd(u[i], u[i], sigma);
      }
      const B x0 = u[k + 1], norm = xsimd::sqrt(sigma);
      const B alpha = xsimd::select(x0 > B(T(0)), -norm, norm);
      u[k + 1] = x0 - alpha;
      const B uu = fmadd(u[k + 1], u[k + 1], fnmadd(x0, x0, sigma));
      const B beta = xsimd::select(uu > B(T(0)), B(T(2)) / uu, B(T(0)));
      dd[k] = at(w, k, k);
      e[k] = alpha;
      for (int i0 = k + 1; i0 < d; i0 += R) {
        B t[R];
        for (int r = 0; r < R; ++r) t[r] = B(T(0));
        for (int j = k + 1; j < d; ++j)
          for (int r = 0; r < R; ++r) t[r] = fmadd(at(w, clamp(i0 + r), j), u[j], t[r]);
        for (int r = 0; r < R && i0 + r < d; ++r) p[i0 + r] = beta * t[r];
      }
      B up(T(0));
      for (int i = k + 1; i < d; ++i) up = fmadd(u[i], p[i], up);
      const B half_k = B(T(0.5)) * beta * up;
      for (int i = k + 1; i < d; ++i) p[i] = fnmadd(half_k, u[i], p[i]);  // q = p - K u
      for (int i = k + 1; i < d; ++i)
        for (int j = k + 1; j <= i; ++j) {
          const B t = fnmadd(u[i], p[j], fnmadd(p[i], u[j], at(w, i, j)));
          at(w, i, j) = t;
          at(w, j, i) = t;
        }
      // v <- v (I - beta u u^T); row 0 of v stays e_0 (every reflector acts on indices >= 1)
      for (int i0 = 1; i0 < d && vectors; i0 += R) {
        B t[R];
        for (int r = 0; r < R; ++r) t[r] = B(T(0));
        for (int j = k + 1; j < d; ++j)
          for (int r = 0; r < R; ++r) t[r] = fmadd(at(v, clamp(i0 + r), j), u[j], t[r]);
        for (int r = 0; r < R && i0 + r < d; ++r) {
          const B tb = t[r] * beta;
          for (int j = k + 1; j < d; ++j) at(v, i0 + r, j) = fnmadd(tb, u[j], at(v, i0 + r, j));
        }
      }
    }
    if (d >= 2) {
      dd[d - 2] = at(w, d - 2, d - 2);
      e[d - 2] = at(w, d - 1, d - 2);
    }
    dd[d - 1] = at(w, d - 1, d - 1);
  }

  static constexpr int kInterleave = D > kJacobiMaxDim ? 2 : 1;  // groups sharing one QR loop

  // Implicit symmetric QR with Wilkinson shifts on (dd, e), rotations accumulated into v's columns
  // (Golub and Van Loan, Algorithm 8.3.2), every lane with its own trailing index m (a lane moves
  // on to m - 1 as soon as its own e[m - 1] is negligible, not when every lane has) and its own
  // start, the top of its unreduced block (after the last negligible off-diagonal entry below m,
  // set to zero); a sweep runs over the positions 0 .. max m - 1, and a lane's positions outside
  // [start, m) get identity rotations. kInterleave groups go through one loop: each rotation is a
  // chain of dependent square root, division and FMAs, and independent chains side by side hide
  // latency.
  static void tridiagonal_qr(lane_group* const* gs, bool vectors) {
    constexpr int N = kInterleave;
    const B eps(std::numeric_limits<T>::epsilon()), zero(T(0)), one(T(1));
    B mm[N];  // each lane's trailing index, as a T
    for (int n = 0; n < N; ++n) mm[n] = B(T(D - 1));
    int top = D - 1;  // the largest trailing index of any lane
    for (int iter = 0; iter < 40 * D * D && top >= 1; ++iter) {
      B start[N], mu[N];
      int next_top = 0;
      for (int n = 0; n < N; ++n) {
        auto& dd = gs[n]->dd;
        auto& e = gs[n]->e;
        for (int k = 0; k < top; ++k) {
          const auto neg = xsimd::abs(e[k]) <= eps * (xsimd::abs(dd[k]) + xsimd::abs(dd[k + 1]));
          e[k] = xsimd::select(neg, zero, e[k]);
        }
        // deflate: m <- m - 1 while e[m - 1] = 0 (one downward pass)
        for (int k = top - 1; k >= 0; --k)
          mm[n] = xsimd::select(mm[n] == B(T(k + 1)) && e[k] == zero, B(T(k)), mm[n]);
        start[n] = zero;
        B td = zero, em = zero, dm = zero;
        for (int k = 0; k < top; ++k) {
          const B kk = B(T(k));
          start[n] = xsimd::select(e[k] == zero && kk + one < mm[n], kk + one, start[n]);
          const auto last = mm[n] == kk + one;  // the trailing 2 x 2 block is (k, k + 1)
          td = xsimd::select(last, B(T(0.5)) * (dd[k] - dd[k + 1]), td);
          em = xsimd::select(last, e[k], em);
          dm = xsimd::select(last, dd[k + 1], dm);
        }
        alignas(64) T lane_m[L];
        mm[n].store_aligned(lane_m);
        for (std::size_t l = 0; l < L; ++l) next_top = std::max(next_top, int(lane_m[l]));
        // Wilkinson shift from the trailing 2 x 2 block
        const B h = xsimd::sqrt(fmadd(td, td, em * em));
        const B den = td + xsimd::select(td >= zero, h, -h);
        mu[n] = dm - xsimd::select(den != zero, em * em / den, zero);
      }
      top = next_top;
      if (top < 1) break;
      B x[N], z[N], cs[N][D], ss[N][D];
      for (int n = 0; n < N; ++n) x[n] = z[n] = zero;
      for (int k = 0; k < top; ++k) {
        const B kk = B(T(k));
        for (int n = 0; n < N; ++n) {
          auto& dd = gs[n]->dd;
          auto& e = gs[n]->e;
          const auto first = start[n] == kk, active = start[n] <= kk && kk < mm[n];
          x[n] = xsimd::select(first, dd[k] - mu[n], x[n]);
          z[n] = xsimd::select(first, e[k], z[n]);
          const B r = xsimd::sqrt(fmadd(x[n], x[n], z[n] * z[n]));
          const auto use = active && r > zero;
          const B c = xsimd::select(use, x[n] / r, one), sn = xsimd::select(use, -z[n] / r, zero);
          const B sdk = fmadd(sn, dd[k], c * e[k]), dkp1 = fmadd(sn, e[k], c * dd[k + 1]);
          dd[k] = fmsub(c, fmsub(c, dd[k], sn * e[k]), sn * fmsub(c, e[k], sn * dd[k + 1]));
          dd[k + 1] = fmadd(sn, sdk, c * dkp1);
          e[k] = fmsub(c, sdk, sn * dkp1);
          if (k > 0) e[k - 1] = xsimd::select(active && !first, fmsub(c, e[k - 1], sn * z[n]), e[k - 1]);
          x[n] = e[k];
          if (k + 1 < top) {  // e[k + 1] is zero in lanes whose block ends at k + 1 (c e = e, z = 0)
            z[n] = -sn * e[k + 1];
            e[k + 1] = c * e[k + 1];
          }
          cs[n][k] = c;
          ss[n][k] = sn;
        }
      }
      // v <- v G_0 G_1 ... G_(top-1), row by row (LAPACK's dlasr): a row's entry k+1 stays in a
      // register from one rotation to the next, and the rows are independent
      if (vectors)
        for (int n = 0; n < N; ++n) {
          mat& v = gs[n]->v;
          for (int i = 0; i < D; ++i) {
            B carry = at(v, i, 0);
            for (int k = 0; k < top; ++k) {
              const B next = at(v, i, k + 1);
              at(v, i, k) = fmsub(cs[n][k], carry, ss[n][k] * next);
              carry = fmadd(ss[n][k], carry, cs[n][k] * next);
            }
            at(v, i, top) = carry;
          }
        }
    }
    for (int n = 0; n < N; ++n)
      for (int i = 0; i < D; ++i) gs[n]->lam[i] = gs[n]->dd[i];
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
        diag = fmadd(at(w, i, i), at(w, i, i), diag);
        for (int j = i + 1; j < d; ++j) off = fmadd(at(w, i, j), at(w, i, j), off);
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
          B t = B(T(1)) / (at_ + xsimd::sqrt(fmadd(at_, at_, B(T(1)))));
          t = xsimd::select(theta < B(T(0)), -t, t);
          t = xsimd::select(apq == B(T(0)) || !xsimd::isfinite(theta), B(T(0)), t);
          c[k] = B(T(1)) / xsimd::sqrt(fmadd(t, t, B(T(1))));
          sn[k] = t * c[k];
          tt[k] = t;
        }
        // the 2 x 2 blocks between two slots: X <- J_a^T X J_b, stored with its mirror image
        for (int ka = 0; ka < H; ++ka)
          for (int kb = ka + 1; kb < H; ++kb) {
            const int pa = P[ka], qa = Q[ka], pb = P[kb], qb = Q[kb];
            const B x00 = at(w, pa, pb), x01 = at(w, pa, qb), x10 = at(w, qa, pb), x11 = at(w, qa, qb);
            // columns (J_b)
            const B y00 = fmsub(c[kb], x00, sn[kb] * x01), y01 = fmadd(sn[kb], x00, c[kb] * x01);
            const B y10 = fmsub(c[kb], x10, sn[kb] * x11), y11 = fmadd(sn[kb], x10, c[kb] * x11);
            // rows (J_a)
            const B z00 = fmsub(c[ka], y00, sn[ka] * y10), z10 = fmadd(sn[ka], y00, c[ka] * y10);
            const B z01 = fmsub(c[ka], y01, sn[ka] * y11), z11 = fmadd(sn[ka], y01, c[ka] * y11);
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
              at(v, i, p) = fmsub(c[k], vp, sn[k] * vq);
              at(v, i, q) = fmadd(sn[k], vp, c[k] * vq);
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
  // cost and cross-covariance of one group from its eigendecomposition
  const auto finish = [&](G& g, std::size_t p0, T* lane, const auto& gather) {
    B c(T(0)), logs(T(0));
    std::array<B, D> root;
    for (int i = 0; i < d; ++i) {
      const B lam = xsimd::max(g.lam[i], B(T(0)));
      root[i] = xsimd::sqrt(fmadd(B(T(4)), lam, B(s4)));
      c += g.at(g.a, i, i) + g.at(g.b, i, i) - root[i];
      if (s > 0) logs += xsimd::log(root[i] + B(s2));
      const B dm = gather(mean_a, d, p0, i) - gather(mean_b, d, p0, i);
      c = fmadd(dm, dm, c);
    }
    c += B(entropic) + B(s2) * logs;
    c.store_aligned(lane);
    for (std::size_t l = 0; l < L && p0 + l < pairs; ++l) cost[p0 + l] = lane[l];
    if (!cross) return;
    // left = L V; right = L^-T V (back substitution); C = 1/2 left diag(root) right^T - s^2/2 I
    for (int i = 0; i < d; ++i)
      for (int j0 = 0; j0 < d; j0 += G::R) {
        B t[G::R];
        for (int r = 0; r < G::R; ++r) t[r] = B(T(0));
        for (int k = 0; k <= i; ++k) {
          const B lik = g.at(g.l, i, k);
          for (int r = 0; r < G::R; ++r) t[r] = fmadd(lik, g.at(g.v, k, G::clamp(j0 + r)), t[r]);
        }
        for (int r = 0; r < G::R && j0 + r < d; ++r) g.at(g.tmp, i, j0 + r) = t[r] * root[j0 + r];
      }
    std::array<B, D> inv_diag;
    for (int i = 0; i < d; ++i) inv_diag[i] = B(T(1)) / g.at(g.l, i, i);
    for (int j0 = 0; j0 < d; j0 += G::R)  // solve L^T y = v_j, R columns at a time
      for (int i = d - 1; i >= 0; --i) {
        B t[G::R];
        for (int r = 0; r < G::R; ++r) t[r] = g.at(g.v, i, G::clamp(j0 + r));
        for (int k = i + 1; k < d; ++k) {
          const B lki = g.at(g.l, k, i);
          for (int r = 0; r < G::R; ++r) t[r] = fnmadd(lki, g.at(g.w, G::clamp(j0 + r), k), t[r]);
        }
        for (int r = 0; r < G::R; ++r) g.at(g.w, G::clamp(j0 + r), i) = t[r] * inv_diag[i];  // w holds y^T
      }
    for (int i = 0; i < d; ++i)
      for (int j0 = 0; j0 < d; j0 += G::R) {
        B t[G::R];
        for (int r = 0; r < G::R; ++r) t[r] = B(T(0));
        for (int k = 0; k < d; ++k) {
          const B tik = g.at(g.tmp, i, k);
          for (int r = 0; r < G::R; ++r) t[r] = fmadd(tik, g.at(g.w, k, G::clamp(j0 + r)), t[r]);
        }
        for (int r = 0; r < G::R && j0 + r < d; ++r) {
          const int j = j0 + r;
          const B c = B(T(0.5)) * t[r] - B(i == j ? T(0.5) * s2 : T(0));
          c.store_aligned(lane);
          for (std::size_t q = 0; q < L && p0 + q < pairs; ++q) cross[(p0 + q) * dd + i * d + j] = lane[q];
        }
      }
  };
  const auto body = [&](std::size_t task) {
    constexpr int N = G::kInterleave;
    G gs[N];
    G* ptrs[N];
    for (int n = 0; n < N; ++n) ptrs[n] = &gs[n];
    alignas(64) T lane[L];
    const auto gather = [&](const T* src, std::size_t stride, std::size_t p0, std::size_t idx) {
      for (std::size_t l = 0; l < L; ++l) lane[l] = src[std::min(p0 + l, pairs - 1) * stride + idx];
      return B::load_aligned(lane);
    };
    const std::size_t end = std::min(groups, (task + 1) * per_task);
    for (std::size_t grp0 = task * per_task; grp0 < end; grp0 += N) {
      // a group past the end recomputes the last pair (gather clamps) and stores nothing
      for (int n = 0; n < N; ++n) {
        G& g = gs[n];
        const std::size_t p0 = (grp0 + n) * L;
        for (std::size_t e = 0; e < dd; ++e) {
          g.a[e] = gather(cov_a, dd, p0, e);
          g.b[e] = gather(cov_b, dd, p0, e);
        }
        g.cholesky();
        g.form_w();
        if constexpr (D <= kJacobiMaxDim) {
          g.jacobi(cross != nullptr);
          for (int i = 0; i < d; ++i) g.lam[i] = g.at(g.w, i, i);
        } else {
          g.tridiagonalise(cross != nullptr);
        }
      }
      if constexpr (D > kJacobiMaxDim) G::tridiagonal_qr(ptrs, cross != nullptr);
      for (int n = 0; n < N && grp0 + n < end; ++n) finish(gs[n], (grp0 + n) * L, lane, gather);
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
  }
  (std::make_integer_sequence<int, kGaussianBatchMaxDim>{});
}

template void gaussian_entropic_ot_batch<float>(std::size_t, int, const float*, const float*, const float*,
                                                const float*, double, float*, float*, const executor*);
template void gaussian_entropic_ot_batch<double>(std::size_t, int, const double*, const double*, const double*,
                                                 const double*, double, double*, double*, const executor*);

}  // namespace dmt
