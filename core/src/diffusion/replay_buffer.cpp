#include "dmt/diffusion/replay_buffer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dmt/diffusion/buffer_draw.hpp"
#include "dmt/params.hpp"

namespace dmt {

buffer_priority parse_buffer_priority(const std::string& name) {
  if (name == "rank") return buffer_priority::rank;
  if (name == "uniform") return buffer_priority::uniform;
  if (name == "reward") return buffer_priority::reward;
  throw input_error("unknown buffer prioritisation '" + name + "' (rank, uniform, reward)");
}

const char* buffer_priority_name(buffer_priority p) {
  switch (p) {
    case buffer_priority::rank:
      return "rank";
    case buffer_priority::uniform:
      return "uniform";
    case buffer_priority::reward:
      return "reward";
  }
  return "?";
}

void validate_buffer(const buffer_settings& s) {
  if (s.capacity < 0) throw input_error("buffer capacity must be positive (got " + std::to_string(s.capacity) + ")");
  if (s.capacity > 0x7FFFFFFFL)  // entries are ranked by 32-bit indices (on the device too)
    throw input_error("buffer capacity must be below 2^31 (got " + std::to_string(s.capacity) + ")");
  if (!(s.rank_k > 0) || !std::isfinite(s.rank_k))
    throw input_error("buffer rank_k must be positive (got " + std::to_string(s.rank_k) + ")");
}

replay_buffer::replay_buffer(int dim, const buffer_settings& s) : dim_(dim), settings_(s) {
  validate_buffer(s);
  if (s.capacity <= 0) throw input_error("buffer capacity must be positive (got " + std::to_string(s.capacity) + ")");
  capacity_ = static_cast<std::size_t>(s.capacity);
  x_.resize(capacity_ * dim_);
  log_r_.resize(capacity_);
}

void replay_buffer::add(const float* x, const float* log_r, std::size_t n) {
  cdf_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(log_r[i])) continue;
    std::size_t s;
    if (count_ < capacity_) {
      s = slot(count_++);
    } else {  // overwrite the oldest
      s = head_;
      head_ = (head_ + 1) % capacity_;
    }
    std::copy(x + i * dim_, x + (i + 1) * dim_, x_.begin() + s * dim_);
    log_r_[s] = log_r[i];
  }
}

std::vector<double> replay_buffer::probabilities() const {
  const std::size_t n = count_;
  std::vector<double> p(n, 0.0);
  if (n == 0) return p;
  switch (settings_.priority) {  // buffer_draw.hpp, shared with the device buffer
    case buffer_priority::uniform:
      uniform_probabilities(n, p.data());
      return p;
    case buffer_priority::reward:
      reward_probabilities(n, [&](std::size_t i) { return log_r(i); }, p.data());
      return p;
    case buffer_priority::rank: {
      std::vector<std::uint32_t> order(n);
      std::iota(order.begin(), order.end(), std::uint32_t(0));
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return log_r(a) > log_r(b); });
      rank_probabilities(n, order.data(), settings_.rank_k, p.data());
      return p;
    }
  }
  return p;
}

std::vector<std::size_t> replay_buffer::sample(std::size_t n, philox_key key, std::uint32_t iteration,
                                               std::uint32_t purpose) const {
  if (count_ == 0) throw std::logic_error("sampling an empty replay buffer");
  if (cdf_.size() != count_) {
    cdf_ = probabilities();
    running_sum(cdf_.size(), cdf_.data());
  }
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = cdf_pick(cdf_.data(), count_, stream_uniform_at(key, iteration, purpose, i));
  return idx;
}

std::vector<float> replay_buffer::gather(const std::vector<std::size_t>& idx) const {
  std::vector<float> out(idx.size() * dim_);
  for (std::size_t k = 0; k < idx.size(); ++k) std::copy(state(idx[k]), state(idx[k]) + dim_, out.begin() + k * dim_);
  return out;
}

}  // namespace dmt
