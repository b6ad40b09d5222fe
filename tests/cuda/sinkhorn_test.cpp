// The device Sinkhorn against the CPU's (float32 and float64, online, no pruning) on the same
// clouds: the GPU plan's marginals recomputed in float64 (<= 1e-4), potentials near the float64
// solution (see compare), dual and primal costs within 1e-5 relative, the convergence flag. Clouds: fixed-seed Gaussians, d = 2 (fixed-dimension kernel) and
// d = 5 (generic kernel), weighted and uniform, eps-scaling on and off.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "cuda_test_util.hpp"
#include "dmt/cuda/sinkhorn.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/params.hpp"
#include "dmt/rng/stream.hpp"

namespace {

dmt::weighted_cloud cloud(int n, int d, double shift, std::uint32_t purpose, bool weighted) {
  dmt::philox_stream rng(dmt::make_philox_key(5), 0, purpose);
  dmt::weighted_cloud c;
  c.points.resize(n, d);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) c.points(i, k) = rng.normal() * (1.0 + 0.2 * k) + shift;
  if (weighted) {
    c.weights.resize(n);
    for (int i = 0; i < n; ++i) c.weights(i) = 0.5 + rng.uniform();
    c.weights /= c.weights.sum();
  }
  return c;
}

// The marginal errors (L1, rows and columns) of the plan P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps)
// evaluated in float64 here, independently of both solvers.
std::pair<double, double> marginal_errors_f64(const dmt::weighted_cloud& x, const dmt::weighted_cloud& y,
                                              const Eigen::VectorXd& f, const Eigen::VectorXd& g, double eps) {
  const Eigen::Index n = x.points.rows(), m = y.points.rows();
  auto w = [](const dmt::weighted_cloud& c, Eigen::Index i) {
    return c.weights.size() ? c.weights(i) : 1.0 / double(c.points.rows());
  };
  std::vector<double> row(n, 0.0), col(m, 0.0);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < m; ++j) {
      const double c = (x.points.row(i) - y.points.row(j)).squaredNorm();
      const double p = w(x, i) * w(y, j) * std::exp((f(i) + g(j) - c) / eps);
      row[i] += p;
      col[j] += p;
    }
  double er = 0.0, ec = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) er += std::abs(row[i] - w(x, i));
  for (Eigen::Index j = 0; j < m; ++j) ec += std::abs(col[j] - w(y, j));
  return {er, ec};
}

// Both solvers stop at marginal error 1e-5; the potentials are then compared with the float64
// CPU solution (up to the constant f + c, g - c) and the GPU plan's marginals are recomputed in
// float64. Near the stopping point the potentials are determined only to about
// tolerance / (1 - contraction) in units of eps (slow modes move them without changing the
// marginals much), so `potential_tolerance` is set per case from that bound, and the float32 CPU
// solver's own distance is printed beside.
void compare(int n, int m, int d, double reg, bool weighted, bool scaling, double potential_tolerance) {
  DMT_REQUIRE_GPU();
  static dmt::thread_pool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  const auto x = cloud(n, d, 0.0, 1, weighted), y = cloud(m, d, 1.5, 2, weighted);
  dmt::sinkhorn_options o;
  o.reg = reg;
  o.tolerance = 1e-5;
  o.max_iterations = 5000;
  o.eps_scaling = scaling;
  o.prune = false;
  o.storage = dmt::sinkhorn_storage::online;
  o.exec = &pool;
  const auto cpu = dmt::sinkhorn(x, y, o);
  o.precision = dmt::sinkhorn_precision::float32;
  const auto cpu32 = dmt::sinkhorn(x, y, o);
  const auto gpu = dmt::cuda::sinkhorn(x, y, o);
  const auto again = dmt::cuda::sinkhorn(x, y, o);
  EXPECT_EQ(again.f, gpu.f) << "not deterministic";
  const double c = gpu.f.mean() - cpu.f.mean();
  const double df = (gpu.f.array() - c - cpu.f.array()).abs().maxCoeff() / reg;
  const double dg = (gpu.g.array() + c - cpu.g.array()).abs().maxCoeff() / reg;
  const double c32 = cpu32.f.mean() - cpu.f.mean();
  const double df32 = (cpu32.f.array() - c32 - cpu.f.array()).abs().maxCoeff() / reg;
  const auto [er, ec] = marginal_errors_f64(x, y, gpu.f, gpu.g, reg);
  std::printf("[ cuda     ] n %d m %d d %d reg %g: iterations %d vs %d (contraction %.4f), |df|/eps %.2e |dg|/eps %.2e "
              "(cpu f32 %.2e), dual %.9g vs %.9g, cost %.9g vs %.9g, marginal error %.2e (float64: rows %.2e, "
              "columns %.2e)\n",
              n, m, d, reg, gpu.iterations, cpu.iterations, cpu.contraction, df, dg, df32, gpu.dual, cpu.dual,
              gpu.cost, cpu.cost, gpu.marginal_error, er, ec);
  EXPECT_TRUE(gpu.converged);
  EXPECT_LE(gpu.marginal_error, 1e-4);
  EXPECT_LE(er, 1e-4);
  EXPECT_LE(ec, 1e-4);
  EXPECT_LE(df, potential_tolerance);
  EXPECT_LE(dg, potential_tolerance);
  EXPECT_NEAR(gpu.dual, cpu.dual, 1e-5 * std::abs(cpu.dual));
  EXPECT_NEAR(gpu.cost, cpu.cost, 1e-5 * std::abs(cpu.cost));
}

TEST(CudaSinkhorn, Plane2dWeighted) { compare(1500, 1200, 2, 0.1, true, false, 1e-3); }
TEST(CudaSinkhorn, Plane2dSmallEpsWithScaling) { compare(1000, 800, 2, 0.02, false, true, 3e-2); }
TEST(CudaSinkhorn, FiveDimensionsGenericKernel) { compare(1000, 1300, 5, 0.5, true, false, 1e-2); }
// N >= 4 x 256 x SMs rows: four rows per thread
TEST(CudaSinkhorn, LargeRowsPerThreadPath) { compare(140000, 200, 3, 1.0, false, false, 1e-3); }

TEST(CudaSinkhorn, RefusesOtherCosts) {
  const auto x = cloud(10, 2, 0.0, 1, false);
  dmt::sinkhorn_options o;
  o.cost = dmt::parse_ground_cost("euclidean");
  try {
    dmt::cuda::sinkhorn(x, x, o);
    FAIL() << "expected an error";
  } catch (const dmt::input_error& e) {
    EXPECT_STREQ(e.what(), "the CUDA Sinkhorn supports the sqeuclidean cost only");
  }
}

}  // namespace
