// The CUDA trainer against the CPU trainer with the same seed: the same Philox noise, the same
// DMT_HD transition, loss and Adam arithmetic; only the order of the sums (cuBLAS SGEMMs vs the
// CPU's blocked GEMM) and the math library's last bits differ. So
//   - the first iteration's gradient agrees to rounding: NMSE <= 1e-7 (the kernel criterion);
//   - the 50-iteration loss curve stays within a relative 1e-5 of the CPU's at every iteration and
//     the final parameters within NMSE 1e-10 (measured on an H100: at most 4.1e-7 and 4.1e-14;
//     rounding differences of ~1e-7 can grow through Adam steps, hence the margin);
//   - recomputing the activations in chunks (small chunk_columns) gives the same gradient as
//     keeping them (NMSE <= 1e-10: the same GEMMs on fewer columns);
//   - a run is deterministic (two runs bit-identical);
//   - with a replay buffer, both-ways training (odd iterations: backward trajectories from buffer
//     states, the bridge draws on the device) and local search (the device's MALA, every accepted
//     proposal kept) the loss curve follows the CPU's with the same tolerances, and both runs end
//     with buffers of the same size and the same adapted local-search step (relative 1e-5). The
//     buffers' rank order and MALA's accept decisions could differ where float rounding decides
//     them; at these sizes that did not happen (not verified on hardware yet: no GPU was lent when
//     this test was written).
//   - the pis loss (reverse KL differentiated through the trajectory, the adjoint on the device)
//     the flow-network losses db and subtb (forward-looking flow, mixed with tb), the Langevin
//     parametrisation and the learned backward kernel follow the CPU with the same tolerances.
// The settings errors need no GPU (they are raised before the device is touched).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "cuda_test_util.hpp"
#include "dmt/cuda/trainer.hpp"
#include "dmt/params.hpp"
#include "dmt/targets/registry.hpp"

namespace {

dmt::train_settings settings(int dim, bool learned_variance, dmt::loss_kind loss) {
  dmt::train_settings s;
  s.model.dim = dim;
  s.model.sigma2 = 5.0;
  s.model.hidden = 64;
  s.model.harmonics = 64;
  s.model.layers = 2;
  s.model.learned_variance = learned_variance;
  s.grid.steps = 20;
  s.batch = 256;
  s.iterations = 50;
  s.losses = {dmt::loss_spec{loss, 1.0, 2.0}};
  s.optimiser.lr = 1e-3;
  s.optimiser.group_lr["log_z"] = 0.1;
  s.seed = 11;
  return s;
}

std::vector<float> cpu_gradient(const dmt::trainer& t) { return t.model().store.grads; }

void compare_runs(const char* target, const dmt::params& tp, const dmt::train_settings& s, long chunk_columns,
                  const std::function<void(const dmt::trainer&, const dmt::cuda::trainer&)>& also = {}) {
  DMT_REQUIRE_GPU();
  const auto t = dmt::make_target(target, tp);
  dmt::trainer cpu(s, *t);
  dmt::cuda::trainer gpu(s, *t, dmt::serial_executor(), chunk_columns);
  double worst = 0.0, first_nmse = 0.0;
  for (long it = 0; it < s.iterations; ++it) {
    const auto a = cpu.step();
    const auto b = gpu.step();
    if (it == 0) {
      first_nmse = nmse(gpu.gradients(), cpu_gradient(cpu));
      EXPECT_LE(first_nmse, 1e-7) << "first-iteration gradient";
    }
    const double rel = std::abs(b.loss - a.loss) / std::max(1e-12, std::abs(a.loss));
    worst = std::max(worst, rel);
    ASSERT_LE(rel, 1e-5) << "iteration " << it << ": loss " << b.loss << " (cuda) vs " << a.loss << " (cpu)";
    EXPECT_LE(std::abs(b.log_z - a.log_z), 1e-5 * (1.0 + std::abs(a.log_z))) << "iteration " << it;
  }
  gpu.pull();
  const double params = nmse(gpu.model().store.values, cpu.model().store.values);
  std::printf("[ cuda     ] train %s (seed %llu, batch %d, T %d, %s%s, recomputed %d): first gradient NMSE %.2e, "
              "worst relative loss difference over %ld iterations %.2e, final parameters NMSE %.2e\n",
              target, static_cast<unsigned long long>(s.seed), s.batch, s.grid.steps,
              dmt::loss_name(s.losses[0].kind), s.model.learned_variance ? ", learned variance" : "",
              gpu.recomputed() ? 1 : 0, first_nmse, s.iterations, worst, params);
  EXPECT_LE(params, 1e-10);
  if (also) also(cpu, gpu);
}

}  // namespace

TEST(CudaTrainer, Gmm25TrajectoryBalanceFollowsTheCpu) {
  compare_runs("gmm25", {}, settings(2, false, dmt::loss_kind::tb), 0);
}

TEST(CudaTrainer, ManywellVarGradLearnedVarianceExplorationRandomGrid) {
  auto s = settings(32, true, dmt::loss_kind::vargrad);
  s.model.sigma2 = 1.0;
  s.exploration = 0.2;
  s.exploration_iterations = 25;
  s.grid.kind = dmt::grid_kind::random;
  s.optimiser.clip_norm = 10.0;
  compare_runs("manywell", {}, s, 0);
}

TEST(CudaTrainer, BothWaysWithReplayBufferAndLocalSearchFollowsTheCpu) {
  auto s = settings(2, false, dmt::loss_kind::tb);
  s.exploration = 0.1;
  s.exploration_iterations = 25;
  s.buffer.capacity = 20000;
  s.both_ways = true;
  s.local_search.every = 10;
  s.local_search.steps = 20;
  s.local_search.burn_in = 10;
  s.local_search.step_size = 0.1;
  s.local_search.keep_accepted = true;
  for (long chunk : {0L, 3L * 256}) {  // activations kept, and recomputed in chunks of 3 steps
    compare_runs("gmm25", {}, s, chunk, [](const dmt::trainer& cpu, const dmt::cuda::trainer& gpu) {
      ASSERT_TRUE(cpu.buffer() && gpu.buffer() && cpu.search_buffer() && gpu.search_buffer());
      std::printf("[ cuda     ] both ways: buffer %zu / %zu entries, local-search buffer %zu / %zu, step %.6f / %.6f "
                  "(cpu / cuda)\n",
                  cpu.buffer()->size(), gpu.buffer()->size(), cpu.search_buffer()->size(), gpu.search_buffer()->size(),
                  cpu.search_step_size(), gpu.search_step_size());
      EXPECT_EQ(gpu.buffer()->size(), cpu.buffer()->size());
      EXPECT_EQ(gpu.search_buffer()->size(), cpu.search_buffer()->size());
      EXPECT_GT(cpu.search_buffer()->size(), 0u);
      EXPECT_NEAR(gpu.search_step_size(), cpu.search_step_size(), 1e-5 * cpu.search_step_size());
    });
  }
}

TEST(CudaTrainer, ReverseKlThroughTheTrajectoryFollowsTheCpu) {
  // pis: the adjoint pass of pis_backprop (pis_adjoint.hpp) on the device, with a learned variance;
  // activations kept, and recomputed in chunks of 3 steps (the adjoint runs the chunks last to
  // first). Not verified on hardware yet (no GPU was lent when this test was written).
  auto s = settings(2, true, dmt::loss_kind::pis);
  s.optimiser.clip_norm = 100.0;
  for (long chunk : {0L, 3L * 256}) compare_runs("gmm25", {}, s, chunk);
  auto m = settings(32, false, dmt::loss_kind::pis);
  m.model.sigma2 = 1.0;
  compare_runs("manywell", {}, m, 0);
  // with the Langevin parametrisation: the adjoint also takes s_k H(x_k) (d L / d u), the target
  // kernel's Hessian-vector products on the device
  s.model.langevin = true;
  compare_runs("gmm25", {}, s, 3L * 256);
  m.model.langevin = true;
  compare_runs("manywell", {}, m, 0);
}

TEST(CudaTrainer, FlowNetworkLossesFollowTheCpu) {
  // db, and subtb (lambda 2) with the forward-looking flow plus tb: the flow network on the device,
  // core's flow_losses.hpp per trajectory; activations kept, and recomputed in chunks of 3 steps.
  // Not verified on hardware yet (no GPU was lent when this test was written).
  auto s = settings(2, true, dmt::loss_kind::db);
  s.model.flow = true;
  for (long chunk : {0L, 3L * 256}) compare_runs("gmm25", {}, s, chunk);
  s.model.forward_looking = true;
  s.losses = {dmt::loss_spec{dmt::loss_kind::subtb, 1.0, 2.0}, dmt::loss_spec{dmt::loss_kind::tb, 0.5, 2.0}};
  for (long chunk : {0L, 3L * 256}) compare_runs("gmm25", {}, s, chunk);
}

TEST(CudaTrainer, LangevinParametrisationFollowsTheCpu) {
  // u = clip(NN1 + NN2(t) clip(grad log R)): the scale network, the score and the drift on the
  // device (core's langevin_drift.hpp); forward batches with kept and recomputed activations, and
  // both ways (backward batches score given states). Not verified on hardware yet.
  auto s = settings(2, true, dmt::loss_kind::tb);
  s.model.langevin = true;
  for (long chunk : {0L, 3L * 256}) compare_runs("gmm25", {}, s, chunk);
  s.buffer.capacity = 20000;
  s.both_ways = true;
  compare_runs("gmm25", {}, s, 3L * 256);
  auto m = settings(32, false, dmt::loss_kind::vargrad);
  m.model.sigma2 = 1.0;
  m.model.langevin = true;
  compare_runs("manywell", {}, m, 0);
}

TEST(CudaTrainer, LearnedBackwardKernelFollowsTheCpu) {
  // NN_B(x_{k+1}, t_{k+1}) on the device: log p_B of forward batches, the draws of backward batches
  // (both ways), and its gradient (core's learned_backward.hpp), with tb and with subtb (flow
  // network); kept and recomputed activations. Not verified on hardware yet.
  auto s = settings(2, false, dmt::loss_kind::tb);
  s.model.learned_backward = true;
  s.buffer.capacity = 20000;
  s.both_ways = true;
  for (long chunk : {0L, 3L * 256}) compare_runs("gmm25", {}, s, chunk);
  auto f = settings(2, true, dmt::loss_kind::subtb);
  f.model.learned_backward = true;
  f.model.flow = true;
  compare_runs("gmm25", {}, f, 0);
}

TEST(CudaTrainer, RecomputedActivationsFollowTheCpu) {
  // 256 x 20 columns in chunks of 3 steps (768 columns): 7 chunks, the last one shorter
  compare_runs("gmm25", {}, settings(2, false, dmt::loss_kind::tb), 3 * 256);
}

TEST(CudaTrainer, RecomputationMatchesKeptActivationsAndRunsAreDeterministic) {
  DMT_REQUIRE_GPU();
  const auto t = dmt::make_target("manywell", {});
  auto s = settings(32, true, dmt::loss_kind::tb);
  s.model.sigma2 = 1.0;
  dmt::cuda::trainer kept(s, *t), again(s, *t), chunked(s, *t, dmt::serial_executor(), 5 * 256);
  for (int it = 0; it < 3; ++it) {
    const auto a = kept.step(), b = again.step(), c = chunked.step();
    EXPECT_EQ(a.loss, b.loss);
    EXPECT_EQ(a.log_z, b.log_z);
    EXPECT_NEAR(c.loss, a.loss, 1e-5 * std::abs(a.loss));
  }
  EXPECT_TRUE(chunked.recomputed());
  EXPECT_FALSE(kept.recomputed());
  EXPECT_EQ(kept.gradients(), again.gradients());
  const double e = nmse(chunked.gradients(), kept.gradients());
  std::printf("[ cuda     ] recomputed vs kept activations after 3 iterations: gradient NMSE %.2e\n", e);
  EXPECT_LE(e, 1e-10);
}

TEST(CudaTrainer, RefusesSettingsItsKernelsCannotTake) {
  const auto t = dmt::make_target("gmm25", {});
  auto expect_error = [&](dmt::train_settings s, const std::string& what) {
    try {
      dmt::cuda::trainer tr(s, *t);
      FAIL() << "no error for " << what;
    } catch (const dmt::input_error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  auto s = settings(2, false, dmt::loss_kind::tb);
  s.losses.assign(5, dmt::loss_spec{dmt::loss_kind::tb, 0.2, 2.0});
  expect_error(s, "--device cuda takes at most 4 trajectory losses and 4 flow losses");
  s = settings(2, false, dmt::loss_kind::subtb);
  s.model.flow = true;
  s.losses[0].lambda = 0.0;
  expect_error(s, "subtb's lambda must be positive");
}
