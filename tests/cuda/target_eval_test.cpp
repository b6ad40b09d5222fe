// Every registry target marked cuda: log R and its gradient on the device against the CPU's scalar
// reference at the same points (NMSE <= 1e-7, float32 arithmetic both sides); the others refused by name.
#include <gtest/gtest.h>

#include "cuda_test_util.hpp"
#include "dmt/cuda/target_eval.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/registry.hpp"

namespace {

TEST(CudaTargets, EveryKernelTargetMatchesCpu) {
  DMT_REQUIRE_GPU();
  // every target the registry marks as running on CUDA must evaluate there (a device error fails the
  // test); the others must be refused by name
  std::size_t checked = 0, on_cuda = 0;
  for (const dmt::component_spec* spec : dmt::registry::global().list(dmt::component_kind::target)) {
    const auto t = dmt::make_target(spec->name, {});
    const std::size_t n = 1000;
    const int d = t->dim();
    std::vector<float> x(n * d), cpu_log(n), cpu_grad(n * d);
    dmt::philox_stream rng(dmt::make_philox_key(11), 0, 0);
    for (auto& v : x) v = static_cast<float>(rng.normal());
    if (!spec->caps.cuda) {
      try {
        dmt::cuda::evaluate(*t, x);
        ADD_FAILURE() << spec->name << " is not marked cuda in the registry but evaluates on the device";
      } catch (const dmt::cuda::cuda_error& e) {
        EXPECT_EQ(std::string(e.what()), "target '" + spec->name + "' has no CUDA kernel");
      }
      continue;
    }
    ++on_cuda;
    t->evaluate(x.data(), n, cpu_log.data(), cpu_grad.data());
    const dmt::cuda::evaluation gpu = dmt::cuda::evaluate(*t, x);
    const double e1 = nmse(gpu.log_r, cpu_log), e2 = nmse(gpu.grad, cpu_grad);
    std::printf("[ cuda     ] %-22s dim %4d  NMSE log R %.2e  grad %.2e\n", spec->name.c_str(), d, e1, e2);
    EXPECT_LE(e1, 1e-7) << spec->name;
    EXPECT_LE(e2, 1e-7) << spec->name;
    ++checked;
  }
  EXPECT_EQ(checked, on_cuda);
  EXPECT_GE(on_cuda, 12u);  // all but the composite targets box_gaussian and lasso_regression
}

TEST(CudaTargets, MissingDeviceIsAClearError) {
  const auto t = dmt::make_target("manywell", {});
  const std::vector<float> x(32, 0.0f);
  if (dmt::cuda::device_count() != 0) {
    EXPECT_EQ(dmt::cuda::evaluate(*t, x).grad.size(), x.size());
    return;
  }
  try {
    dmt::cuda::evaluate(*t, x);
    FAIL() << "expected an error";
  } catch (const dmt::cuda::cuda_error& e) {
    EXPECT_STREQ(e.what(), "no CUDA device available");
  }
}

}  // namespace
