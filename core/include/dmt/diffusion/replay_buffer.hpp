// A replay buffer of terminal states x_T with their log R (Sendera et al., arXiv 2402.05098;
// ALGORITHMS.md 4): first in, first out at `capacity`; sampled with replacement with probability
//   rank:    proportional to 1 / (k |D| + rank), rank 0 = the largest log R (ties: older first),
//            k = rank_k (gfn-diffusion's rank-based prioritisation);
//   uniform: 1 / |D|;
//   reward:  proportional to R = exp(log R).
// Draws are keyed by (seed, iteration), so training with a buffer stays reproducible.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/rng/philox.hpp"

namespace dmt {

enum class buffer_priority { rank, uniform, reward };

buffer_priority parse_buffer_priority(const std::string& name);  // input_error for unknown names
const char* buffer_priority_name(buffer_priority p);

struct buffer_settings {
  long capacity = 0;  // 0: no buffer
  buffer_priority priority = buffer_priority::rank;
  double rank_k = 0.01;
};

// Throws input_error for a negative capacity or rank_k <= 0.
void validate_buffer(const buffer_settings& s);

class replay_buffer {
 public:
  replay_buffer(int dim, const buffer_settings& s);  // capacity must be positive
  // Appends n states (n x dim, row-major) and their log R, evicting the oldest beyond capacity.
  // States with a non-finite log R are skipped.
  void add(const float* x, const float* log_r, std::size_t n);
  std::size_t size() const { return count_; }
  int dim() const { return dim_; }
  void clear() {
    head_ = count_ = 0;
    cdf_.clear();
  }
  // Entry i in insertion order (0 = the oldest kept).
  const float* state(std::size_t i) const { return x_.data() + slot(i) * dim_; }
  float log_r(std::size_t i) const { return log_r_[slot(i)]; }
  // The sampling probability of every entry, in insertion order (sums to 1).
  std::vector<double> probabilities() const;
  // n draws with replacement (indices in insertion order), keyed by (key, iteration, purpose).
  std::vector<std::size_t> sample(std::size_t n, philox_key key, std::uint32_t iteration, std::uint32_t purpose) const;
  // The drawn states, n x dim.
  std::vector<float> gather(const std::vector<std::size_t>& idx) const;

 private:
  std::size_t slot(std::size_t i) const { return (head_ + i) % capacity_; }
  int dim_;
  buffer_settings settings_;
  std::size_t capacity_, head_ = 0, count_ = 0;
  std::vector<float> x_, log_r_;
  // the sampling CDF, computed on the first draw after a change (a rank sort of the whole buffer)
  mutable std::vector<double> cdf_;
};

}  // namespace dmt
