// dmt::trainer with its iterations on the GPU (`dmt train --device cuda`): the same iteration as
// the CPU trainer (trainer.hpp) with the same Philox noise, so a CPU and a CUDA run with one seed
// follow the same loss curve up to float rounding (tests/cuda/trainer_test.cpp).
//   network: cuBLAS SGEMMs (FP32, no TF32) for every layer, element kernels for bias + activation;
//   trajectories: the DMT_HD transition arithmetic of core (diffusion/transition.hpp), one thread
//     per particle, noise from core's Philox normals; log R by the target's DMT_HD kernel;
//   losses tb and vargrad reduced on the device (one block, double, fixed order);
//   db / subtb: the flow network (a second network of the same shape, one output) on the interior
//     states by the same SGEMM and element kernels, log F with the forward-looking term, the losses
//     per trajectory (core's flow_losses.hpp; subtb O(T^2) per thread) and summed in one block;
//   the Langevin parametrisation: s_k = NN2(t_k) (a time-only network) once per iteration, the
//     target's gradient at every state and the drift (core's langevin_drift.hpp) kept for all B T
//     columns (2 dim floats each), d loss / d s_k reduced per step, then back through NN2;
//   a learned backward kernel: NN_B (2 dim outputs) at x_{k+1}, t_{k+1} for steps 1 .. T-1, kept or
//     recomputed like the flow network: log p_B (core's learned_backward.hpp), the backward
//     batches' draws step by step, its gradient with d loss / d log p_B = -d loss / d log p_F;
//   pis (reverse KL, trained alone): the adjoint a_k = d L / d x_k runs from x_T back to x_0 on the
//     device (core's pis_adjoint.hpp per particle; the network's input gradient by one more SGEMM
//     per layer), one step at a time, the chunks of steps last to first;
//   backward: d log p_F / d outputs per (particle, step) by core's transition_output_gradient,
//     then back through the layers with SGEMMs (parameter gradients accumulated in place);
//   Adam: core's adam_update per parameter after a fixed-order global-norm reduction.
// Memory: the states (dim x B (T + 1)) and log p_F, log p_B (B T) stay on the device. The layer
// activations, slopes and outputs of all B T columns are kept from the forward pass when they fit
// in 3/4 of the free device memory; otherwise the backward pass recomputes them chunk by chunk
// from the stored states (one more forward pass). The backward pass runs in chunks of whole steps,
// kChunkColumns columns rounded down to whole steps (at least one step). In bytes,
//   4 [dim B (T + 1) + 3 B T + A (2 (layers + 1) hidden + outputs) + C (2 hidden + outputs)] + parameters,
// A = B T when kept, else C, the chunk's columns, plus 12 B dim for pis (the adjoint in double and
// one step's input gradient), and with a flow network 4 [A' (2 (layers + 1) hidden + 1) + 2 C hidden
// + 3 B (T + 1)] (A' = B (T - 1) when kept, else C), 16 B (T + 1) for subtb's scratch and 4 C (dim + 1)
// for the forward-looking flow's log R, and with the Langevin parametrisation 4 [2 dim B T + A +
// T (2 (lgv_layers + 1) hidden + 1)] + 8 B T (score, drift, one chunk's log R, NN2's activations,
// the per-column scale gradients), and with a learned backward kernel 4 [A' (2 (layers + 1) hidden +
// 2 dim) + C (2 hidden + 2 dim)]; device_memory() reports what is allocated. So the states are the
// checkpoints (every step, dim floats per column, against 2 (layers + 1) hidden + outputs for the
// activations), and a recomputing run holds the activations of one chunk only. Kept
// and recomputed activations give the same gradients up to the order of float sums (NMSE ~1e-14).
// Both ways with a replay buffer and local search: the buffers live on the device
// (device_replay_buffer.hpp: a forward batch's terminal states go in and a backward batch's come
// out without a copy to the host); backward trajectories (core's bridge draws) and their scores run
// on the device; the local search's start states are drawn on the device and its MALA runs on the
// device (langevin_sampler.hpp). pull() copies the buffers to the host's (checkpoints), push()
// back (resuming).
// Every setting the CPU trainer takes runs here; with pis and the Langevin parametrisation the
// adjoint takes s_k H(x_k) (d L / d u) by the target kernel's Hessian-vector products on the device
// (hessian_vector_kernel.cuh; 12 dim B more bytes).
#pragma once
#include <memory>
#include <vector>

#include "dmt/diffusion/trainer.hpp"

namespace dmt::cuda {

class trainer : public dmt::trainer {
 public:
  static constexpr long kChunkColumns = 1L << 18;

  // Throws input_error for settings the device trainer does not support and cuda_error without a
  // GPU or for a target without a device kernel.
  // chunk_columns > 0 fixes the recomputation threshold and chunk size (tests use it); 0 chooses
  // by free device memory as above.
  trainer(const train_settings& s, const target& t, const executor& exec = serial_executor(),
          long chunk_columns = 0);
  ~trainer() override;
  iteration_stats step() override;
  void pull() override;
  void push() override;
  std::size_t device_memory() const override;
  // Whether the last iteration recomputed the activations.
  bool recomputed() const;
  // The last iteration's parameter gradient (after clipping), as the CPU trainer leaves it in
  // model().store.grads.
  std::vector<float> gradients() const;

 protected:
  local_search_result run_search(const std::vector<float>& start, std::uint64_t seed) override;

 private:
  struct device_state;
  std::unique_ptr<device_state> dev_;
};

}  // namespace dmt::cuda
