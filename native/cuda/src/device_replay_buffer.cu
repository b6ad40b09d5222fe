// device_replay_buffer.hpp: the ring of entries on the device; adds by a scan of the finite
// entries (CUB), the rank order by CUB's stable radix sort, the probabilities and their running sum
// by one thread with core's buffer_draw.hpp (the CPU's order of operations), the draws one thread
// each (core's counter-based stream uniform and upper-bound pick).
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include <stdexcept>

#include "dmt/cuda/device.hpp"
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/device_replay_buffer.hpp"
#include "dmt/diffusion/buffer_draw.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 256;

__global__ void finite_flags_kernel(const float* log_r, std::size_t n, int* flags) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) flags[i] = isfinite(log_r[i]) ? 1 : 0;
}

// The j-th finite entry goes to slot (head + count + j) mod capacity, as the CPU's sequential
// inserts; of m > capacity finite entries only the last `capacity` survive (the earlier ones would
// be overwritten within the batch), so only those are written.
__global__ void insert_kernel(const float* x, const float* log_r, std::size_t n, const int* flags, const int* pos,
                              long m, std::size_t head, std::size_t count, std::size_t cap, int d, float* ring_x,
                              float* ring_log_r) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n || !flags[i]) return;
  const long j = pos[i];
  if (j < m - static_cast<long>(cap)) return;
  const std::size_t slot = (head + count + static_cast<std::size_t>(j)) % cap;
  for (int k = 0; k < d; ++k) ring_x[slot * d + k] = x[i * d + k];
  ring_log_r[slot] = log_r[i];
}

// Keys and insertion indices for the rank sort; -0 becomes +0 (the CPU's comparison ties them).
__global__ void linearise_kernel(const float* ring_log_r, std::size_t head, std::size_t count, std::size_t cap,
                                 float* keys, std::uint32_t* vals) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  keys[i] = ring_log_r[(head + i) % cap] + 0.0f;
  vals[i] = static_cast<std::uint32_t>(i);
}

struct ring_log_r {
  const float* log_r;
  std::size_t head, cap;
  DMT_HD float operator()(std::size_t i) const { return log_r[(head + i) % cap]; }
};

__global__ void cdf_kernel(int priority, std::size_t n, const std::uint32_t* order, double rank_k, ring_log_r lr,
                           double* cdf) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  if (priority == static_cast<int>(buffer_priority::rank))
    rank_probabilities(n, order, rank_k, cdf);
  else if (priority == static_cast<int>(buffer_priority::reward))
    reward_probabilities(n, lr, cdf);
  else
    uniform_probabilities(n, cdf);
  running_sum(n, cdf);
}

__global__ void draw_kernel(const double* cdf, std::size_t count, philox_key key, std::uint32_t iteration,
                            std::uint32_t purpose, std::size_t n, std::size_t head, std::size_t cap, int d,
                            const float* ring_x, float* out, std::uint32_t* idx) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const std::size_t j = cdf_pick(cdf, count, stream_uniform_at(key, iteration, purpose, i));
  if (idx) idx[i] = static_cast<std::uint32_t>(j);
  const float* src = ring_x + ((head + j) % cap) * d;
  for (int k = 0; k < d; ++k) out[i * d + k] = src[k];
}

}  // namespace

struct device_replay_buffer::device_state {
  device_buffer<float> x, log_r;  // the ring: capacity x dim, capacity
  device_buffer<int> flags, pos;  // scratch of an add
  device_buffer<float> staging_x, staging_log_r, keys, sorted_keys, drawn;
  device_buffer<std::uint32_t> vals, order, idx;
  device_buffer<double> cdf;
  device_buffer<unsigned char> temp;  // CUB's scratch
  void* scratch(std::size_t bytes) {
    if (temp.size() < bytes) temp.resize(bytes);
    return temp.data();
  }
};

device_replay_buffer::device_replay_buffer(int dim, const buffer_settings& s) : dim_(dim), settings_(s) {
  validate_buffer(s);
  if (s.capacity <= 0) throw std::logic_error("a device replay buffer needs a positive capacity");
  require_device();
  capacity_ = static_cast<std::size_t>(s.capacity);
  dev_ = std::make_unique<device_state>();
  dev_->x.resize(capacity_ * dim_);
  dev_->log_r.resize(capacity_);
}

device_replay_buffer::~device_replay_buffer() = default;

void device_replay_buffer::add(const float* x, const float* log_r, std::size_t n) {
  if (n == 0) return;
  device_state& ds = *dev_;
  cdf_valid_ = false;
  ds.flags.resize(std::max(ds.flags.size(), n));
  ds.pos.resize(ds.flags.size());
  finite_flags_kernel<<<blocks_for(n, kBlock), kBlock>>>(log_r, n, ds.flags.data());
  DMT_CUDA_LAUNCH_CHECK();
  std::size_t bytes = 0;
  DMT_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, bytes, ds.flags.data(), ds.pos.data(), static_cast<int>(n)));
  DMT_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(ds.scratch(bytes), bytes, ds.flags.data(), ds.pos.data(),
                                               static_cast<int>(n)));
  int last_pos = 0, last_flag = 0;
  DMT_CUDA_CHECK(cudaMemcpy(&last_pos, ds.pos.data() + n - 1, sizeof(int), cudaMemcpyDeviceToHost));
  DMT_CUDA_CHECK(cudaMemcpy(&last_flag, ds.flags.data() + n - 1, sizeof(int), cudaMemcpyDeviceToHost));
  const long m = static_cast<long>(last_pos) + last_flag;
  insert_kernel<<<blocks_for(n, kBlock), kBlock>>>(x, log_r, n, ds.flags.data(), ds.pos.data(), m, head_, count_,
                                                   capacity_, dim_, ds.x.data(), ds.log_r.data());
  DMT_CUDA_LAUNCH_CHECK();
  if (count_ + static_cast<std::size_t>(m) <= capacity_) {
    count_ += static_cast<std::size_t>(m);
  } else {
    head_ = (head_ + count_ + static_cast<std::size_t>(m) - capacity_) % capacity_;
    count_ = capacity_;
  }
}

void device_replay_buffer::add_host(const float* x, const float* log_r, std::size_t n) {
  device_state& ds = *dev_;
  ds.staging_x.upload(x, n * dim_);
  ds.staging_log_r.upload(log_r, n);
  add(ds.staging_x.data(), ds.staging_log_r.data(), n);
}

void device_replay_buffer::refresh_cdf() const {
  if (cdf_valid_) return;
  device_state& ds = *dev_;
  const std::size_t n = count_;
  ds.cdf.resize(std::max(ds.cdf.size(), n));
  const std::uint32_t* order = nullptr;
  if (settings_.priority == buffer_priority::rank) {
    for (auto* b : {&ds.keys, &ds.sorted_keys}) b->resize(std::max(b->size(), n));
    for (auto* b : {&ds.vals, &ds.order}) b->resize(std::max(b->size(), n));
    linearise_kernel<<<blocks_for(n, kBlock), kBlock>>>(ds.log_r.data(), head_, n, capacity_, ds.keys.data(),
                                                        ds.vals.data());
    DMT_CUDA_LAUNCH_CHECK();
    std::size_t bytes = 0;
    const int nn = static_cast<int>(n);
    DMT_CUDA_CHECK(cub::DeviceRadixSort::SortPairsDescending(nullptr, bytes, ds.keys.data(), ds.sorted_keys.data(),
                                                             ds.vals.data(), ds.order.data(), nn));
    DMT_CUDA_CHECK(cub::DeviceRadixSort::SortPairsDescending(ds.scratch(bytes), bytes, ds.keys.data(),
                                                             ds.sorted_keys.data(), ds.vals.data(), ds.order.data(),
                                                             nn));
    order = ds.order.data();
  }
  cdf_kernel<<<1, 1>>>(static_cast<int>(settings_.priority), n, order, settings_.rank_k,
                       ring_log_r{ds.log_r.data(), head_, capacity_}, ds.cdf.data());
  DMT_CUDA_LAUNCH_CHECK();
  cdf_valid_ = true;
}

void device_replay_buffer::sample(std::size_t n, philox_key key, std::uint32_t iteration, std::uint32_t purpose,
                                  float* out, std::uint32_t* idx) const {
  if (count_ == 0) throw std::logic_error("sampling an empty replay buffer");
  if (n == 0) return;
  refresh_cdf();
  draw_kernel<<<blocks_for(n, kBlock), kBlock>>>(dev_->cdf.data(), count_, key, iteration, purpose, n, head_,
                                                 capacity_, dim_, dev_->x.data(), out, idx);
  DMT_CUDA_LAUNCH_CHECK();
}

std::vector<std::size_t> device_replay_buffer::sample_indices(std::size_t n, philox_key key, std::uint32_t iteration,
                                                              std::uint32_t purpose) const {
  device_state& ds = *dev_;
  ds.drawn.resize(n * dim_);
  ds.idx.resize(n);
  sample(n, key, iteration, purpose, ds.drawn.data(), ds.idx.data());
  const std::vector<std::uint32_t> idx = ds.idx.download();
  return std::vector<std::size_t>(idx.begin(), idx.end());
}

void device_replay_buffer::download(dmt::replay_buffer& host) const {
  const std::vector<float> x = dev_->x.download(), lr = dev_->log_r.download();
  std::vector<float> xs(count_ * dim_), lrs(count_);
  for (std::size_t i = 0; i < count_; ++i) {
    const std::size_t s = (head_ + i) % capacity_;
    std::copy(x.begin() + s * dim_, x.begin() + (s + 1) * dim_, xs.begin() + i * dim_);
    lrs[i] = lr[s];
  }
  host.clear();
  host.add(xs.data(), lrs.data(), count_);
}

void device_replay_buffer::upload(const dmt::replay_buffer& host) {
  const std::size_t n = host.size();
  if (n > capacity_ || host.dim() != dim_) throw std::logic_error("uploading a replay buffer of another shape");
  std::vector<float> xs(n * dim_), lrs(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy(host.state(i), host.state(i) + dim_, xs.begin() + i * dim_);
    lrs[i] = host.log_r(i);
  }
  if (n) {
    DMT_CUDA_CHECK(cudaMemcpy(dev_->x.data(), xs.data(), xs.size() * sizeof(float), cudaMemcpyHostToDevice));
    DMT_CUDA_CHECK(cudaMemcpy(dev_->log_r.data(), lrs.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  }
  head_ = 0;
  count_ = n;
  cdf_valid_ = false;
}

std::size_t device_replay_buffer::device_memory() const {
  const device_state& ds = *dev_;
  std::size_t bytes = 0;
  for (const auto* b : {&ds.x, &ds.log_r, &ds.staging_x, &ds.staging_log_r, &ds.keys, &ds.sorted_keys, &ds.drawn})
    bytes += b->size() * sizeof(float);
  for (const auto* b : {&ds.vals, &ds.order, &ds.idx}) bytes += b->size() * sizeof(std::uint32_t);
  bytes += (ds.flags.size() + ds.pos.size()) * sizeof(int);
  return bytes + ds.cdf.size() * sizeof(double) + ds.temp.size();
}

}  // namespace dmt::cuda
