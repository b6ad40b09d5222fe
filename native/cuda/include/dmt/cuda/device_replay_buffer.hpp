// The replay buffer on the device: dmt::replay_buffer's semantics (first in, first out at
// capacity, non-finite log R skipped, rank / uniform / reward prioritisation, draws keyed by
// (key, iteration, purpose)) with the entries, the ranking (CUB's stable radix sort, descending,
// ties older first) and the draws on the GPU. The sampling probabilities and their running sum are
// core's buffer_draw.hpp, computed sequentially by one device thread as the CPU does, so the
// same entries give the same CDF and the same draws as the CPU buffer (tests/cuda/). A forward
// batch's terminal states go in, and a backward batch's come out, without leaving the device.
// Plain C++ header: host code compiled without nvcc includes it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dmt/diffusion/replay_buffer.hpp"

namespace dmt::cuda {

class device_replay_buffer {
 public:
  device_replay_buffer(int dim, const buffer_settings& s);  // throws as dmt::replay_buffer; cuda_error without a GPU
  ~device_replay_buffer();
  // Appends n states (n x dim, row-major) and their log R, both in device memory (add) or host
  // memory (add_host), as dmt::replay_buffer::add.
  void add(const float* x, const float* log_r, std::size_t n);
  void add_host(const float* x, const float* log_r, std::size_t n);
  std::size_t size() const { return count_; }
  int dim() const { return dim_; }
  // n draws as dmt::replay_buffer::sample(n, key, iteration, purpose); the drawn states (n x dim)
  // into device memory at `out`; the indices (insertion order) into `idx` (device, n) when given.
  void sample(std::size_t n, philox_key key, std::uint32_t iteration, std::uint32_t purpose, float* out,
              std::uint32_t* idx = nullptr) const;
  // The same draws' indices, copied to the host (tests).
  std::vector<std::size_t> sample_indices(std::size_t n, philox_key key, std::uint32_t iteration,
                                          std::uint32_t purpose) const;
  // Every entry in insertion order into a host buffer (cleared first; checkpoints), or from one
  // (resuming).
  void download(dmt::replay_buffer& host) const;
  void upload(const dmt::replay_buffer& host);
  // Device memory held, in bytes.
  std::size_t device_memory() const;

 private:
  void refresh_cdf() const;
  struct device_state;
  std::unique_ptr<device_state> dev_;
  int dim_;
  buffer_settings settings_;
  std::size_t capacity_, head_ = 0, count_ = 0;
  mutable bool cdf_valid_ = false;
};

}  // namespace dmt::cuda
