// weight_kernels.cuh's passes. Reductions: a fixed grid of G blocks (G from n alone) of kThreads
// threads, grid-strided per-thread sums, shared-memory trees, then one block over the G partials.
// Scan: tiles of kThreads x kItems elements, tile sums, a sequential pass over the tile sums, then
// each tile's block scan.
#include <algorithm>
#include <cmath>

#include "dmt/cuda/weight_kernels.cuh"

namespace dmt::cuda {
namespace {

constexpr int kThreads = 256, kMaxBlocks = 1024, kItems = 16;
constexpr int kTile = kThreads * kItems;

struct sum_op {
  __device__ double operator()(double a, double b) const { return a + b; }
  static constexpr double identity = 0.0;
};
struct max_op {  // NaN-ignoring, as std::max(m, x) with m first
  __device__ double operator()(double a, double b) const { return b > a ? b : a; }
  static constexpr double identity = -INFINITY;
};

template <class Op>
__device__ double block_reduce(double v, double* shared, Op op) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s >>= 1) {
    if (static_cast<int>(threadIdx.x) < s) shared[threadIdx.x] = op(shared[threadIdx.x], shared[threadIdx.x + s]);
    __syncthreads();
  }
  return shared[0];
}

template <class F, class Op>
__global__ void reduce_pass(F f, Op op, std::size_t n, double* partial) {
  __shared__ double shared[kThreads];
  double v = Op::identity;
  for (std::size_t i = blockIdx.x * static_cast<std::size_t>(kThreads) + threadIdx.x; i < n;
       i += static_cast<std::size_t>(gridDim.x) * kThreads)
    v = op(v, f(i));
  const double r = block_reduce(v, shared, op);
  if (threadIdx.x == 0) partial[blockIdx.x] = r;
}

template <class Op>
__global__ void reduce_final(const double* partial, int g, Op op, double* out) {
  __shared__ double shared[kThreads];
  double v = Op::identity;
  for (int i = threadIdx.x; i < g; i += kThreads) v = op(v, partial[i]);
  const double r = block_reduce(v, shared, op);
  if (threadIdx.x == 0) *out = r;
}

int grid_for(std::size_t n) {
  return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(kMaxBlocks, (n + kThreads - 1) / kThreads)));
}

struct log_ratio {
  const float* log_r;
  const double* log_ref;
  __device__ double operator()(std::size_t i) const { return double(log_r[i]) - log_ref[i]; }
};
struct at {
  const double* a;
  __device__ double operator()(std::size_t i) const { return a[i]; }
};
struct exp_shifted {
  const double* a;
  double shift;
  __device__ double operator()(std::size_t i) const { return exp(a[i] - shift); }
};
struct exp_twice {
  const double* a;
  __device__ double operator()(std::size_t i) const { return exp(2.0 * a[i]); }
};
struct tempered_moment {  // W w^p, w = exp(delta v - m)
  const float* log_r;
  const double* log_ref;
  const double* log_w;
  double delta, m;
  int power;
  __device__ double operator()(std::size_t i) const {
    const double w = exp(delta * (double(log_r[i]) - log_ref[i]) - m);
    const double W = exp(log_w[i]);
    return power == 1 ? W * w : W * w * w;
  }
};

__global__ void increments_kernel(const float* log_r, const double* log_ref, double delta, const double* log_w,
                                  std::size_t n, double* a) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  double inc = delta * (double(log_r[i]) - log_ref[i]);
  if (!isfinite(inc)) inc = -INFINITY;
  a[i] = log_w[i] + inc;
}

__global__ void subtract_kernel(const double* a, double lse, std::size_t n, double* log_w) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) log_w[i] = a[i] - lse;
}

// Tile sums of W_i = exp(log W_i): thread t sums its kItems consecutive elements, then a tree.
__global__ void tile_sums_kernel(const double* log_w, std::size_t n, double* tiles) {
  __shared__ double shared[kThreads];
  const std::size_t base = blockIdx.x * static_cast<std::size_t>(kTile) + threadIdx.x * static_cast<std::size_t>(kItems);
  double s = 0.0;
  for (int j = 0; j < kItems; ++j)
    if (base + j < n) s += exp(log_w[base + j]);
  const double r = block_reduce(s, shared, sum_op{});
  if (threadIdx.x == 0) tiles[blockIdx.x] = r;
}

__global__ void tile_prefix_kernel(double* tiles, int count) {  // exclusive, in place, one thread
  double s = 0.0;
  for (int t = 0; t < count; ++t) {
    const double v = tiles[t];
    tiles[t] = s;
    s += v;
  }
}

__global__ void tile_scan_kernel(const double* log_w, std::size_t n, const double* tile_prefix, double* cumulative) {
  __shared__ double shared[kThreads];
  const std::size_t base = blockIdx.x * static_cast<std::size_t>(kTile) + threadIdx.x * static_cast<std::size_t>(kItems);
  double w[kItems], s = 0.0;
  for (int j = 0; j < kItems; ++j) {
    w[j] = base + j < n ? exp(log_w[base + j]) : 0.0;
    s += w[j];
  }
  // exclusive scan of the thread sums (Hillis-Steele on the inclusive values, then shift)
  shared[threadIdx.x] = s;
  __syncthreads();
  for (int off = 1; off < kThreads; off <<= 1) {
    const double add = threadIdx.x >= static_cast<unsigned>(off) ? shared[threadIdx.x - off] : 0.0;
    __syncthreads();
    shared[threadIdx.x] += add;
    __syncthreads();
  }
  double c = tile_prefix[blockIdx.x] + (shared[threadIdx.x] - s);
  for (int j = 0; j < kItems; ++j) {
    c += w[j];
    if (base + j < n) cumulative[base + j] = c;
  }
}

__global__ void ancestors_kernel(const double* cumulative, std::size_t n, double u0, std::uint32_t* ancestors) {
  const std::size_t k = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (k >= n) return;
  const double u = u0 + double(k) / double(n);
  std::size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (cumulative[mid] < u)
      lo = mid + 1;
    else
      hi = mid;
  }
  ancestors[k] = static_cast<std::uint32_t>(lo);
}

template <class F, class Op>
double reduce(F f, Op op, std::size_t n, device_buffer<double>& partial, device_buffer<double>& result) {
  const int g = grid_for(n);
  reduce_pass<<<g, kThreads>>>(f, op, n, partial.data());
  DMT_CUDA_LAUNCH_CHECK();
  reduce_final<<<1, kThreads>>>(partial.data(), g, op, result.data());
  DMT_CUDA_LAUNCH_CHECK();
  double r = 0.0;
  DMT_CUDA_CHECK(cudaMemcpy(&r, result.data(), sizeof r, cudaMemcpyDeviceToHost));
  return r;
}

}  // namespace

weight_kernels::weight_kernels(std::size_t n) : n_(n) {
  a_.resize(n);
  partial_.resize(kMaxBlocks);
  result_.resize(1);
  cumulative_.resize(n);
  tiles_.resize((n + kTile - 1) / kTile);
}

double weight_kernels::reweight(const float* log_r, const double* log_ref, double delta, double* log_w) {
  increments_kernel<<<blocks_for(n_, kThreads), kThreads>>>(log_r, log_ref, delta, log_w, n_, a_.data());
  DMT_CUDA_LAUNCH_CHECK();
  // core's log_sum_exp: the maximum, then the shifted sum
  const double m = reduce(at{a_.data()}, max_op{}, n_, partial_, result_);
  if (!std::isfinite(m)) return m;
  const double lse = m + std::log(reduce(exp_shifted{a_.data(), m}, sum_op{}, n_, partial_, result_));
  if (std::isfinite(lse)) {
    subtract_kernel<<<blocks_for(n_, kThreads), kThreads>>>(a_.data(), lse, n_, log_w);
    DMT_CUDA_LAUNCH_CHECK();
  }
  return lse;
}

double weight_kernels::ess(const double* log_w) {
  return 1.0 / reduce(exp_twice{log_w}, sum_op{}, n_, partial_, result_);
}

double weight_kernels::max_log_ratio(const float* log_r, const double* log_ref) {
  return reduce(log_ratio{log_r, log_ref}, max_op{}, n_, partial_, result_);
}

double weight_kernels::conditional_ess(const float* log_r, const double* log_ref, const double* log_w, double delta,
                                       double max_v) {
  const double m = delta * max_v;
  const double s1 = reduce(tempered_moment{log_r, log_ref, log_w, delta, m, 1}, sum_op{}, n_, partial_, result_);
  const double s2 = reduce(tempered_moment{log_r, log_ref, log_w, delta, m, 2}, sum_op{}, n_, partial_, result_);
  return s1 * s1 / s2;
}

void weight_kernels::systematic_ancestors(const double* log_w, double u0, std::uint32_t* ancestors) {
  const int tiles = static_cast<int>(tiles_.size());
  tile_sums_kernel<<<tiles, kThreads>>>(log_w, n_, tiles_.data());
  DMT_CUDA_LAUNCH_CHECK();
  tile_prefix_kernel<<<1, 1>>>(tiles_.data(), tiles);
  DMT_CUDA_LAUNCH_CHECK();
  tile_scan_kernel<<<tiles, kThreads>>>(log_w, n_, tiles_.data(), cumulative_.data());
  DMT_CUDA_LAUNCH_CHECK();
  ancestors_kernel<<<blocks_for(n_, kThreads), kThreads>>>(cumulative_.data(), n_, u0, ancestors);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
