// Training a diffusion sampler without data (ALGORITHMS.md 4): each iteration draws a time grid
// and a batch of policy trajectories (optionally with decaying exploration noise), evaluates the
// configured losses with the trajectories held fixed, back-propagates and takes one Adam step.
// Every random number is keyed by (seed, iteration), so a run is the same for any thread count
// and a run resumed from a checkpoint continues exactly as the uninterrupted one.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "dmt/diffusion/local_search.hpp"
#include "dmt/diffusion/losses.hpp"
#include "dmt/diffusion/replay_buffer.hpp"
#include "dmt/diffusion/time_grid.hpp"
#include "dmt/nn/adam.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

struct train_settings {
  model_config model;
  time_grid_spec grid;
  int batch = 300;
  long iterations = 25000;
  std::vector<loss_spec> losses = {loss_spec{}};
  adam_settings optimiser;
  std::uint64_t seed = 1;
  double exploration = 0.0;         // e_0: behaviour std sqrt(sigma^2 v dt + e^2)
  long exploration_iterations = 0;  // e decays linearly from e_0 to 0 over this many iterations
  buffer_settings buffer;           // terminal states of forward batches (capacity 0: none)
  bool both_ways = false;           // odd iterations train on backward trajectories from the buffer
  local_search_settings local_search;
  double exploration_at(long iteration) const;
};

// Thrown when the loss or a gradient is not finite; the model is left as before the iteration.
struct training_diverged : std::runtime_error {
  training_diverged(long it, const std::string& what) : std::runtime_error(what), iteration(it) {}
  long iteration;
};

struct iteration_stats {
  double loss = 0.0;
  double log_z = 0.0;       // the learned log Z after the step
  double mean_log_w = 0.0;  // the batch's ELBO (under the exploration policy when e > 0)
  double grad_norm = 0.0;
};

// The CPU trainer; backends (the CUDA trainer) derive from it, keep model() and optimiser() as the
// host copy and run step() themselves.
class trainer {
 public:
  trainer(const train_settings& s, const target& t, const executor& exec = serial_executor());
  virtual ~trainer() = default;
  // Runs iteration `iteration()` and advances it.
  virtual iteration_stats step();
  // Backends that keep the parameters elsewhere: pull() refreshes model() and optimiser() from
  // there (before they are read: evaluation, checkpoints), push() sends them there (after they
  // were changed: a resumed checkpoint). No-ops on the CPU.
  virtual void pull() {}
  virtual void push() {}
  // Device memory in use (bytes; 0 on the CPU).
  virtual std::size_t device_memory() const { return 0; }
  long iteration() const { return iteration_; }
  void set_iteration(long it) { iteration_ = it; }
  diffusion_model<float>& model() { return model_; }
  const diffusion_model<float>& model() const { return model_; }
  adam<float>& optimiser() { return optimiser_; }
  const train_settings& settings() const { return settings_; }
  dmt::reward<float> reward() const;
  // Multiply-adds of the network work of one iteration (forward and backward), for GFLOP/s.
  double flops_per_iteration() const;

 protected:
  train_settings settings_;
  const target& target_;
  const executor& exec_;
  diffusion_model<float> model_;
  adam<float> optimiser_;
  long iteration_ = 0;
  trajectory_batch<float> traj_;
  loss_gradient<float> grad_;
  std::optional<replay_buffer> buffer_, search_buffer_;
  double search_step_ = 0.0;

  // Philox purposes of the buffers' draws: backward batches, local-search starts.
  static constexpr std::uint32_t kBufferPurpose = 0x42000001u, kSearchPurpose = 0x42000002u;
  // Both ways: whether iteration it trains on a backward batch (odd iterations once the source
  // buffer, the local-search buffer once it holds any, else the replay buffer, holds states).
  bool backward_iteration(long it, std::size_t source_size) const;
  // Whether a local search follows iteration it (every local_search.every, from a non-empty buffer),
  // and the seed of its MALA run.
  bool search_due(long it, std::size_t buffer_size) const;
  std::uint64_t search_seed(long it) const;
  // Both ways: the terminal states of iteration it's backward batch, drawn from the source buffer;
  // empty for a forward batch.
  std::vector<float> backward_batch_terminals(long it) const;
  // After iteration it's batch: a forward batch's terminal states (batch x dim) and log R enter the
  // buffer (forward_terminal null for a backward batch); a local search when one is due.
  void after_batch(long it, const float* forward_terminal, const float* log_r);
  // One local search (MALA, keyed by seed) from `start` at the current search step size; backends
  // run it where their particles live.
  virtual local_search_result run_search(const std::vector<float>& start, std::uint64_t seed);

 public:
  const replay_buffer* buffer() const { return buffer_ ? &*buffer_ : nullptr; }
  const replay_buffer* search_buffer() const { return search_buffer_ ? &*search_buffer_ : nullptr; }
  double search_step_size() const { return search_step_; }
  // Checkpointing the buffers: every entry in insertion order as rows (x_1 .. x_dim, log R), and
  // back (replacing the contents; the draws continue as in the uninterrupted run).
  static std::vector<float> buffer_rows(const replay_buffer& b);
  void restore_buffers(const std::vector<float>& rows, const std::vector<float>& search_rows, double search_step);

 private:
  void local_search(long iteration);
};

// A target as a reward: log R on batches (threads from exec), its gradient serially (inside tasks).
dmt::reward<float> target_reward(const target& t, const executor& exec = serial_executor());

// Evaluation on K samples (ALGORITHMS.md 4): ELBO (log Z_lb), log Z_RW, ESS / K, and with the
// target's exact log Z the errors |log Z - estimate|; with exact samples the EUBO (backward
// trajectories from them), W2 (exact assignment on min(K, 2000) points), MMD (RBF kernel, median bandwidth); mode
// coverage for mixtures. NaN marks what is not available.
struct evaluation {
  int samples = 0, steps = 0;
  double log_z_learned = 0.0, elbo = 0.0, log_z_rw = 0.0, ess_fraction = 0.0;
  double log_z_true = NAN, delta_log_z = NAN, delta_log_z_rw = NAN, eubo = NAN;
  double w2 = NAN, mmd = NAN, mode_coverage = NAN;
  int w2_points = 0;  // W2 (exact assignment) and MMD use min(K, 2000) points of each side
  std::vector<float> x;  // K x dim samples of the model
};

// `reference`: K x dim exact samples of the target, or empty.
evaluation evaluate_sampler(const diffusion_model<float>& model, const target& t, int samples, int steps,
                            std::uint64_t seed, const std::vector<float>& reference,
                            const executor& exec = serial_executor());

}  // namespace dmt
