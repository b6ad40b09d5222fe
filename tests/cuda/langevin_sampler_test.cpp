// The device Langevin samplers against the CPU scalar reference (simd = false) with the same seed:
// the same initial particles, Philox noise and step functions, so the particles agree to the
// rounding of the math library (NMSE <= 1e-7). MALA: the adapted step size and the acceptance
// count are integers-based and agree exactly unless a rounding difference flips one decision
// (then a handful of particles differ); we require >= 99.5% identical-within-1e-4 particles.
#include <gtest/gtest.h>

#include <cmath>

#include "cuda_test_util.hpp"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"

namespace {

struct case_t {
  const char* target;
  dmt::params target_params;
  const char* kind;
  dmt::params sampler_params;
  long steps;
};

void compare(const case_t& c) {
  DMT_REQUIRE_GPU();
  const auto t = dmt::make_target(c.target, c.target_params);
  dmt::params sp = c.sampler_params;
  sp.set("simd", 0.0);
  const std::size_t n = 2048;
  const std::uint64_t seed = 7;
  dmt::sampler cpu(*t, dmt::parse_sampler(c.kind, sp), n, seed);
  dmt::cuda::langevin_sampler gpu(*t, dmt::parse_sampler(c.kind, sp), n, seed);
  ASSERT_EQ(gpu.particles(), cpu.particles()) << "initial particles";
  cpu.run(c.steps);
  gpu.run(c.steps);
  const double e = nmse(gpu.particles(), cpu.particles());
  const int d = t->dim();
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool ok = true;
    for (int j = 0; j < d; ++j)
      ok = ok && std::abs(gpu.particles()[i * d + j] - cpu.particles()[i * d + j]) <= 1e-4f * (1.0f + std::abs(cpu.particles()[i * d + j]));
    same += ok;
  }
  std::printf("[ cuda     ] %s/%s dim %d: NMSE %.2e, particles equal %zu/%zu, h %.6g vs %.6g, accept %.6f vs %.6f\n",
              c.target, c.kind, d, e, same, n, gpu.step_size(), cpu.step_size(), gpu.acceptance_rate(),
              cpu.acceptance_rate());
  EXPECT_EQ(gpu.steps_done(), cpu.steps_done());
  EXPECT_EQ(gpu.energy_evaluations(), cpu.energy_evaluations());
  EXPECT_EQ(gpu.trace().size(), cpu.trace().size());
  if (std::string(c.kind) == "mala") {
    EXPECT_GE(same, n * 995 / 1000);
    EXPECT_NEAR(gpu.step_size(), cpu.step_size(), 1e-6 * cpu.step_size());
    EXPECT_NEAR(gpu.acceptance_rate(), cpu.acceptance_rate(), 1e-3);
  } else {
    EXPECT_LE(e, 1e-7);
    EXPECT_LE(nmse(gpu.trace(), cpu.trace()), 1e-7);
    EXPECT_LE(nmse(gpu.log_densities(), cpu.log_densities()), 1e-7);
  }
}

TEST(CudaSampler, UlaManywell32) { compare({"manywell", {}, "ula", dmt::params().set("step_size", 0.005), 200}); }
TEST(CudaSampler, MalaAdaptiveGmm25) {
  compare({"gmm25", {}, "mala", dmt::params().set("step_size", 0.5).set("adapt_steps", 50.0), 150});
}
TEST(CudaSampler, UnderdampedFunnel) {
  compare({"funnel", {}, "underdamped", dmt::params().set("step_size", 0.02).set("friction", 2.0), 100});
}
TEST(CudaSampler, SkrockManywell) {
  compare({"manywell", {}, "skrock", dmt::params().set("step_size", 0.05).set("stages", 5.0), 50});
}
// dimension above the local-array limit: the state lives in global memory
TEST(CudaSampler, UlaGaussian100) {
  compare({"gaussian", dmt::params().set("dim", 100.0), "ula", dmt::params().set("step_size", 0.01), 100});
}

TEST(CudaSampler, NonFiniteNamesTheSameStepAndParticleAsCpu) {
  DMT_REQUIRE_GPU();
  const auto t = dmt::make_target("manywell", {});
  const dmt::params sp = dmt::params().set("step_size", 5.0).set("simd", 0.0);
  dmt::sampler cpu(*t, dmt::parse_sampler("ula", sp), 512, 3);
  dmt::cuda::langevin_sampler gpu(*t, dmt::parse_sampler("ula", sp), 512, 3);
  long cs = -1, cp = -1, gs = -2, gp = -2;
  try {
    cpu.run(50);
  } catch (const dmt::nonfinite_error& e) {
    cs = e.step;
    cp = e.particle;
  }
  try {
    gpu.run(50);
  } catch (const dmt::nonfinite_error& e) {
    gs = e.step;
    gp = e.particle;
  }
  EXPECT_GE(cs, 0);
  EXPECT_EQ(gs, cs);
  EXPECT_EQ(gp, cp);
}

TEST(CudaSampler, RefusesSamplersWithoutCudaKernels) {
  const auto t = dmt::make_target("gmm25", {});
  try {
    dmt::cuda::make_particle_sampler("jala", {}, *t, 16, 1);
    FAIL() << "expected an error";
  } catch (const dmt::input_error& e) {
    EXPECT_STREQ(e.what(), "sampler 'jala' has no CUDA implementation yet (on cuda: ula, mala, underdamped, skrock, smc)");
  }
}

TEST(CudaSampler, MissingDeviceIsAClearError) {
  if (dmt::cuda::device_count() != 0) GTEST_SKIP() << "a device is present";
  const auto t = dmt::make_target("gmm25", {});
  try {
    dmt::cuda::make_particle_sampler("ula", {}, *t, 16, 1);
    FAIL() << "expected an error";
  } catch (const dmt::cuda::cuda_error& e) {
    EXPECT_STREQ(e.what(), "no CUDA device available");
  }
}

}  // namespace
