// Kernels, launchers and host loop of the device Sinkhorn (sinkhorn.hpp).
#include <algorithm>
#include <chrono>
#include <limits>
#include <cmath>
#include <vector>

#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/sinkhorn.hpp"
#include "dmt/params.hpp"

namespace dmt::cuda {
namespace {

constexpr int kMaxDim = 32;
constexpr int kTile = 256;  // columns per shared-memory tile
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kLog2e = 1.44269504088896340736;

__device__ __forceinline__ float ex2(float t) {
  float r;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(t));
  return r;
}

// Rows: z_i = (2 L x_i, c_i) with c_i = -L |x_i|^2 - shift_i; columns: (y_j, u_j) with
// u_j = L (h_j - |y_j|^2) + log2 w_j; L = log2(e) / eps. Writes sum_{j in this block's column
// range} 2^(u_j + z_i . y_j + c_i) to partial[split][i]. D = 0: the dimension d is a runtime value (<= kMaxDim).
template <int D, int R>
__global__ void __launch_bounds__(256) lse_kernel(const float* __restrict__ rows, int n, const float* __restrict__ cols,
                                                  int m, int d_runtime, int cols_per_split, float* partial) {
  constexpr bool fixed = D > 0;
  const int d = fixed ? D : d_runtime;
  constexpr int DA = fixed ? D : kMaxDim;
  extern __shared__ float tile[];  // kTile x (d + 1)
  float z[R][DA], c[R], s[R];
  const int row0 = blockIdx.x * blockDim.x * R + threadIdx.x;
#pragma unroll
  for (int r = 0; r < R; ++r) {
    const int i = min(row0 + r * static_cast<int>(blockDim.x), n - 1);
    for (int k = 0; k < d; ++k) z[r][k] = rows[static_cast<long>(i) * (d + 1) + k];
    c[r] = rows[static_cast<long>(i) * (d + 1) + d];
    s[r] = 0.0f;
  }
  const int j_begin = blockIdx.y * cols_per_split, j_end = min(m, j_begin + cols_per_split);
  for (int t0 = j_begin; t0 < j_end; t0 += kTile) {
    const int len = min(kTile, j_end - t0);
    __syncthreads();
    for (int e = threadIdx.x; e < len * (d + 1); e += blockDim.x) tile[e] = cols[static_cast<long>(t0) * (d + 1) + e];
    __syncthreads();
    for (int jj = 0; jj < len; ++jj) {
      const float* col = tile + jj * (d + 1);
      const float u = col[d];
#pragma unroll
      for (int r = 0; r < R; ++r) {
        float t = u + c[r];
        if constexpr (fixed) {
#pragma unroll
          for (int k = 0; k < D; ++k) t = __fmaf_rn(z[r][k], col[k], t);
        } else {
          for (int k = 0; k < d; ++k) t = __fmaf_rn(z[r][k], col[k], t);
        }
        s[r] += ex2(t);
      }
    }
  }
#pragma unroll
  for (int r = 0; r < R; ++r) {
    const int i = row0 + r * static_cast<int>(blockDim.x);
    if (i < n) partial[static_cast<long>(blockIdx.y) * n + i] = s[r];
  }
}

// sums_i = the column splits' partial sums added in a fixed order (results do not depend on
// the order in which blocks run).
__global__ void reduce_splits(const float* partial, int n, int splits, float* sums) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float s = 0.0f;
  for (int k = 0; k < splits; ++k) s += partial[static_cast<long>(k) * n + i];
  sums[i] = s;
}

// Exact maxima of the base-2 exponents u_j + z_i . y_j + (c_i + shift_i) over all columns, for the
// flagged rows (first half-steps and rows that fell out of range): one thread per row, columns
// through shared-memory tiles as in lse_kernel.
__global__ void __launch_bounds__(256) max_kernel(const float* __restrict__ rows, int n, const float* __restrict__ cols,
                                                  int m, int d, const int* flagged, float* maxima) {
  extern __shared__ float tile[];
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int row = min(i, n - 1);
  const bool active = i < n && flagged[row];
  if (!__syncthreads_or(active)) return;  // the whole block is unflagged
  float z[kMaxDim];
  for (int k = 0; k < d; ++k) z[k] = rows[static_cast<long>(row) * (d + 1) + k];
  const float c = rows[static_cast<long>(row) * (d + 1) + d];
  float best = -INFINITY;
  for (int t0 = 0; t0 < m; t0 += kTile) {
    const int len = min(kTile, m - t0);
    __syncthreads();
    for (int e = threadIdx.x; e < len * (d + 1); e += blockDim.x) tile[e] = cols[static_cast<long>(t0) * (d + 1) + e];
    __syncthreads();
    for (int jj = 0; jj < len; ++jj) {
      const float* col = tile + jj * (d + 1);
      float t = col[d] + c;
      for (int k = 0; k < d; ++k) t = __fmaf_rn(z[k], col[k], t);
      best = fmaxf(best, t);
    }
  }
  if (active) maxima[i] = best;
}

struct cloud_data {
  int n = 0, d = 0;
  std::vector<double> points;  // centred, n x d
  std::vector<double> log_w;   // natural log of the weights
  std::vector<double> norm2;   // |x_i|^2
};

cloud_data centred(const weighted_cloud& c, const Eigen::RowVectorXd& centre) {
  cloud_data o;
  o.n = static_cast<int>(c.points.rows());
  o.d = static_cast<int>(c.points.cols());
  o.points.resize(static_cast<std::size_t>(o.n) * o.d);
  o.log_w.resize(o.n);
  o.norm2.assign(o.n, 0.0);
  for (int i = 0; i < o.n; ++i) {
    for (int k = 0; k < o.d; ++k) {
      const double v = c.points(i, k) - centre(k);
      o.points[static_cast<std::size_t>(i) * o.d + k] = v;
      o.norm2[i] += v * v;
    }
    o.log_w[i] = c.weights.size() ? std::log(c.weights(i)) : -std::log(double(o.n));
  }
  return o;
}

// The device state for a pair of clouds; each half-step uploads its O(N + M) row and column data.
class solver {
 public:
  solver(const cloud_data& x, const cloud_data& y) : x_(x), y_(y), d_(x.d) {
    const int nmax = std::max(x.n, y.n);
    sums_.resize(nmax);
    flags_.resize(nmax);
    maxima_.resize(nmax);
    rows_.resize(static_cast<std::size_t>(nmax) * (d_ + 1));
    cols_.resize(static_cast<std::size_t>(nmax) * (d_ + 1));
    cudaDeviceProp p{};
    DMT_CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
    sms_ = p.multiProcessorCount;
  }

  // out_i = -eps log sum_j w_j exp((h_j - |p_i - q_j|^2) / eps) for every point p_i of x (update_x)
  // or y; `hint` (may be empty) holds the previous out, used as the shift.
  void half_step(bool update_x, const std::vector<double>& h, double eps, const std::vector<double>& hint,
                 std::vector<double>& out) {
    const cloud_data& p = update_x ? x_ : y_;
    const cloud_data& q = update_x ? y_ : x_;
    const double L = kLog2e / eps;
    // shift_i in base 2: log2 of the row's sum, from the previous potential
    std::vector<double> shift(p.n, 0.0);
    const bool have_hint = !hint.empty();
    for (int i = 0; i < p.n; ++i) shift[i] = have_hint ? -hint[i] * L : 0.0;
    std::vector<float> rows(static_cast<std::size_t>(p.n) * (d_ + 1)), cols(static_cast<std::size_t>(q.n) * (d_ + 1));
    for (int j = 0; j < q.n; ++j) {
      for (int k = 0; k < d_; ++k)
        cols[static_cast<std::size_t>(j) * (d_ + 1) + k] = float(q.points[std::size_t(j) * d_ + k]);
      cols[static_cast<std::size_t>(j) * (d_ + 1) + d_] = float(L * (h[j] - q.norm2[j]) + kLog2e * q.log_w[j]);
    }
    auto fill_rows = [&] {
      for (int i = 0; i < p.n; ++i) {
        for (int k = 0; k < d_; ++k)
          rows[static_cast<std::size_t>(i) * (d_ + 1) + k] = float(2.0 * L * p.points[std::size_t(i) * d_ + k]);
        rows[static_cast<std::size_t>(i) * (d_ + 1) + d_] = float(-L * p.norm2[i] - shift[i]);
      }
      rows_.upload(rows.data(), rows.size());
    };
    cols_.upload(cols.data(), cols.size());
    std::vector<int> flag(p.n, have_hint ? 0 : 1);
    if (!have_hint) {
      fill_rows();  // shift 0: the maxima are the exponents themselves
      exact_shift(p.n, q.n, flag, shift);
    }
    fill_rows();
    sum(p.n, q.n);
    std::vector<float> s(p.n);
    DMT_CUDA_CHECK(cudaMemcpy(s.data(), sums_.data(), sizeof(float) * p.n, cudaMemcpyDeviceToHost));
    bool redo = false;
    for (int i = 0; i < p.n; ++i) {
      flag[i] = !(s[i] >= 0x1p-60f && s[i] <= 0x1p60f);
      redo = redo || flag[i];
    }
    if (redo) {  // exact maxima for the rows that fell out of range, then the whole pass again
      const std::vector<double> old = shift;
      for (int i = 0; i < p.n; ++i)
        if (flag[i]) shift[i] = 0.0;
      fill_rows();
      exact_shift(p.n, q.n, flag, shift);
      for (int i = 0; i < p.n; ++i)
        if (!flag[i]) shift[i] = old[i];
      fill_rows();
      sum(p.n, q.n);
      DMT_CUDA_CHECK(cudaMemcpy(s.data(), sums_.data(), sizeof(float) * p.n, cudaMemcpyDeviceToHost));
    }
    out.resize(p.n);
    for (int i = 0; i < p.n; ++i) out[i] = -eps * kLn2 * (shift[i] + std::log2(double(s[i])));
  }

  // Launches the summation (rows_ / cols_ already uploaded) into sums_.
  void sum(int n, int m) {
    constexpr int block = 256;
    const int R = n >= 4 * block * sms_ ? 4 : 1;  // rows per thread: registers vs parallelism
    const int row_blocks = (n + block * R - 1) / (block * R);
    // split the columns so that there are about 4 waves of blocks
    int splits = std::max(1, std::min((m + kTile - 1) / kTile, (4 * sms_ * 4 + row_blocks - 1) / row_blocks));
    const int per_split = ((m + splits - 1) / splits + kTile - 1) / kTile * kTile;
    splits = (m + per_split - 1) / per_split;
    partial_.resize(std::max(partial_.size(), static_cast<std::size_t>(splits) * n));
    const dim3 grid(row_blocks, splits);
    const std::size_t shared = sizeof(float) * kTile * (d_ + 1);
    auto go = [&](auto kernel) {
      kernel<<<grid, block, shared>>>(rows_.data(), n, cols_.data(), m, d_, per_split, partial_.data());
      DMT_CUDA_LAUNCH_CHECK();
      reduce_splits<<<blocks_for(n, 256), 256>>>(partial_.data(), n, splits, sums_.data());
      DMT_CUDA_LAUNCH_CHECK();
    };
    if (R == 4) {
      switch (d_) {
        case 1: return go(lse_kernel<1, 4>);
        case 2: return go(lse_kernel<2, 4>);
        case 3: return go(lse_kernel<3, 4>);
        default: return go(lse_kernel<0, 4>);
      }
    }
    switch (d_) {
      case 1: return go(lse_kernel<1, 1>);
      case 2: return go(lse_kernel<2, 1>);
      case 3: return go(lse_kernel<3, 1>);
      default: return go(lse_kernel<0, 1>);
    }
  }

 private:
  // shift_i = max_j exponent for flagged rows (rows_ must hold c_i with shift 0 for them).
  void exact_shift(int n, int m, const std::vector<int>& flag, std::vector<double>& shift) {
    flags_.upload(flag.data(), n);
    max_kernel<<<blocks_for(n, 256), 256, sizeof(float) * kTile * (d_ + 1)>>>(rows_.data(), n, cols_.data(), m, d_,
                                                                               flags_.data(), maxima_.data());
    DMT_CUDA_LAUNCH_CHECK();
    std::vector<float> mx(n);
    DMT_CUDA_CHECK(cudaMemcpy(mx.data(), maxima_.data(), sizeof(float) * n, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; ++i)
      if (flag[i]) shift[i] = mx[i];
  }

  const cloud_data &x_, &y_;
  int d_;
  int sms_ = 1;
  device_buffer<float> rows_, cols_, sums_, maxima_, partial_;
  device_buffer<int> flags_;
};

void check_inputs(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& o) {
  check_cloud(x, "x");
  check_cloud(y, "y");
  if (x.points.cols() != y.points.cols()) throw input_error("the clouds have different dimensions");
  if (!(o.reg > 0) || !std::isfinite(o.reg)) throw input_error("reg must be positive");
  if (o.cost.kind != ot_cost::sqeuclidean) throw input_error("the CUDA Sinkhorn supports the sqeuclidean cost only");
  if (x.points.cols() > kMaxDim) throw input_error("the CUDA Sinkhorn supports dimensions up to 32");
  require_device();
}

Eigen::RowVectorXd joint_centre(const weighted_cloud& x, const weighted_cloud& y) {
  return 0.5 * (x.points.colwise().mean() + y.points.colwise().mean());
}

double weighted_sum(const std::vector<double>& log_w, const std::vector<double>& v) {
  double s = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) s += std::exp(log_w[i]) * v[i];
  return s;
}

}  // namespace

sinkhorn_result sinkhorn(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& o) {
  check_inputs(x, y, o);
  const Eigen::RowVectorXd centre = joint_centre(x, y);
  const cloud_data cx = centred(x, centre), cy = centred(y, centre);
  solver s(cx, cy);
  std::vector<double> f, g(cy.n, 0.0), f_new, g_new;
  sinkhorn_result r;
  double eps = o.reg;
  std::vector<double> stages;
  if (o.eps_scaling) {
    double diameter = 0.0;  // max squared distance from the centre, doubled: bounds the cost
    for (double v : cx.norm2) diameter = std::max(diameter, v);
    for (double v : cy.norm2) diameter = std::max(diameter, v);
    for (double e = 4.0 * diameter; e > o.reg; e *= o.scaling_factor) stages.push_back(e);
  }
  for (double e : stages) {  // one iteration per stage
    s.half_step(true, g, e, f, f_new);
    f.swap(f_new);
    s.half_step(false, f, e, g, g_new);
    g.swap(g_new);
    ++r.iterations;
  }
  eps = o.reg;
  for (int it = 0; it < o.max_iterations; ++it) {
    s.half_step(true, g, eps, f, f_new);
    if (!f.empty()) {  // row marginal of the plan (f, g): r_i = a_i exp((f_i - f_new_i) / eps)
      double err = 0.0;
      for (int i = 0; i < cx.n; ++i) {
        const double a = std::exp(cx.log_w[i]);
        err += std::abs(a * std::exp((f[i] - f_new[i]) / eps) - a);
      }
      r.errors.push_back(err);
      if (err < o.tolerance) {
        r.converged = true;
        break;
      }
    }
    f.swap(f_new);
    s.half_step(false, f, eps, g, g_new);
    g.swap(g_new);
    ++r.iterations;
  }
  // the returned plan (f, g): its row marginal and marginal error
  s.half_step(true, g, eps, f, f_new);
  r.row_marginal.resize(cx.n);
  double err = 0.0, mass = 0.0;
  for (int i = 0; i < cx.n; ++i) {
    const double a = std::exp(cx.log_w[i]);
    r.row_marginal(i) = a * std::exp((f[i] - f_new[i]) / eps);
    err += std::abs(r.row_marginal(i) - a);
    mass += r.row_marginal(i);
  }
  r.marginal_error = err;
  if (!r.converged && err < o.tolerance) r.converged = true;
  r.f = Eigen::Map<const Eigen::VectorXd>(f.data(), cx.n);
  r.g = Eigen::Map<const Eigen::VectorXd>(g.data(), cy.n);
  r.dual = weighted_sum(cx.log_w, f) + weighted_sum(cy.log_w, g);
  // primal: <P, C> + eps KL(P || a x b) = sum_i r_i f_i + sum_j b_j g_j - eps (mass - 1) (columns exact)
  double rf = 0.0;
  for (int i = 0; i < cx.n; ++i) rf += r.row_marginal(i) * f[i];
  r.cost = rf + weighted_sum(cy.log_w, g) - eps * (mass - 1.0);
  r.transport = std::numeric_limits<double>::quiet_NaN();  // needs a pass over C; CPU-only for now
  if (r.errors.size() >= 3) {
    std::vector<double> ratios;
    for (std::size_t k = 1; k < r.errors.size(); ++k)
      if (r.errors[k - 1] > 0) ratios.push_back(r.errors[k] / r.errors[k - 1]);
    std::nth_element(ratios.begin(), ratios.begin() + ratios.size() / 2, ratios.end());
    r.contraction = ratios[ratios.size() / 2];
  }
  r.evaluated = 1.0;
  return r;
}

sinkhorn_timing time_iterations(const weighted_cloud& x, const weighted_cloud& y, double reg, int repeats) {
  sinkhorn_options o;
  o.reg = reg;
  check_inputs(x, y, o);
  const Eigen::RowVectorXd centre = joint_centre(x, y);
  const cloud_data cx = centred(x, centre), cy = centred(y, centre);
  solver s(cx, cy);
  std::vector<double> f, g(cy.n, 0.0), f_new, g_new;
  auto iteration = [&] {
    s.half_step(true, g, reg, f, f_new);
    f.swap(f_new);
    s.half_step(false, f, reg, g, g_new);
    g.swap(g_new);
  };
  for (int w = 0; w < 3; ++w) iteration();
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  std::vector<double> wall, kernel;
  for (int k = 0; k < repeats; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    iteration();
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  cudaEvent_t start, stop;
  DMT_CUDA_CHECK(cudaEventCreate(&start));
  DMT_CUDA_CHECK(cudaEventCreate(&stop));
  for (int k = 0; k < repeats; ++k) {  // the last half-step's rows are y's
    DMT_CUDA_CHECK(cudaEventRecord(start));
    s.sum(cy.n, cx.n);
    DMT_CUDA_CHECK(cudaEventRecord(stop));
    DMT_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0.0f;
    DMT_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    kernel.push_back(2.0 * ms * 1e-3);  // both half-steps evaluate N M pairs
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return {median(wall), median(kernel)};
}

}  // namespace dmt::cuda
