#include "dmt/ot/sinkhorn.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <cstdint>
#include <cmath>
#include <limits>
#include <string>
#include <Eigen/QR>  // CompleteOrthogonalDecomposition
#include <xsimd/xsimd.hpp>

#include "dmt/fast_exp.hpp"
#include "dmt/simd_fma.hpp"
#include "dmt/params.hpp"
#include "gibbs_kernel.hpp"

namespace dmt {

double ground_cost::operator()(const double* x, const double* y, std::size_t d) const {
  double s = 0.0;
  for (std::size_t k = 0; k < d; ++k) {
    const double t = x[k] - y[k];
    s += kind == ot_cost::lp ? std::pow(std::abs(t), p) : t * t;
  }
  return kind == ot_cost::euclidean ? std::sqrt(s) : s;
}

ground_cost parse_ground_cost(const std::string& text) {
  ground_cost c;
  if (text == "sqeuclidean") return c;
  if (text == "euclidean") {
    c.kind = ot_cost::euclidean;
    return c;
  }
  if (text == "l1") {
    c.kind = ot_cost::lp;
    c.p = 1.0;
    return c;
  }
  if (text.rfind("lp:", 0) == 0) {
    char* end = nullptr;
    const double p = std::strtod(text.c_str() + 3, &end);
    if (end == text.c_str() + 3 || *end != '\0' || !(p >= 1.0) || !std::isfinite(p))
      throw input_error("cost '" + text + "': p must be a number >= 1 (e.g. lp:1.5)");
    c.kind = ot_cost::lp;
    c.p = p;
    return c;
  }
  throw input_error("unknown cost '" + text + "' (sqeuclidean, euclidean, l1, lp:P)");
}

void check_cloud(const weighted_cloud& c, const char* name) {
  const std::string n = name;
  if (c.points.rows() == 0 || c.points.cols() == 0) throw input_error(n + " is empty");
  if (!c.points.allFinite()) {
    for (Eigen::Index i = 0; i < c.points.rows(); ++i)
      if (!c.points.row(i).allFinite())
        throw input_error(n + ": point " + std::to_string(i) + " has a non-finite coordinate");
  }
  if (c.weights.size() == 0) return;
  if (c.weights.size() != c.points.rows())
    throw input_error(n + ": " + std::to_string(c.weights.size()) + " weights for " + std::to_string(c.points.rows()) +
                      " points");
  for (Eigen::Index i = 0; i < c.weights.size(); ++i)
    if (!(c.weights(i) >= 0.0) || !std::isfinite(c.weights(i)))
      throw input_error(n + ": weight " + std::to_string(i) + " is negative or not finite");
  const double total = c.weights.sum();
  if (std::abs(total - 1.0) > 1e-6)
    throw input_error(n + ": the weights sum to " + std::to_string(total) + ", not 1 (they are not renormalised)");
}

namespace {

template <class T>
using batch = xsimd::batch<T>;

constexpr std::size_t kRows = 4;       // query rows per register block
constexpr std::size_t kChunk = 1024;   // columns summed in T before adding into a double
constexpr std::size_t kCluster = 32;   // points per cluster of the block-sparse pruning

// A cloud in coordinate-major layout, padded with zero-weight points to a multiple of the row
// block and the batch width. When `sorted`, the points are stored in a spatial (k-d tree) order,
// position p holding the input point order[p], so that every run of kCluster positions is a
// compact cluster; lo/hi hold each cluster's bounding box (cluster-major, d per cluster).
template <class T>
struct soa_cloud {
  std::size_t n = 0, padded = 0, d = 0;
  std::vector<T> x;         // x[k * padded + i]
  std::vector<T> log_w;     // padded; -inf beyond n
  std::vector<double> w;    // n weights
  std::vector<double> norm2;  // |x_i|^2 of the centred points (padded)
  std::vector<std::size_t> order;  // empty: the input order
  std::vector<double> lo, hi, mid, half;  // boxes, their midpoints and half-widths
  // per cluster, the least-squares solver (A^T A)^-1 A^T of A = [1, x_i - mid] ((d + 1) x kCluster,
  // row-major; zero columns for missing points; empty when the cluster is degenerate)
  std::vector<std::vector<double>> pinv;
  std::size_t clusters() const { return (padded + kCluster - 1) / kCluster; }
  std::size_t source(std::size_t p) const { return order.empty() ? p : order[p]; }
};

// the largest lane (xsimd 8.1 has no horizontal max)
template <class B>
typename B::value_type hmax(const B& v) {
  alignas(64) typename B::value_type t[B::size];
  v.store_unaligned(t);
  typename B::value_type m = t[0];
  for (std::size_t i = 1; i < B::size; ++i) m = std::max(m, t[i]);
  return m;
}

template <class T>
std::size_t pad_to() {  // batch sizes and kRows are powers of two
  return std::max<std::size_t>(batch<T>::size, kRows);
}

// Every cost here is translation invariant, so both clouds are shifted by a common centre (the
// middle of their joint bounding box): the costs and potentials are unchanged, and float32
// keeps its digits for clouds far from the origin.
Eigen::RowVectorXd common_centre(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return 0.5 * (a.colwise().minCoeff().cwiseMin(b.colwise().minCoeff()) +
                a.colwise().maxCoeff().cwiseMax(b.colwise().maxCoeff()));
}

// A k-d tree order: split the widest side of the bounding box at a multiple of kCluster points
// near the median, recursively, so that the clusters [c kCluster, (c + 1) kCluster) are leaves.
std::vector<std::size_t> spatial_order(const Eigen::MatrixXd& p) {
  std::vector<std::size_t> idx(static_cast<std::size_t>(p.rows()));
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::vector<std::pair<std::size_t, std::size_t>> todo{{0, idx.size()}};
  while (!todo.empty()) {
    const auto [a, b] = todo.back();
    todo.pop_back();
    if (b - a <= kCluster) continue;
    Eigen::Index axis = 0;
    double widest = -1.0;
    for (Eigen::Index k = 0; k < p.cols(); ++k) {
      double lo = p(Eigen::Index(idx[a]), k), hi = lo;
      for (std::size_t i = a; i < b; ++i) {
        lo = std::min(lo, p(Eigen::Index(idx[i]), k));
        hi = std::max(hi, p(Eigen::Index(idx[i]), k));
      }
      if (hi - lo > widest) widest = hi - lo, axis = k;
    }
    const std::size_t mid = a + ((b - a) / 2 + kCluster - 1) / kCluster * kCluster;
    std::nth_element(idx.begin() + std::ptrdiff_t(a), idx.begin() + std::ptrdiff_t(mid), idx.begin() + std::ptrdiff_t(b),
                     [&](std::size_t u, std::size_t v) { return p(Eigen::Index(u), axis) < p(Eigen::Index(v), axis); });
    todo.push_back({a, mid});
    todo.push_back({mid, b});
  }
  return idx;
}

template <class T>
soa_cloud<T> to_soa(const weighted_cloud& c, const Eigen::RowVectorXd& centre, bool sorted = false) {
  soa_cloud<T> s;
  s.n = static_cast<std::size_t>(c.points.rows());
  s.d = static_cast<std::size_t>(c.points.cols());
  const std::size_t q = pad_to<T>();
  s.padded = (s.n + q - 1) / q * q;
  if (sorted) s.order = spatial_order(c.points);
  s.x.assign(s.d * s.padded, T(0));
  for (std::size_t k = 0; k < s.d; ++k)
    for (std::size_t i = 0; i < s.n; ++i)
      s.x[k * s.padded + i] = static_cast<T>(c.points(Eigen::Index(s.source(i)), Eigen::Index(k)) - centre(k));
  s.norm2.assign(s.padded, 0.0);
  for (std::size_t k = 0; k < s.d; ++k)
    for (std::size_t i = 0; i < s.n; ++i) s.norm2[i] += double(s.x[k * s.padded + i]) * double(s.x[k * s.padded + i]);
  s.w.resize(s.n);
  for (std::size_t i = 0; i < s.n; ++i) s.w[i] = c.weights.size() ? c.weights(Eigen::Index(s.source(i))) : 1.0 / double(s.n);
  s.log_w.assign(s.padded, -std::numeric_limits<T>::infinity());
  for (std::size_t i = 0; i < s.n; ++i) s.log_w[i] = static_cast<T>(std::log(s.w[i]));
  // the clusters' bounding boxes, of the stored (rounded) coordinates
  s.lo.assign(s.clusters() * s.d, std::numeric_limits<double>::infinity());
  s.hi.assign(s.clusters() * s.d, -std::numeric_limits<double>::infinity());
  for (std::size_t k = 0; k < s.d; ++k)
    for (std::size_t i = 0; i < s.n; ++i) {
      const double v = double(s.x[k * s.padded + i]);
      double& l = s.lo[i / kCluster * s.d + k];
      double& h = s.hi[i / kCluster * s.d + k];
      l = std::min(l, v);
      h = std::max(h, v);
    }
  s.mid.resize(s.lo.size());
  s.half.resize(s.lo.size());
  for (std::size_t e = 0; e < s.lo.size(); ++e) {
    s.mid[e] = 0.5 * (s.lo[e] + s.hi[e]);
    s.half[e] = 0.5 * (s.hi[e] - s.lo[e]);
  }
  s.pinv.resize(s.clusters());
  for (std::size_t I = 0; sorted && s.d <= 64 && I < s.clusters(); ++I) {
    const std::size_t i0 = I * kCluster, i1 = std::min(s.n, i0 + kCluster);
    if (i1 <= i0) continue;
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(Eigen::Index(kCluster), Eigen::Index(s.d + 1));
    for (std::size_t i = i0; i < i1; ++i) {
      A(Eigen::Index(i - i0), 0) = 1.0;
      for (std::size_t k = 0; k < s.d; ++k)
        A(Eigen::Index(i - i0), Eigen::Index(k + 1)) =
            double(s.x[k * s.padded + i]) - s.mid[I * s.d + k];
    }
    const Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(A);
    if (cod.rank() < Eigen::Index(s.d + 1)) continue;  // too few or coplanar points: no affine fit
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> P = cod.pseudoInverse();
    s.pinv[I].assign(P.data(), P.data() + P.size());
  }
  return s;
}

using detail::cost_finish;
using detail::cost_term;

// The log-sum-exp half-step: for every query row i,
//   out_i = log sum_j exp(h_j - C_ij / eps),
// with h_j = g_j / eps + log b_j (-inf on padding). `shift_i` is a guess of out_i (the previous
// value); a row whose shifted sum leaves [lo, hi] is recomputed with its exact maximum.
template <class T>
struct half_step {
  const soa_cloud<T>* q = nullptr;
  const soa_cloud<T>* s = nullptr;
  const T* h = nullptr;
  const T* dense = nullptr;  // q->padded x s->padded costs, or nullptr
  const T* h2 = nullptr;     // sqeuclidean: h_j - |s_j|^2 / eps
  const T* qnorm = nullptr;  // sqeuclidean: |q_i|^2 / eps
  T inv_eps = 1, p = 2;
  const double* shift = nullptr;
  double* out = nullptr;
  // block-sparse pruning: for query cluster I, fills the column ranges (each within kChunk
  // columns) that may contribute and returns the log of a bound on a row's skipped terms
  // (relative to exp(shift_i)); an empty function: all columns. `kept` counts the evaluated pairs.
  std::function<double(std::size_t, std::vector<std::pair<std::uint32_t, std::uint32_t>>&)> cluster_list;
  std::atomic<unsigned long long>* kept = nullptr;
};

template <class T, ot_cost K, std::size_t D>
inline batch<T> column_cost(const half_step<T>& hs, std::size_t i, std::size_t j) {
  using B = batch<T>;
  if (hs.dense) return B::load_unaligned(hs.dense + i * hs.s->padded + j);
  const std::size_t d = D ? D : hs.q->d;
  const std::size_t qp = hs.q->padded, sp = hs.s->padded;
  const B pp(hs.p);
  B c(T(0));
  for (std::size_t k = 0; k < d; ++k) c += cost_term<K>(B(hs.q->x[k * qp + i]) - B::load_unaligned(hs.s->x.data() + k * sp + j), pp);
  return cost_finish<K>(c);
}

// log sum_j exp(v_ij) for one row with its exact maximum (two passes).
template <class T, ot_cost K, std::size_t D>
double exact_row(const half_step<T>& hs, std::size_t i) {
  using B = batch<T>;
  constexpr std::size_t L = B::size;
  const std::size_t sp = hs.s->padded;
  const B ie(hs.inv_eps);
  B m(-std::numeric_limits<T>::infinity());
  for (std::size_t j = 0; j < sp; j += L)
    m = xsimd::max(m, B::load_unaligned(hs.h + j) - column_cost<T, K, D>(hs, i, j) * ie);
  const T mx = hmax(m);
  if (!(mx > -std::numeric_limits<T>::infinity())) return -std::numeric_limits<double>::infinity();
  double sum = 0.0;
  const B mb(mx);
  for (std::size_t c0 = 0; c0 < sp; c0 += kChunk) {
    B acc(T(0));
    for (std::size_t j = c0; j < std::min(c0 + kChunk, sp); j += L)
      acc += exp_or_zero(B::load_unaligned(hs.h + j) - column_cost<T, K, D>(hs, i, j) * ie - mb);
    sum += double(xsimd::hadd(acc));
  }
  return double(mx) + std::log(sum);
}

// rows held in registers at once (16 vector registers: coordinates, shifts, accumulators)
template <class T, std::size_t D>
constexpr std::size_t rows_per_block() {
#if defined(__wasm_simd128__)
  return 2;  // V8 allocates registers less tightly: four rows of coordinates, shifts and sums spill
#else
  return D == 0 ? 4 : D <= 2 ? 4 : 2;
#endif
}

// The fixed shifted sums of a block of R rows; the online path holds the rows' coordinates
// in registers (D > 0 known at compile time).
template <class T, ot_cost K, std::size_t D, std::size_t R>
void block_sums(const half_step<T>& hs, std::size_t i0, const T* shs, double* sum,
                const std::vector<std::pair<std::uint32_t, std::uint32_t>>* ranges) {
  using B = batch<T>;
  constexpr std::size_t L = B::size;
  constexpr std::size_t DD = D ? D : 1;
  const std::size_t sp = hs.s->padded, qp = hs.q->padded;
  const B ie(hs.inv_eps), pp(hs.p);
  B sh[R];
  for (std::size_t r = 0; r < R; ++r)
    sh[r] = B(D > 0 && K == ot_cost::sqeuclidean ? shs[r] + hs.qnorm[i0 + r] : shs[r]);
  B xb[R][DD];
  const T* yk[DD];
  if constexpr (D > 0) {
    for (std::size_t k = 0; k < D; ++k) {
      yk[k] = hs.s->x.data() + k * sp;
      for (std::size_t r = 0; r < R; ++r)
        xb[r][k] = B(K == ot_cost::sqeuclidean ? T(2) * hs.inv_eps * hs.q->x[k * qp + i0 + r] : hs.q->x[k * qp + i0 + r]);
    }
  }
  const auto range_sums = [&](std::size_t c0, std::size_t c1) {
    B acc[R];
    for (auto& a : acc) a = B(T(0));
    for (std::size_t j = c0; j < c1; j += L) {
      const B hj = B::load_unaligned(hs.h + j);
      if constexpr (D > 0 && K == ot_cost::sqeuclidean) {
        // v = (h_j - |y_j|^2 / eps) + (2 / eps) x_i . y_j - (|x_i|^2 / eps + shift_i)
        const B hy = B::load_unaligned(hs.h2 + j);
        B yv[DD];
        for (std::size_t k = 0; k < D; ++k) yv[k] = B::load_unaligned(yk[k] + j);
        for (std::size_t r = 0; r < R; ++r) {
          B v = hy - sh[r];
          for (std::size_t k = 0; k < D; ++k) v = fmadd(xb[r][k], yv[k], v);
          acc[r] += exp_clamped(v);
        }
      } else if constexpr (D > 0) {
        B yv[DD];
        for (std::size_t k = 0; k < D; ++k) yv[k] = B::load_unaligned(yk[k] + j);
        for (std::size_t r = 0; r < R; ++r) {
          B c(T(0));
          for (std::size_t k = 0; k < D; ++k) {
            const B diff = xb[r][k] - yv[k];
            if constexpr (K == ot_cost::lp)
              c += cost_term<K>(diff, pp);
            else
              c = fmadd(diff, diff, c);
          }
          acc[r] += exp_clamped(fnmadd(cost_finish<K>(c), ie, hj - sh[r]));
        }
      } else {
        for (std::size_t r = 0; r < R; ++r)
          acc[r] += exp_clamped(fnmadd(column_cost<T, K, D>(hs, i0 + r, j), ie, hj - sh[r]));
      }
    }
    for (std::size_t r = 0; r < R; ++r) sum[r] += double(xsimd::hadd(acc[r]));
  };
  if (ranges) {
    for (const auto& [c0, c1] : *ranges) range_sums(c0, c1);
  } else {
    for (std::size_t c0 = 0; c0 < sp; c0 += kChunk) range_sums(c0, std::min(c0 + kChunk, sp));
  }
}

template <class T, ot_cost K, std::size_t D>
void lse_rows(const half_step<T>& hs, std::size_t r0, std::size_t r1) {
  // the shifted sum must stay where T represents it with full precision (and far from the
  // clamps: a clamped term is at least exp(88) or at most exp(-87) times the shift)
  const double lo = std::is_same_v<T, float> ? 1e-20 : 1e-200, hi = std::is_same_v<T, float> ? 1e20 : 1e200;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  std::size_t cluster = std::numeric_limits<std::size_t>::max();
  double skip = -std::numeric_limits<double>::infinity();
  for (std::size_t i0 = r0; i0 < r1; i0 += kRows) {
    if (hs.cluster_list && i0 / kCluster != cluster) {
      cluster = i0 / kCluster;
      ranges.clear();
      skip = hs.cluster_list(cluster, ranges);
      if (i0 % kCluster == 0) {  // the task holding the cluster's first row counts it
        unsigned long long cols = 0;
        for (const auto& [a, b] : ranges) cols += b - a;
        const std::size_t rows = std::min(hs.q->n, i0 + kCluster) - std::min(hs.q->n, i0);
        hs.kept->fetch_add(cols * rows, std::memory_order_relaxed);
      }
    }
    T shs[kRows];
    double sum[kRows] = {};
    for (std::size_t r = 0; r < kRows; ++r) {
      const double g = hs.shift[i0 + r];
      shs[r] = static_cast<T>(std::isfinite(g) ? g : 0.0);
    }
    for (std::size_t r = 0; r < kRows; r += rows_per_block<T, D>())
      block_sums<T, K, D, rows_per_block<T, D>()>(hs, i0 + r, shs + r, sum + r, hs.cluster_list ? &ranges : nullptr);
    const double log_tau = std::is_same_v<T, float> ? -27.0 * std::log(2.0) : -56.0 * std::log(2.0);
    for (std::size_t r = 0; r < kRows; ++r) {
      const double v = double(shs[r]) + std::log(sum[r]);
      if (sum[r] >= lo && sum[r] <= hi && (!hs.cluster_list || hs.shift[i0 + r] + skip <= log_tau + v))
        hs.out[i0 + r] = v;
      else
        hs.out[i0 + r] = exact_row<T, K, D>(hs, i0 + r);
    }
  }
}

template <class T, ot_cost K>
void dispatch_d(const half_step<T>& hs, std::size_t r0, std::size_t r1) {
  if (hs.dense) return lse_rows<T, K, 0>(hs, r0, r1);  // the generic path reads the stored costs
  switch (hs.q->d) {
    case 1: return lse_rows<T, K, 1>(hs, r0, r1);
    case 2: return lse_rows<T, K, 2>(hs, r0, r1);
    case 3: return lse_rows<T, K, 3>(hs, r0, r1);
    case 4: return lse_rows<T, K, 4>(hs, r0, r1);
    default: return lse_rows<T, K, 0>(hs, r0, r1);
  }
}

template <class T>
void run_rows(const executor& ex, std::size_t rows, const std::function<void(std::size_t, std::size_t)>& f) {
  const std::size_t per = std::max<std::size_t>(
      kRows * 4, (rows / (std::size_t(std::max(ex.threads(), 1)) * 8) + kRows - 1) / kRows * kRows);
  const std::size_t tasks = (rows + per - 1) / per;
  ex.parallel_for(tasks, [&](std::size_t t) { f(t * per, std::min(rows, (t + 1) * per)); });
}

template <class T>
struct solver {
  const soa_cloud<T>& X;
  const soa_cloud<T>& Y;
  ground_cost cost;
  const executor& ex;
  std::vector<T> cxy, cyx;  // stored costs (dense path)

  bool prune = false;
  mutable double evaluated = 0.0, pairs = 0.0;  // pairs evaluated / in all, over the half-steps

  solver(const soa_cloud<T>& x, const soa_cloud<T>& y, ground_cost c, const executor& e, bool dense, bool pr)
      : X(x), Y(y), cost(c), ex(e), prune(pr) {
    if (!dense) return;
    cxy = cost_matrix(X, Y);
    if (&X != &Y) cyx = cost_matrix(Y, X);
  }

  std::vector<T> cost_matrix(const soa_cloud<T>& a, const soa_cloud<T>& b) const {
    std::vector<T> m(a.padded * b.padded, T(0));
    std::vector<double> pa(a.d), pb(a.d);
    ex.parallel_for(a.n, [&](std::size_t i) {
      std::vector<double> u(a.d), v(a.d);
      for (std::size_t k = 0; k < a.d; ++k) u[k] = double(a.x[k * a.padded + i]);
      for (std::size_t j = 0; j < b.n; ++j) {
        for (std::size_t k = 0; k < a.d; ++k) v[k] = double(b.x[k * b.padded + j]);
        m[i * b.padded + j] = static_cast<T>(cost(u.data(), v.data(), a.d));
      }
    });
    return m;
  }

  // The cost of the per-coordinate gaps g (sqeuclidean: sum g^2, euclidean: its root, lp: sum g^p).
  double gap_cost(const double* g) const {
    double c = 0.0;
    for (std::size_t k = 0; k < X.d; ++k) c += cost.kind == ot_cost::lp ? std::pow(g[k], cost.p) : g[k] * g[k];
    return cost.kind == ot_cost::euclidean ? std::sqrt(c) : c;
  }

  // Block-sparse pruning, in the potentials' form. With p_i = -eps shift_i for the query rows
  // (the rows' previous values) and p_j = eps h_j for the columns, a term relative to its row's
  // previous value is exp((p_i + p_j - C_ij) / eps). On every cluster (box with midpoint m and
  // half-widths w) p is fitted by an affine function, p(x) <= alpha + beta . (x - m) + rho with
  // rho the largest residual, so for i in I, j in J (a = x_i - m_I, b = y_j - m_J, D = m_I - m_J)
  //   p_i + p_j - C_ij <= alpha_I + alpha_J + rho_I + rho_J
  //                       + sum_k [ max_{|u| <= R_k} (bb_k u - (D_k + u)^2) + |gg_k| R_k ] =: B_IJ
  // for the squared-Euclidean cost (u = a_k - b_k, R_k = w_Ik + w_Jk, bb = (beta_I - beta_J) / 2,
  // gg = (beta_I + beta_J) / 2, since beta_I a + beta_J b = bb (a - b) + gg (a + b)); for the
  // other costs B_IJ = max_I p + max_J p - Cmin(box I, box J). J is skipped for I when
  // B_IJ / eps + log |J| < log(tau) - log(#clusters) - 3; skip[I] = log sum over the skipped J of
  // |J| exp(B_IJ / eps) bounds what row i misses relative to exp(shift_i), and lse_rows checks
  // every row after the fact (shift_i + skip[I] <= log(tau) + the row's value, else the row is
  // redone in full), so the result is that of the full sums up to tau: 2^-27 (float32) or 2^-56
  // (float64), under half an ulp of the precision the sums are accumulated in.
  struct cluster_fit {
    std::vector<double> alpha, beta;  // alpha + rho folded in; beta: d per cluster
  };

  cluster_fit fit_clusters(const soa_cloud<T>& c, const std::vector<double>& p) const {
    const std::size_t nc = c.clusters(), d = c.d;
    cluster_fit fit;
    fit.alpha.assign(nc, -std::numeric_limits<double>::infinity());
    fit.beta.assign(nc * d, 0.0);
    ex.parallel_for(nc, [&](std::size_t I) {
      const std::size_t i0 = I * kCluster, i1 = std::min(c.n, i0 + kCluster);
      if (i1 <= i0) return;
      const double* m = c.mid.data() + I * d;
      double* be = fit.beta.data() + I * d;
      double pmax = -std::numeric_limits<double>::infinity();
      for (std::size_t i = i0; i < i1; ++i) pmax = std::max(pmax, p[i]);
      if (cost.kind != ot_cost::sqeuclidean) {
        fit.alpha[I] = pmax;
        return;
      }
      // least squares for (alpha, beta) on [1, x - m], then the largest residual
      const std::vector<double>& P = c.pinv[I];
      if (P.empty()) {
        fit.alpha[I] = pmax;
        return;
      }
      double sol[65] = {};
      for (std::size_t r = 0; r <= d; ++r)
        for (std::size_t i = i0; i < i1; ++i) sol[r] += P[r * kCluster + (i - i0)] * p[i];
      double rho = -std::numeric_limits<double>::infinity();
      for (std::size_t i = i0; i < i1; ++i) {
        double v = sol[0];
        for (std::size_t k = 0; k < d; ++k) v += sol[k + 1] * (double(c.x[k * c.padded + i]) - m[k]);
        rho = std::max(rho, p[i] - v);
      }
      if (!std::isfinite(rho)) {
        fit.alpha[I] = pmax;
        return;
      }
      fit.alpha[I] = sol[0] + rho;
      for (std::size_t k = 0; k < d; ++k) be[k] = sol[k + 1];
    });
    return fit;
  }

  double pair_bound(const cluster_fit& fi, std::size_t I, const cluster_fit& fj, std::size_t J, const soa_cloud<T>& q,
                    const soa_cloud<T>& s) const {
    const std::size_t d = q.d;
    double b = fi.alpha[I] + fj.alpha[J];
    if (cost.kind != ot_cost::sqeuclidean) {
      double c = 0.0;
      for (std::size_t k = 0; k < d; ++k) {
        const double g = std::max({0.0, s.lo[J * d + k] - q.hi[I * d + k], q.lo[I * d + k] - s.hi[J * d + k]});
        c += cost.kind == ot_cost::lp ? std::pow(g, cost.p) : g * g;
      }
      return b - (cost.kind == ot_cost::euclidean ? std::sqrt(c) : c);
    }
    for (std::size_t k = 0; k < d; ++k) {
      const double D = q.mid[I * d + k] - s.mid[J * d + k];
      const double R = q.half[I * d + k] + s.half[J * d + k];
      const double bb = 0.5 * (fi.beta[I * d + k] - fj.beta[J * d + k]);
      const double gg = 0.5 * (fi.beta[I * d + k] + fj.beta[J * d + k]);
      const double u = std::clamp(0.5 * bb - D, -R, R);
      b += bb * u - (D + u) * (D + u) + std::abs(gg) * R;
    }
    return b;
  }

  // The fits of one half-step and the per-cluster list (computed by the row tasks themselves, so
  // that no N x M / kCluster^2 table is ever stored).
  struct prune_plan {
    cluster_fit fq, fs;
    double eps = 1, thr = 0;
  };

  prune_plan plan_pruning(const soa_cloud<T>& q, const soa_cloud<T>& s, const std::vector<T>& h,
                          const std::vector<double>& shift, double eps) const {
    prune_plan pl;
    std::vector<double> pq(q.n), ps(s.n);
    for (std::size_t i = 0; i < q.n; ++i) pq[i] = -eps * shift[i];
    for (std::size_t j = 0; j < s.n; ++j) ps[j] = eps * double(h[j]);
    pl.fq = fit_clusters(q, pq);
    pl.fs = fit_clusters(s, ps);
    pl.eps = eps;
    const double log_tau = std::is_same_v<T, float> ? -27.0 * std::log(2.0) : -56.0 * std::log(2.0);
    pl.thr = log_tau - std::log(double(s.clusters())) - 3.0;
    return pl;
  }

  double cluster_list(const prune_plan& pl, const soa_cloud<T>& q, const soa_cloud<T>& s, std::size_t I,
                      std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) const {
    const std::size_t nJ = s.clusters(), sp = s.padded;
    double sk = -std::numeric_limits<double>::infinity();
    if (!(pl.fq.alpha[I] > -std::numeric_limits<double>::infinity())) return sk;  // no real points
    for (std::size_t J = 0; J < nJ; ++J) {
      if (!(pl.fs.alpha[J] > -std::numeric_limits<double>::infinity())) continue;
      const double size = double(std::min(s.n, (J + 1) * kCluster) - J * kCluster);
      const double v = pair_bound(pl.fq, I, pl.fs, J, q, s) / pl.eps + std::log(size);
      if (v < pl.thr) {
        sk = std::max(sk, v) + std::log1p(std::exp(-std::abs(sk - v)));
        continue;
      }
      const auto a = static_cast<std::uint32_t>(J * kCluster), b = static_cast<std::uint32_t>(std::min(sp, (J + 1) * kCluster));
      if (!out.empty() && out.back().second == a && out.back().second - out.back().first + (b - a) <= kChunk)
        out.back().second = b;
      else
        out.push_back({a, b});
    }
    return sk;
  }

  // out_i = log sum_j exp(h_j - C(q_i, s_j) / eps) for all rows of q (x rows when `x_rows`).
  // `hint`: the shifts are the rows' previous values (not the first half-step).
  void lse(bool x_rows, const std::vector<T>& h, const std::vector<double>& shift, std::vector<double>& out,
           double eps, bool hint) const {
    half_step<T> hs;
    hs.q = x_rows ? &X : &Y;
    hs.s = x_rows ? &Y : &X;
    hs.h = h.data();
    const std::vector<T>& dm = x_rows || &X == &Y ? cxy : cyx;
    hs.dense = dm.empty() ? nullptr : dm.data();
    hs.inv_eps = static_cast<T>(1.0 / eps);
    hs.p = static_cast<T>(cost.p);
    hs.shift = shift.data();
    hs.out = out.data();
    std::vector<T> h2, qnorm;
    if (!hs.dense && cost.kind == ot_cost::sqeuclidean) {
      h2.assign(hs.s->padded, -std::numeric_limits<T>::infinity());
      for (std::size_t j = 0; j < hs.s->n; ++j) h2[j] = static_cast<T>(double(h[j]) - hs.s->norm2[j] / eps);
      qnorm.resize(hs.q->padded);
      for (std::size_t i = 0; i < hs.q->padded; ++i) qnorm[i] = static_cast<T>(hs.q->norm2[i] / eps);
      hs.h2 = h2.data();
      hs.qnorm = qnorm.data();
    }
    prune_plan plan;
    std::atomic<unsigned long long> kept{0};
    pairs += double(hs.q->n) * double(hs.s->padded);
    if (prune && hint) {
      plan = plan_pruning(*hs.q, *hs.s, h, shift, eps);
      hs.cluster_list = [&](std::size_t I, std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) {
        return cluster_list(plan, *hs.q, *hs.s, I, out);
      };
      hs.kept = &kept;
    } else {
      evaluated += double(hs.q->n) * double(hs.s->padded);
    }
    run_rows<T>(ex, hs.q->padded, [&](std::size_t r0, std::size_t r1) {
      switch (cost.kind) {
        case ot_cost::sqeuclidean: return dispatch_d<T, ot_cost::sqeuclidean>(hs, r0, r1);
        case ot_cost::euclidean: return dispatch_d<T, ot_cost::euclidean>(hs, r0, r1);
        case ot_cost::lp: return dispatch_d<T, ot_cost::lp>(hs, r0, r1);
      }
    });
    if (hs.kept) evaluated += double(kept.load());
  }
};

// h_j = pot_j / eps + log w_j in T (padding stays -inf).
template <class T>
void make_h(const soa_cloud<T>& c, const std::vector<double>& pot, double eps, std::vector<T>& h) {
  h.assign(c.padded, -std::numeric_limits<T>::infinity());
  for (std::size_t j = 0; j < c.n; ++j) h[j] = static_cast<T>(pot[j] / eps + double(c.log_w[j]));
}

double cost_diameter(const weighted_cloud& x, const weighted_cloud& y, const ground_cost& c) {
  const auto d = x.points.cols();
  double s = 0.0;
  for (Eigen::Index k = 0; k < d; ++k) {
    const double lo = std::min(x.points.col(k).minCoeff(), y.points.col(k).minCoeff());
    const double hi = std::max(x.points.col(k).maxCoeff(), y.points.col(k).maxCoeff());
    s += c.kind == ot_cost::lp ? std::pow(hi - lo, c.p) : (hi - lo) * (hi - lo);
  }
  return c.kind == ot_cost::euclidean ? std::sqrt(s) : s;
}

std::vector<double> eps_stages(double eps, double diameter, const sinkhorn_options& o) {
  std::vector<double> stages;
  if (o.eps_scaling)
    for (double e = std::max(diameter, eps); e > eps * (1.0 + 1e-12); e *= o.scaling_factor) stages.push_back(e);
  stages.push_back(eps);
  return stages;
}

double median_ratio(const std::vector<double>& errors, double floor) {
  std::vector<double> r;
  for (std::size_t k = 2; k + 1 < errors.size(); ++k)
    if (errors[k + 1] > floor && errors[k] > floor) r.push_back(errors[k + 1] / errors[k]);
  if (r.size() < 3) return 0.0;
  std::nth_element(r.begin(), r.begin() + r.size() / 2, r.end());
  return r[r.size() / 2];
}

void check_options(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& o) {
  check_cloud(x, "the first cloud");
  check_cloud(y, "the second cloud");
  if (x.points.cols() != y.points.cols())
    throw input_error("the clouds have different dimensions (" + std::to_string(x.points.cols()) + " and " +
                      std::to_string(y.points.cols()) + ")");
  if (!(o.reg > 0.0) || !std::isfinite(o.reg)) throw input_error("reg must be positive and finite");
  if (o.max_iterations < 1) throw input_error("the iteration limit must be at least 1");
  if (!(o.tolerance >= 0.0)) throw input_error("the tolerance must be non-negative");
  if (o.eps_scaling && !(o.scaling_factor > 0.0 && o.scaling_factor < 1.0))
    throw input_error("the eps-scaling factor must lie in (0, 1)");
  if (o.cost.kind == ot_cost::lp && !(o.cost.p >= 1.0)) throw input_error("the lp cost needs p >= 1");
}

bool use_dense(std::size_t n, std::size_t m, const sinkhorn_options& o) {
  if (o.storage == sinkhorn_storage::dense) return true;
  if (o.storage == sinkhorn_storage::online) return false;
  return double(n) * double(m) <= double(o.dense_limit);
}

// The row statistics of the plan (exact maxima, two passes, vectorised like the half-steps):
// for every query row, log_mass_i = log sum_j exp(v_ij), v_ij = h_j - C_ij / eps, and under the
// weights exp(v_ij - log_mass_i) the mean cost and the mean of the columns' points.
struct row_stats {
  std::vector<double> log_mass, transport;
  Eigen::MatrixXd mean;  // rows x d
};

template <class T, ot_cost K, std::size_t D>
void stats_rows(const half_step<T>& hs, std::size_t r0, std::size_t r1, row_stats& st) {
  using B = batch<T>;
  constexpr std::size_t L = B::size;
  const std::size_t sp = hs.s->padded, d = hs.s->d;
  const B ie(hs.inv_eps);
  std::vector<B> acc_y(d);
  std::vector<double> sy(d);
  for (std::size_t i = r0; i < std::min(r1, hs.q->n); ++i) {
    B m(-std::numeric_limits<T>::infinity());
    for (std::size_t j = 0; j < sp; j += L)
      m = xsimd::max(m, B::load_unaligned(hs.h + j) - column_cost<T, K, D>(hs, i, j) * ie);
    const T mx = hmax(m);
    const B mb(mx);
    double s0 = 0.0, sc = 0.0;
    std::fill(sy.begin(), sy.end(), 0.0);
    for (std::size_t c0 = 0; c0 < sp; c0 += kChunk) {
      B a0(T(0)), ac(T(0));
      for (auto& a : acc_y) a = B(T(0));
      for (std::size_t j = c0; j < std::min(c0 + kChunk, sp); j += L) {
        const B c = column_cost<T, K, D>(hs, i, j);
        const B e = exp_or_zero(B::load_unaligned(hs.h + j) - c * ie - mb);
        a0 += e;
        ac += e * c;
        for (std::size_t k = 0; k < d; ++k) acc_y[k] += e * B::load_unaligned(hs.s->x.data() + k * sp + j);
      }
      s0 += double(xsimd::hadd(a0));
      sc += double(xsimd::hadd(ac));
      for (std::size_t k = 0; k < d; ++k) sy[k] += double(xsimd::hadd(acc_y[k]));
    }
    st.log_mass[i] = double(mx) + std::log(s0);
    st.transport[i] = sc / s0;
    for (std::size_t k = 0; k < d; ++k) st.mean(i, k) = sy[k] / s0;
  }
}

template <class T, ot_cost K>
void stats_dispatch_d(const half_step<T>& hs, std::size_t r0, std::size_t r1, row_stats& st) {
  switch (hs.dense ? 1 : hs.q->d) {
    case 1: return stats_rows<T, K, 1>(hs, r0, r1, st);
    case 2: return stats_rows<T, K, 2>(hs, r0, r1, st);
    case 3: return stats_rows<T, K, 3>(hs, r0, r1, st);
    default: return stats_rows<T, K, 0>(hs, r0, r1, st);
  }
}

// Statistics of the plan's rows for query points q against the cloud s with potential g.
template <class T>
row_stats compute_row_stats(const soa_cloud<T>& q, const soa_cloud<T>& s, const std::vector<double>& g, double eps,
                            const ground_cost& cost, const executor& ex, const T* dense) {
  row_stats st;
  st.log_mass.assign(q.n, 0.0);
  st.transport.assign(q.n, 0.0);
  st.mean = Eigen::MatrixXd::Zero(q.n, s.d);
  std::vector<T> h;
  make_h(s, g, eps, h);
  half_step<T> hs;
  hs.q = &q;
  hs.s = &s;
  hs.h = h.data();
  hs.dense = dense;
  hs.inv_eps = static_cast<T>(1.0 / eps);
  hs.p = static_cast<T>(cost.p);
  run_rows<T>(ex, q.padded, [&](std::size_t r0, std::size_t r1) {
    switch (cost.kind) {
      case ot_cost::sqeuclidean: return stats_dispatch_d<T, ot_cost::sqeuclidean>(hs, r0, r1, st);
      case ot_cost::euclidean: return stats_dispatch_d<T, ot_cost::euclidean>(hs, r0, r1, st);
      case ot_cost::lp: return stats_dispatch_d<T, ot_cost::lp>(hs, r0, r1, st);
    }
  });
  return st;
}

template <class T>
sinkhorn_result solve(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& o) {
  const executor& ex = o.exec ? *o.exec : serial_executor();
  const Eigen::RowVectorXd centre = common_centre(x.points, y.points);
  const soa_cloud<T> X = to_soa<T>(x, centre, o.prune), Y = to_soa<T>(y, centre, o.prune);
  sinkhorn_result res;
  // small problems: a stored Gibbs kernel (gibbs_kernel.hpp) from the final eps's second iteration
  res.dense = use_dense(X.n, Y.n, o);
  const solver<T> S(X, Y, o.cost, ex, false, o.prune);
  std::vector<double> f(X.padded, 0.0), g(Y.padded, 0.0), lse_x(X.padded), lse_y(Y.padded), shift_x(X.padded),
      shift_y(Y.padded);
  std::vector<T> h;
  detail::gibbs_kernel<T> gk;
  bool kernel_ready = false;
  std::vector<double> xd, yd, ft, gt;  // the points in float64 (internal order), absorbed potentials
  if (res.dense) {
    xd.resize(X.n * X.d);
    yd.resize(Y.n * Y.d);
    for (std::size_t k = 0; k < X.d; ++k) {
      for (std::size_t i = 0; i < X.n; ++i)
        xd[k * X.n + i] = x.points(Eigen::Index(X.source(i)), Eigen::Index(k)) - centre(Eigen::Index(k));
      for (std::size_t j = 0; j < Y.n; ++j)
        yd[k * Y.n + j] = y.points(Eigen::Index(Y.source(j)), Eigen::Index(k)) - centre(Eigen::Index(k));
    }
    gk.n = X.n;
    gk.m = Y.n;
    gk.ld = Y.padded;
  }
  // f, g from the absorbed potentials and the scalings (kept stale during kernel iterations)
  bool stale = false;
  const auto sync = [&](double eps) {
    if (!stale) return;
    for (std::size_t i = 0; i < X.n; ++i) f[i] = ft[i] + eps * std::log(gk.u[i]);
    for (std::size_t j = 0; j < Y.n; ++j) g[j] = gt[j] + eps * std::log(gk.v[j]);
    stale = false;
  };
  // absorbs (f, g) and fills K
  const auto build_kernel = [&](double eps) {
    sync(eps);
    ft.assign(f.begin(), f.begin() + std::ptrdiff_t(X.n));
    gt.assign(g.begin(), g.begin() + std::ptrdiff_t(Y.n));
    gk.u.assign(X.n, 1.0);
    gk.v.assign(Y.n, 1.0);
    const auto run = [&](auto tag) {
      gk.template build<decltype(tag)::value>(xd.data(), X.n, yd.data(), Y.n, X.d, o.cost.p, ft.data(), gt.data(),
                                              eps, ex);
    };
    switch (o.cost.kind) {
      case ot_cost::sqeuclidean: run(std::integral_constant<ot_cost, ot_cost::sqeuclidean>{}); break;
      case ot_cost::euclidean: run(std::integral_constant<ot_cost, ot_cost::euclidean>{}); break;
      case ot_cost::lp: run(std::integral_constant<ot_cost, ot_cost::lp>{}); break;
    }
    kernel_ready = true;
    ++res.kernel_builds;
  };
  const auto stages = eps_stages(o.reg, cost_diameter(x, y, o.cost), o);
  const double floor = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  for (std::size_t st = 0; st < stages.size(); ++st) {
    const double eps = stages[st];
    const bool last = st + 1 == stages.size();
    const int iterations = last ? o.max_iterations : 1;
    for (int it = 0; it < iterations; ++it) {
      double err = 0.0;
      bool done = false;
      if (res.dense && last && it > 0) {
        if (!kernel_ready) build_kernel(eps);
        if (gk.iterate(X.w.data(), Y.w.data(), ex, err)) {
          stale = true;
          kernel_ready = !gk.needs_absorption();
          done = true;
          ++res.kernel_iterations;
        } else {
          kernel_ready = false;  // a sum fell where T cannot hold it: a log-domain iteration, then a rebuild
        }
      }
      if (!done) {
        sync(eps);
        // f-update from g; the row marginal error of the plan (f, g) falls out
        for (std::size_t i = 0; i < X.padded; ++i) shift_x[i] = -f[i] / eps;
        make_h(Y, g, eps, h);
        S.lse(true, h, shift_x, lse_x, eps, st > 0 || it > 0);
        for (std::size_t i = 0; i < X.n; ++i) {
          const double fn = -eps * lse_x[i];
          err += X.w[i] * std::abs(std::expm1((f[i] - fn) / eps));
          f[i] = fn;
        }
        // g-update from f
        for (std::size_t j = 0; j < Y.padded; ++j) shift_y[j] = -g[j] / eps;
        make_h(X, f, eps, h);
        S.lse(false, h, shift_y, lse_y, eps, st > 0 || it > 0);
        for (std::size_t j = 0; j < Y.n; ++j) g[j] = -eps * lse_y[j];
      }
      ++res.iterations;
      if (!std::isfinite(err)) throw input_error("Sinkhorn diverged (non-finite potentials); try a larger reg");
      if (last) {
        res.errors.push_back(err);
        if (err < o.tolerance && it > 0) {
          res.converged = true;
          break;
        }
      }
    }
  }
  sync(o.reg);
  res.evaluated = S.pairs > 0.0 ? S.evaluated / S.pairs : 1.0;
  // statistics of the returned plan, in float64 (internal order: position p is point X.source(p))
  const double eps = o.reg;
  const row_stats st = compute_row_stats<T>(X, Y, g, eps, o.cost, ex, nullptr);
  res.f.resize(X.n);
  res.g.resize(Y.n);
  res.row_marginal.resize(X.n);
  res.barycentric.resize(X.n, X.d);
  double mass = 0.0, rf = 0.0, bg = 0.0, af = 0.0;
  res.marginal_error = 0.0;
  res.transport = 0.0;
  for (std::size_t i = 0; i < X.n; ++i) {
    const auto o_i = Eigen::Index(X.source(i));
    const double r = X.w[i] * std::exp(f[i] / eps + st.log_mass[i]);
    res.f(o_i) = f[i];
    res.row_marginal(o_i) = r;
    res.barycentric.row(o_i) = st.mean.row(Eigen::Index(i)) + centre;
    res.marginal_error += std::abs(r - X.w[i]);
    res.transport += r * st.transport[i];
    mass += r;
    rf += r * f[i];
    af += X.w[i] * f[i];
  }
  for (std::size_t j = 0; j < Y.n; ++j) {
    res.g(Eigen::Index(Y.source(j))) = g[j];
    bg += Y.w[j] * g[j];
  }
  res.dual = af + bg;
  res.cost = rf + bg - eps * (mass - 1.0);
  res.contraction = median_ratio(res.errors, floor);
  return res;
}

// OT(a, a) by the averaged symmetric iteration; returns 2 <a, f>.
template <class T>
double solve_symmetric(const weighted_cloud& x, const sinkhorn_options& o, int& iterations, bool& converged) {
  const executor& ex = o.exec ? *o.exec : serial_executor();
  const soa_cloud<T> X = to_soa<T>(x, common_centre(x.points, x.points), o.prune);
  const solver<T> S(X, X, o.cost, ex, use_dense(X.n, X.n, o), o.prune);
  std::vector<double> f(X.padded, 0.0), lse(X.padded), shift(X.padded);
  std::vector<T> h;
  const auto stages = eps_stages(o.reg, cost_diameter(x, x, o.cost), o);
  converged = false;
  for (std::size_t st = 0; st < stages.size(); ++st) {
    const double eps = stages[st];
    const bool last = st + 1 == stages.size();
    const int n_it = last ? o.max_iterations : 1;
    for (int it = 0; it < n_it; ++it) {
      for (std::size_t i = 0; i < X.padded; ++i) shift[i] = -f[i] / eps;
      make_h(X, f, eps, h);
      S.lse(true, h, shift, lse, eps, st > 0 || it > 0);
      double err = 0.0;
      for (std::size_t i = 0; i < X.n; ++i) {
        const double fn = -eps * lse[i];
        err += X.w[i] * std::abs(std::expm1((f[i] - fn) / eps));
        f[i] = 0.5 * (f[i] + fn);
      }
      ++iterations;
      if (!std::isfinite(err)) throw input_error("Sinkhorn diverged (non-finite potentials); try a larger reg");
      if (last && it > 0 && err < o.tolerance) {
        converged = true;
        break;
      }
    }
  }
  double af = 0.0;
  for (std::size_t i = 0; i < X.n; ++i) af += X.w[i] * f[i];
  return 2.0 * af;
}

}  // namespace

sinkhorn_result sinkhorn(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& options) {
  check_options(x, y, options);
  return options.precision == sinkhorn_precision::float32 ? solve<float>(x, y, options) : solve<double>(x, y, options);
}

Eigen::MatrixXd sinkhorn_plan(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_result& r,
                              const sinkhorn_options& o) {
  const std::size_t n = x.points.rows(), m = y.points.rows(), d = x.points.cols();
  if (double(n) * double(m) > double(o.dense_limit))
    throw input_error("the plan would have " + std::to_string(n) + " x " + std::to_string(m) +
                      " entries, more than the dense limit " + std::to_string(o.dense_limit));
  Eigen::MatrixXd P(n, m);
  Eigen::MatrixXd yt = y.points.transpose();
  Eigen::VectorXd xi(d);
  for (std::size_t i = 0; i < n; ++i) {
    xi = x.points.row(i).transpose();
    const double a = x.weights.size() ? x.weights(i) : 1.0 / double(n);
    for (std::size_t j = 0; j < m; ++j) {
      const double b = y.weights.size() ? y.weights(j) : 1.0 / double(m);
      P(i, j) = a * b * std::exp((r.f(i) + r.g(j) - o.cost(xi.data(), yt.col(j).data(), d)) / o.reg);
    }
  }
  return P;
}

Eigen::MatrixXd plan_cross_covariance(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_result& r) {
  const std::size_t n = x.points.rows(), m = y.points.rows();
  Eigen::RowVectorXd mx = Eigen::RowVectorXd::Zero(x.points.cols()), my = mx;
  for (std::size_t i = 0; i < n; ++i) mx += (x.weights.size() ? x.weights(i) : 1.0 / double(n)) * x.points.row(i);
  for (std::size_t j = 0; j < m; ++j) my += (y.weights.size() ? y.weights(j) : 1.0 / double(m)) * y.points.row(j);
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(x.points.cols(), x.points.cols());
  for (std::size_t i = 0; i < n; ++i)
    c += r.row_marginal(i) * (x.points.row(i) - mx).transpose() * (r.barycentric.row(i) - my);
  return c;
}

Eigen::MatrixXd entropic_map(const Eigen::MatrixXd& query, const weighted_cloud& y, const Eigen::VectorXd& g,
                             const sinkhorn_options& o) {
  check_cloud(y, "the target cloud");
  if (query.cols() != y.points.cols()) throw input_error("the query points and the cloud have different dimensions");
  if (g.size() != y.points.rows()) throw input_error("the potential g does not match the cloud");
  if (!query.allFinite()) throw input_error("the query points have non-finite coordinates");
  weighted_cloud q;
  q.points = query;
  std::vector<double> gv(g.data(), g.data() + g.size());
  gv.resize(gv.size() + 64, 0.0);
  const executor& ex = o.exec ? *o.exec : serial_executor();
  const Eigen::RowVectorXd centre = common_centre(query, y.points);
  const Eigen::MatrixXd mean =
      o.precision == sinkhorn_precision::float32
          ? compute_row_stats<float>(to_soa<float>(q, centre), to_soa<float>(y, centre), gv, o.reg, o.cost, ex, nullptr).mean
          : compute_row_stats<double>(to_soa<double>(q, centre), to_soa<double>(y, centre), gv, o.reg, o.cost, ex, nullptr)
                .mean;
  return mean.rowwise() + centre;
}

sinkhorn_divergence_result sinkhorn_divergence(const weighted_cloud& x, const weighted_cloud& y,
                                               const sinkhorn_options& o) {
  return sinkhorn_divergence(x, y, o, sinkhorn(x, y, o));
}

sinkhorn_divergence_result sinkhorn_divergence(const weighted_cloud& x, const weighted_cloud& y,
                                               const sinkhorn_options& o, const sinkhorn_result& xy) {
  check_options(x, y, o);
  sinkhorn_divergence_result d;
  d.xy = xy.dual;
  d.iterations = xy.iterations;
  bool cx = false, cy = false;
  const bool f32 = o.precision == sinkhorn_precision::float32;
  d.xx = f32 ? solve_symmetric<float>(x, o, d.iterations, cx) : solve_symmetric<double>(x, o, d.iterations, cx);
  d.yy = f32 ? solve_symmetric<float>(y, o, d.iterations, cy) : solve_symmetric<double>(y, o, d.iterations, cy);
  d.value = d.xy - 0.5 * (d.xx + d.yy);
  d.converged = xy.converged && cx && cy;
  return d;
}

}  // namespace dmt
