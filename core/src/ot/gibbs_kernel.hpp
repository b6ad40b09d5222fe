// The small-problem path of the point-cloud Sinkhorn (sinkhorn.cpp): a stored Gibbs kernel
// iterated by matrix-vector products, with absorption (Schmitzer, "Stabilized sparse scaling
// algorithms for entropy regularized transport problems", SIAM J. Sci. Comput. 2019, section 3.2).
//
// With absorbed potentials (ft, gt) in float64, K_ij = exp((ft_i + gt_j - C_ij) / eps) is stored
// in T, and the potentials are f = ft + eps log u, g = gt + eps log v for the scalings u, v (1 at
// absorption). One Sinkhorn iteration is then
//   s_i = sum_j K_ij b_j v_j,  u_i = 1 / s_i,  w_j = sum_i a_i u_i K_ij,  v_j = 1 / w_j,
// the same iterate as the log-domain f- and g-updates up to rounding. Both products come from one
// pass over K: each row's dot product gives u_i while the row is in L1, and the row is added at
// once into the column sums, so K is read once per iteration and no exp is taken. Rows are
// handled in fixed blocks of kBlock with their own partial column sums, added in a fixed order:
// the result does not depend on the thread count.
//
// Float safety: entries below the smallest normal number are stored as 0, and products below it
// are flushed to 0 (flush_denormals: subnormal arithmetic is a hundred times slower), so a row or
// column sum is trusted only when it exceeds what the zeroed terms could hold by 2^digits
// (`reliable`, for up to 2^40 terms);
// the scalings are absorbed into (ft, gt) and K rebuilt when one leaves [1 / tau, tau]. The caller recovers (a log-domain iteration and a rebuild) when a pass is not
// reliable.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "dmt/executor.hpp"
#include "dmt/fast_exp.hpp"
#include "dmt/flush_denormals.hpp"
#include "dmt/simd_fma.hpp"
#include "dmt/ot/sinkhorn.hpp"

namespace dmt::detail {

template <ot_cost K, class B>
inline B cost_term(B diff, B p) {
  if constexpr (K == ot_cost::lp)
    return xsimd::pow(xsimd::abs(diff), p);
  else
    return diff * diff;
}
template <ot_cost K, class B>
inline B cost_finish(B s) {
  if constexpr (K == ot_cost::euclidean)
    return xsimd::sqrt(s);
  else
    return s;
}

template <class T>
struct gibbs_kernel {
  static constexpr std::size_t kBlock = 64;     // rows per block of partial column sums
  static constexpr std::size_t kSumChunk = 1024;  // columns summed in T before adding into a double
  static constexpr std::size_t kRows = 8;         // rows per register block (8: best of 1-16 at N = 1000, 2000)
  static constexpr double tau = std::is_same_v<T, float> ? 1e12 : 1e100;

  std::size_t n = 0, m = 0, ld = 0;  // real rows, real columns, stored row length (padded)
  std::unique_ptr<T[]> k;            // n x ld, padding columns 0
  std::size_t k_size = 0;
  std::vector<T> partial;            // blocks x ld
  std::vector<T> vt;                 // b_j v_j in T (padding 0)
  std::vector<double> u, v, s, w;    // scalings, row sums, column sums

  // Fills K from the absorbed potentials; xd / yd: the points in float64, coordinate-major with
  // strides xs / ys (the same centring and order as the solver's clouds).
  template <ot_cost C>
  void build(const double* xd, std::size_t xs, const double* yd, std::size_t ys, std::size_t d, double p,
             const double* ft, const double* gt, double eps, const executor& ex) {
    using BD = xsimd::batch<double>;
    using BT = xsimd::batch<T>;
    constexpr std::size_t LD = BD::size, LT = BT::size;
    if (k_size != n * ld) {
      k.reset(new T[n * ld]);  // not zeroed: every entry is written below (first touch here)
      k_size = n * ld;
    }
    const std::size_t mpad = (m + LD - 1) / LD * LD;
    // y coordinates and gt / eps padded to whole double batches
    std::vector<double> y(d * mpad, 0.0), gp(mpad, 0.0);
    for (std::size_t c = 0; c < d; ++c)
      for (std::size_t j = 0; j < m; ++j) y[c * mpad + j] = yd[c * ys + j];
    const double inv_eps = 1.0 / eps;
    for (std::size_t j = 0; j < m; ++j) gp[j] = gt[j] * inv_eps;
    // squared Euclidean: (f_i + g_j - |x_i - y_j|^2) / eps = (f_i - |x_i|^2) / eps + (g_j - |y_j|^2) / eps
    // + x_i . (2 y_j / eps), d FMAs per entry (in float64 the expansion loses nothing that matters:
    // the clouds are centred, rounding stays near 1e-16 |x|^2 / eps)
    constexpr bool expand = C == ot_cost::sqeuclidean;
    if constexpr (expand) {
      for (std::size_t c = 0; c < d; ++c)
        for (std::size_t j = 0; j < m; ++j) {
          gp[j] -= y[c * mpad + j] * y[c * mpad + j] * inv_eps;
          y[c * mpad + j] *= 2.0 * inv_eps;
        }
    }
    const T lmin = std::is_same_v<T, float> ? T(-87.0) : T(-708.0);
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    const double* yv = y.data();
    const double* gv = gp.data();
    T* kp = k.get();
    const std::size_t rows = n, cols = m, len = ld;
    ex.parallel_for(blocks, [=](std::size_t bidx) {
      // locals: the loop bounds stay in registers (not reloaded after every store)
      const std::size_t mpad_l = mpad, rows_l = rows, cols_l = cols, len_l = len, d_l = d, xs_l = xs;
      const double inv_eps_l = inv_eps;
      const T lmin_l = lmin;
      std::vector<double> crow_v(mpad_l);  // the row's costs, then its exponents
      std::vector<T> argt_v(len_l);
      double* crow = crow_v.data();
      T* argt = argt_v.data();
      const BD ie(inv_eps_l), pp(p);
      for (std::size_t i = bidx * kBlock; i < std::min(rows_l, (bidx + 1) * kBlock); ++i) {
        // the exponents coordinate by coordinate (each pass a plain vector loop)
        if constexpr (expand) {
          double hx = ft[i] * inv_eps_l;
          for (std::size_t q = 0; q < d_l; ++q) hx -= xd[q * xs_l + i] * xd[q * xs_l + i] * inv_eps_l;
          const BD h(hx);
          for (std::size_t j = 0; j < mpad_l; j += LD) (BD::load_unaligned(gv + j) + h).store_unaligned(crow + j);
          for (std::size_t q = 0; q < d_l; ++q) {
            const BD xq(xd[q * xs_l + i]);
            const double* yq = yv + q * mpad_l;
            for (std::size_t j = 0; j < mpad_l; j += LD)
              fmadd(xq, BD::load_unaligned(yq + j), BD::load_unaligned(crow + j)).store_unaligned(crow + j);
          }
        } else {
          for (std::size_t q = 0; q < d_l; ++q) {
            const BD xq(xd[q * xs_l + i]);
            const double* yq = yv + q * mpad_l;
            for (std::size_t j = 0; j < mpad_l; j += LD) {
              const BD t = cost_term<C>(xq - BD::load_unaligned(yq + j), pp);
              (q ? BD::load_unaligned(crow + j) + t : t).store_unaligned(crow + j);
            }
          }
          const BD fi(ft[i] * inv_eps_l);
          for (std::size_t j = 0; j < mpad_l; j += LD)
            ((BD::load_unaligned(gv + j) + fi) - cost_finish<C>(BD::load_unaligned(crow + j)) * ie)
                .store_unaligned(crow + j);
        }
        for (std::size_t j = 0; j < cols_l; ++j) argt[j] = static_cast<T>(crow[j]);
        for (std::size_t j = cols_l; j < len_l; ++j) argt[j] = T(-1e30);
        T* row = kp + i * len_l;
        for (std::size_t j = 0; j < len_l; j += LT) {
          const BT a = BT::load_unaligned(argt + j);
          xsimd::select(a < BT(lmin_l), BT(T(0)), exp_clamped(a)).store_unaligned(row + j);
        }
      }
    });
  }

  // Whether a sum of stored entries times weights and scalings of at most tau is above what the zeroed entries could hold, by 2^digits.
  static bool reliable(double sum) {
    // zeroed entries: each below min * tau after scaling; flushed products: each below min
    const double tiny = double(std::numeric_limits<T>::min()) * (tau + 0x1p40) / double(std::numeric_limits<T>::epsilon());
    return std::isfinite(sum) && sum > tiny;
  }

  // One fused iteration from the current v (u is overwritten). Returns false (and leaves v as
  // it was) when a row or column sum is not reliable; `row_error` gets sum_i a_i |u_i^old s_i - 1|,
  // the row marginal error of the plan before the iteration.
  bool iterate(const double* a, const double* b, const executor& ex, double& row_error) {
    using BT = xsimd::batch<T>;
    constexpr std::size_t LT = BT::size;
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    partial.assign(blocks * ld, T(0));
    vt.assign(ld, T(0));
    for (std::size_t j = 0; j < m; ++j) vt[j] = static_cast<T>(b[j] * v[j]);
    s.resize(n);
    std::vector<double> u_old = u;
    const T* kp = k.get();
    const T* vp = vt.data();
    T* pp = partial.data();
    double* sp = s.data();
    double* up = u.data();
    const std::size_t rows_n = n, len = ld;
    ex.parallel_for(blocks, [=](std::size_t bidx) {  // by value: the loop bounds stay in registers
      // products of far entries with small scalings fall below the normal range: zero, not
      // subnormal (negligible: see `reliable`), and no slow subnormal arithmetic
      [[maybe_unused]] const flush_denormals ftz;
      T* wp = pp + bidx * len;
      const std::size_t i1 = std::min(rows_n, (bidx + 1) * kBlock);
      // kRows rows at a time: their dot products share the loads of v, and their contributions
      // to the column sums one load and store of the partial sums
      for (std::size_t i0 = bidx * kBlock; i0 < i1; i0 += kRows) {
        const std::size_t rows = std::min(kRows, i1 - i0);
        const T* r[kRows];
        for (std::size_t q = 0; q < kRows; ++q) r[q] = kp + (i0 + std::min(q, rows - 1)) * len;
        double sum[kRows] = {};
        for (std::size_t c0 = 0; c0 < len; c0 += kSumChunk) {
          const std::size_t c1 = std::min(len, c0 + kSumChunk);
          BT acc[kRows];
          for (auto& z : acc) z = BT(T(0));
          for (std::size_t j = c0; j < c1; j += LT) {
            const BT vj = BT::load_unaligned(vp + j);
            for (std::size_t q = 0; q < kRows; ++q) acc[q] = fmadd(BT::load_unaligned(r[q] + j), vj, acc[q]);
          }
          for (std::size_t q = 0; q < kRows; ++q) sum[q] += double(xsimd::hadd(acc[q]));
        }
        BT ub[kRows];
        for (std::size_t q = 0; q < kRows; ++q) {
          if (q < rows) {
            sp[i0 + q] = sum[q];
            up[i0 + q] = 1.0 / sum[q];
          }
          ub[q] = BT(q < rows ? static_cast<T>(a[i0 + q] / sum[q]) : T(0));
        }
        for (std::size_t j = 0; j < len; j += LT) {
          BT t = BT::load_unaligned(wp + j);
          for (std::size_t q = 0; q < kRows; ++q) t = fmadd(ub[q], BT::load_unaligned(r[q] + j), t);
          t.store_unaligned(wp + j);
        }
      }
    });
    bool ok = true;
    row_error = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      ok = ok && reliable(s[i]);
      row_error += a[i] * std::abs(u_old[i] * s[i] - 1.0);
    }
    w.assign(m, 0.0);
    for (std::size_t bidx = 0; bidx < blocks; ++bidx)
      for (std::size_t j = 0; j < m; ++j) w[j] += double(partial[bidx * ld + j]);
    for (std::size_t j = 0; j < m; ++j) ok = ok && reliable(w[j]);
    if (!ok) {
      u = u_old;
      return false;
    }
    for (std::size_t j = 0; j < m; ++j) v[j] = 1.0 / w[j];
    return true;
  }

  // Whether a scaling left [1 / tau, tau] (time to absorb and rebuild).
  bool needs_absorption() const {
    const auto out = [](double z) { return !(z <= tau && z * tau >= 1.0); };
    return std::any_of(u.begin(), u.end(), out) || std::any_of(v.begin(), v.end(), out);
  }
};

}  // namespace dmt::detail
