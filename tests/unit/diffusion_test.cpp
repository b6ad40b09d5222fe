// Diffusion-sampler trajectories and losses: the exact zero-drift identity, every loss gradient
// against central differences (double precision, tiny network, trajectories held fixed), and the
// on-policy identity between VarGrad and the score-function gradient of KL(p_F || p_B R / Z).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "dmt/diffusion/losses.hpp"
#include "dmt/diffusion/pis.hpp"
#include "dmt/diffusion/trainer.hpp"
#include "dmt/params.hpp"
#include "dmt/targets/registry.hpp"
#include "dmt/diffusion/time_grid.hpp"
#include "dmt/diffusion/trajectory.hpp"
#include "test_support.hpp"

namespace {

constexpr double kLog2Pi = 1.83787706640934548356;

template <class T>
dmt::reward<T> gaussian_reward(int dim, double var) {
  return dmt::log_reward_fn<T>([dim, var](const T* x, std::size_t n, T* out) {
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < dim; ++j) s += double(x[i * dim + j]) * double(x[i * dim + j]);
      out[i] = T(-0.5 * (s / var + dim * (kLog2Pi + std::log(var))));
    }
  });
}

std::vector<std::vector<double>> test_grids(std::uint64_t seed) {
  dmt::time_grid_spec uniform{dmt::grid_kind::uniform, 7, {}};
  dmt::time_grid_spec random{dmt::grid_kind::random, 9, {}};
  return {dmt::make_time_grid(uniform, dmt::make_philox_key(seed), 0),
          dmt::make_time_grid(random, dmt::make_philox_key(seed), 3),
          {0.0, 0.001, 0.01, 0.3, 0.31, 0.9, 1.0}};
}

// A small network (hidden 8, 4 harmonics) for the trajectory tests.
dmt::model_config tiny_config(int dim, double sigma2) {
  dmt::model_config c;
  c.dim = dim;
  c.sigma2 = sigma2;
  c.hidden = 8;
  c.harmonics = 4;
  return c;
}

// Zero drift and target N(0, sigma^2 I): Brownian motion from 0 is the target times the Brownian
// bridge, so log w = 0 for every trajectory and every grid (up to rounding).
TEST(Trajectory, ZeroDriftGaussianTargetHasZeroLogWeight) {
  const std::uint64_t seed = dmt_test::test_seed(5);
  dmt::model_config c = tiny_config(3, 2.5);
  dmt::diffusion_model<double> md(c);
  md.initialise(seed);  // zero output layer: zero drift
  dmt::diffusion_model<float> mf(c);
  mf.initialise(seed);
  for (const auto& grid : test_grids(seed)) {
    dmt::trajectory_batch<double> td;
    dmt::trajectory_rng rng{dmt::make_philox_key(seed), 1, 0};
    dmt::simulate_forward(md, grid, 50, rng, gaussian_reward<double>(3, 2.5), false, td);
    for (double lw : td.log_w) ASSERT_NEAR(lw, 0.0, 1e-9);
    dmt::trajectory_batch<float> tf;
    dmt::simulate_forward(mf, grid, 50, rng, gaussian_reward<float>(3, 2.5), true, tf);
    for (float lw : tf.log_w) ASSERT_NEAR(lw, 0.0, 2e-3);  // float: sums of ~T terms of size ~10
    // backward trajectories from N(0, sigma^2 I) terminal states too
    std::mt19937 gen(seed);
    std::normal_distribution<double> nd(0.0, std::sqrt(2.5));
    std::vector<double> xt(50 * 3);
    for (auto& v : xt) v = nd(gen);
    dmt::simulate_backward(md, grid, xt.data(), 50, rng, gaussian_reward<double>(3, 2.5), false, td);
    for (double lw : td.log_w) ASSERT_NEAR(lw, 0.0, 1e-9);
  }
}

// The learned backward kernel. At initialisation (NN_B's output layer zero) it is the Brownian
// bridge: the zero-drift identity log w = 0 holds and backward trajectories are those of the bridge
// (same random numbers) up to rounding. With random weights, 20 000 backward draws of x_1 from one
// x_2 match the kernel's mean x_2 (1 - (dt / t_2) m) and variance (t_1 / t_2) sigma^2 dt v per
// coordinate (m, v from NN_B(x_2, t_2)) within 5 standard errors (two-sided p about 6e-7 each).
TEST(Trajectory, LearnedBackwardKernel) {
  const std::uint64_t seed = dmt_test::test_seed(29);
  dmt::model_config c = tiny_config(3, 2.5);
  dmt::model_config cb = c;
  cb.learned_backward = true;
  cb.pb_scale_range = 0.6;
  dmt::diffusion_model<double> plain(c), learned(cb);
  plain.initialise(seed);
  learned.initialise(seed);
  const auto grid = test_grids(seed)[1];
  dmt::trajectory_batch<double> tp, tl;
  const dmt::trajectory_rng rng{dmt::make_philox_key(seed), 1, 0};
  dmt::simulate_forward(learned, grid, 50, rng, gaussian_reward<double>(3, 2.5), false, tl);
  for (double lw : tl.log_w) ASSERT_NEAR(lw, 0.0, 1e-9);
  std::vector<double> xt(50 * 3);
  std::mt19937 gen(static_cast<unsigned>(seed));
  std::normal_distribution<double> nd(0.0, std::sqrt(2.5));
  for (auto& v : xt) v = nd(gen);
  dmt::simulate_backward(plain, grid, xt.data(), 50, rng, gaussian_reward<double>(3, 2.5), false, tp);
  dmt::simulate_backward(learned, grid, xt.data(), 50, rng, gaussian_reward<double>(3, 2.5), false, tl);
  for (Eigen::Index i = 0; i < tp.states.size(); ++i) ASSERT_NEAR(tl.states.data()[i], tp.states.data()[i], 1e-12);
  for (std::size_t b = 0; b < 50; ++b) ASSERT_NEAR(tl.log_w[b], tp.log_w[b], 1e-9);

  std::normal_distribution<double> w(0.0, 0.5);
  for (auto& v : learned.store.values) v += w(gen);
  const int n = 20000;
  const std::vector<double> two = {0.0, 0.4, 1.0};
  const double x2[3] = {1.5, -0.7, 0.2};
  std::vector<double> terminal(static_cast<std::size_t>(n) * 3);
  for (int b = 0; b < n; ++b)
    for (int j = 0; j < 3; ++j) terminal[b * 3 + j] = x2[j];
  dmt::trajectory_batch<double> t;
  dmt::simulate_backward(learned, two, terminal.data(), n, rng, gaussian_reward<double>(3, 2.5), false, t);
  const double* o = t.back_cache.out.data();  // NN_B(x_2, t_2), the same for every particle
  int worst_coordinate = 0;
  double worst = 0;
  for (int j = 0; j < 3; ++j) {
    const double m = 1 + std::tanh(o[j]) * 0.6, v = 0.4 * 2.5 * 0.6 * (1 + std::tanh(o[3 + j]) * 0.6);
    const double mean = x2[j] * (1 - 0.6 * m);
    double s = 0, s2 = 0;
    for (int b = 0; b < n; ++b) {
      const double x = t.state(1)[b * 3 + j];
      s += x;
      s2 += x * x;
    }
    const double mu = s / n, var = s2 / n - mu * mu;
    const double z_mean = (mu - mean) / std::sqrt(v / n), z_var = (var - v) / (v * std::sqrt(2.0 / n));
    std::printf("coordinate %d: mean %.5f (kernel %.5f, z %.2f), variance %.5f (kernel %.5f, z %.2f); m %.3f, v %.3f\n",
                j, mu, mean, z_mean, var, v, z_var, m, v / (0.4 * 2.5 * 0.6));
    EXPECT_LT(std::abs(z_mean), 5.0);
    EXPECT_LT(std::abs(z_var), 5.0);
    if (std::abs(m - 1) > worst) worst = std::abs(m - 1), worst_coordinate = j;
  }
  // the kernel really differs from the bridge here (else the check above would not test it)
  EXPECT_GT(worst, 0.05) << "coordinate " << worst_coordinate;
}

// A negative control: a non-zero drift breaks the identity.
TEST(Trajectory, NonZeroDriftBreaksTheIdentity) {
  dmt::model_config c;
  c.dim = 2;
  c.hidden = 8;
  c.harmonics = 4;
  dmt::diffusion_model<double> m(c);
  m.initialise(1);
  m.store.values[m.store.find("policy.joint.out.bias")->offset] = 0.3;
  dmt::trajectory_batch<double> t;
  dmt::simulate_forward(m, test_grids(1)[0], 20, {dmt::make_philox_key(1), 0, 0}, gaussian_reward<double>(2, 1.0),
                        false, t);
  double s = 0;
  for (double lw : t.log_w) s += std::abs(lw);
  EXPECT_GT(s / 20, 1e-3);
}

// A non-Gaussian reward for the gradient checks, with its gradient (Langevin parametrisation).
dmt::reward<double> wavy_reward(int dim) {
  auto both = [dim](const double* x, std::size_t n, double* out, double* grad) {
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < dim; ++j) {
        const double v = x[i * dim + j];
        s += -0.5 * v * v / 3.0 + 0.3 * std::sin(2.0 * v);
        if (grad) grad[i * dim + j] = -v / 3.0 + 0.6 * std::cos(2.0 * v);
      }
      out[i] = s;
    }
  };
  dmt::reward<double> r([both](const double* x, std::size_t n, double* out) { both(x, n, out, nullptr); }, both);
  r.hvp = [dim](const double* x, const double* v, std::size_t n, double* hv) {  // diagonal Hessian
    for (std::size_t i = 0; i < n * dim; ++i) hv[i] = (-1.0 / 3.0 - 1.2 * std::sin(2.0 * x[i])) * v[i];
  };
  return r;
}

// The Langevin parametrisation's drift is its formula, u = clip(NN1(x, t) + NN2(t) clip(grad log R(x),
// +-lgv_clip), +-drift_clip), at every step of a forward simulation: NN1 and NN2 evaluated here
// separately (the networks themselves are checked in nn_test), grad log R from a steep reward
// (gradient 400 |x - c|, so the +-100 clip is active for most states) and a drift clip of 30 that
// the sum reaches (NN2 = 0.5 makes the Langevin term up to 50); every case is counted and must occur.
TEST(Trajectory, LangevinDriftIsItsFormula) {
  const std::uint64_t seed = dmt_test::test_seed(17);
  dmt::model_config c = tiny_config(2, 1.0);
  c.langevin = true;
  c.drift_clip = 30.0;
  dmt::diffusion_model<double> m(c);
  m.initialise(seed);
  m.store.values[m.store.find("policy.joint.out.bias")->offset] = 0.7;
  m.store.values[m.store.find("langevin.joint.out.bias")->offset] = 0.5;
  // non-zero output weights too, so NN1 depends on x and t and NN2 on t
  std::mt19937 gen(static_cast<unsigned>(seed));
  std::normal_distribution<double> nd(0.0, 0.3);
  for (const char* name : {"policy.joint.out.weight", "langevin.joint.out.weight"}) {
    const auto* e = m.store.find(name);
    ASSERT_NE(e, nullptr) << name;
    for (std::size_t i = 0; i < e->size(); ++i) m.store.values[e->offset + i] = nd(gen);
  }
  const double a = 400.0, centre[2] = {0.2, -0.2};  // at x_0 = 0 the scores are +80 and -80
  auto both = [&](const double* x, std::size_t n, double* out, double* grad) {
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < 2; ++j) {
        const double v = x[i * 2 + j] - centre[j];
        s += -0.5 * a * v * v;
        if (grad) grad[i * 2 + j] = -a * v;
      }
      out[i] = s;
    }
  };
  const dmt::reward<double> r([both](const double* x, std::size_t n, double* out) { both(x, n, out, nullptr); }, both);
  const auto grid = test_grids(seed)[1];  // a random grid
  const int batch = 40, steps = static_cast<int>(grid.size()) - 1;
  dmt::trajectory_batch<double> traj;
  dmt::simulate_forward(m, grid, batch, {dmt::make_philox_key(seed), 0, 0}, r, true, traj);
  ASSERT_EQ(traj.drift.cols(), batch * steps);

  std::vector<double> t(grid.begin(), grid.end() - 1);
  typename dmt::diffusion_network<double>::cache nn1, nn2;
  m.policy.resize(nn1, batch);
  m.policy.forward_time(m.store, t.data(), steps, nn1.time);
  m.scale->resize(nn2, steps);
  m.scale->forward_time(m.store, t.data(), steps, nn2.time);
  int score_clipped = 0, score_free = 0, drift_low = 0, drift_high = 0, drift_free = 0;
  double worst = 0;
  for (int k = 0; k < steps; ++k) {
    const double* xk = traj.state(k);
    for (int b = 0; b < batch; ++b)
      for (int j = 0; j < 2; ++j) nn1.x(j, b) = xk[b * 2 + j];
    m.policy.forward(m.store, nn1, 0, batch, k);
    m.scale->forward(m.store, nn2, k, 1, k);
    const double s = nn2.out.data()[k];
    std::vector<double> lr(batch), g(static_cast<std::size_t>(batch) * 2);
    both(xk, batch, lr.data(), g.data());
    for (int b = 0; b < batch; ++b)
      for (int j = 0; j < 2; ++j) {
        const double gj = g[b * 2 + j];
        const double gc = gj > 100.0 ? 100.0 : gj < -100.0 ? -100.0 : gj;
        (gc == gj ? score_free : score_clipped)++;
        const double u = nn1.out.data()[static_cast<std::ptrdiff_t>(b) * nn1.out.rows() + j] + s * gc;
        const double uc = u > 30.0 ? 30.0 : u < -30.0 ? -30.0 : u;
        (uc == u ? drift_free : u > 0 ? drift_high : drift_low)++;
        const double got = traj.drift(j, k * batch + b);
        worst = std::max(worst, std::abs(got - uc));
        ASSERT_NEAR(got, uc, 1e-12 * (1 + std::abs(uc))) << "step " << k << ", particle " << b << ", coordinate " << j;
      }
  }
  std::printf("seed %llu: %d clipped / %d free scores, %d / %d / %d drifts clipped low / high / free, worst "
              "difference %.2e\n", static_cast<unsigned long long>(seed), score_clipped, score_free, drift_low, drift_high,
              drift_free, worst);
  EXPECT_GT(score_clipped, 0);
  EXPECT_GT(score_free, 0);
  EXPECT_GT(drift_low, 0);
  EXPECT_GT(drift_high, 0);
  EXPECT_GT(drift_free, 0);
}

double loss_at(dmt::diffusion_model<double>& m, dmt::trajectory_batch<double> traj, const dmt::loss_spec& spec) {
  dmt::score_states(m, wavy_reward(m.config.dim), traj);
  if (dmt::loss_needs_flow(spec.kind)) dmt::compute_flows(m, wavy_reward(m.config.dim), traj);
  dmt::loss_gradient<double> g;
  g.reset(traj.batch, traj.steps);
  return dmt::evaluate_loss(spec, traj, m.log_z(), g);
}

// Central differences (h = 1e-6) of objective() at every parameter against grads: a failure at the
// first parameter off by more than 1e-6 (1 + |fd|); returns the worst relative error.
template <class F>
double check_central_differences(std::vector<double>& values, const std::vector<double>& grads, F objective,
                                 const std::string& what) {
  const double h = 1e-6;
  double worst = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v0 = values[i];
    values[i] = v0 + h;
    const double fp = objective();
    values[i] = v0 - h;
    const double fm = objective();
    values[i] = v0;
    const double fd = (fp - fm) / (2 * h);
    worst = std::max(worst, std::abs(grads[i] - fd) / (1 + std::abs(fd)));
    if (std::abs(grads[i] - fd) > 1e-6 * (1 + std::abs(fd))) {
      ADD_FAILURE() << what << " parameter " << i << ": gradient " << grads[i] << ", central difference " << fd;
      break;
    }
  }
  return worst;
}

TEST(Losses, GradientsMatchCentralDifferences) {
  const std::uint64_t seed = dmt_test::test_seed(9);
  for (int variant = 0; variant < 4; ++variant)
    for (auto kind : {dmt::loss_kind::tb, dmt::loss_kind::vargrad, dmt::loss_kind::db, dmt::loss_kind::subtb}) {
      const bool learned_variance = variant >= 1, langevin = variant == 2, learned_backward = variant == 3;
      dmt::model_config c;
      c.dim = 2;
      c.sigma2 = 1.7;
      c.hidden = 5;
      c.harmonics = 3;
      c.layers = 1;
      c.learned_variance = learned_variance;
      c.langevin = langevin;
      c.lgv_layers = 1;
      c.learned_backward = learned_backward;
      c.pb_scale_range = 0.5;
      c.flow = dmt::loss_needs_flow(kind);
      c.forward_looking = kind == dmt::loss_kind::subtb;
      dmt::diffusion_model<double> m(c);
      m.initialise(seed);
      std::mt19937 gen(seed);
      std::normal_distribution<double> nd(0.0, 0.3);
      for (auto& v : m.store.values) v += nd(gen);
      dmt::loss_spec spec;
      spec.kind = kind;
      spec.lambda = 1.5;
      dmt::trajectory_batch<double> traj;
      const std::vector<double> grid = {0.0, 0.2, 0.45, 0.7, 1.0};
      dmt::simulate_forward(m, grid, 4, {dmt::make_philox_key(seed), 0, 0}, wavy_reward(2), true, traj, 0.3);
      if (c.flow) dmt::compute_flows(m, wavy_reward(2), traj);
      dmt::loss_gradient<double> g;
      g.reset(traj.batch, traj.steps);
      const double value = dmt::evaluate_loss(spec, traj, m.log_z(), g);
      EXPECT_NEAR(value, loss_at(m, traj, spec), 1e-12);
      m.store.zero_grad();
      dmt::backprop(m, traj, g.d_log_pf, &g.d_log_f, g.d_log_z);
      const auto grads = m.store.grads;
      const double worst =
          check_central_differences(m.store.values, grads, [&] { return loss_at(m, traj, spec); },
                                    std::string(dmt::loss_name(kind)) + " variant " + std::to_string(variant));
      std::printf("%-8s learned variance %d, Langevin %d, learned backward %d: %zu parameters, worst relative "
                  "error %.2e\n", dmt::loss_name(kind), int(learned_variance), int(langevin), int(learned_backward),
                  m.store.values.size(), worst);
    }
}

// SubTB with weights only on neighbouring pairs is DB: lambda -> 0 puts all weight on j = i + 1.
TEST(Losses, SubTbWithTinyLambdaIsDb) {
  dmt::model_config c;
  c.dim = 2;
  c.hidden = 5;
  c.harmonics = 3;
  c.flow = true;
  dmt::diffusion_model<double> m(c);
  m.initialise(3);
  for (auto& v : m.store.values) v += 0.1;
  dmt::trajectory_batch<double> traj;
  dmt::simulate_forward(m, {0.0, 0.3, 0.6, 1.0}, 5, {dmt::make_philox_key(3), 0, 0}, wavy_reward(2), true, traj);
  dmt::compute_flows(m, wavy_reward(2), traj);
  dmt::loss_gradient<double> g1, g2;
  g1.reset(5, 3);
  g2.reset(5, 3);
  const double db = dmt::evaluate_loss({dmt::loss_kind::db, 1.0, 2.0}, traj, m.log_z(), g1);
  const double sub = dmt::evaluate_loss({dmt::loss_kind::subtb, 1.0, 1e-12}, traj, m.log_z(), g2);
  EXPECT_NEAR(sub, db, 1e-9 * (1 + db));
  EXPECT_LT((g1.d_log_pf - g2.d_log_pf).cwiseAbs().maxCoeff(), 1e-9);
}

// On-policy: with trajectories from p_F, grad VarGrad = 2 x (1/B) sum_b (log p_F - log p_B R - mean) grad log p_F,b,
// the score-function estimate of grad KL(p_F || p_B R / Z) with the batch-mean baseline.
TEST(Losses, VarGradIsTwiceTheScoreFunctionKlGradientOnPolicy) {
  const std::uint64_t seed = dmt_test::test_seed(21);
  dmt::model_config c;
  c.dim = 2;
  c.hidden = 6;
  c.harmonics = 3;
  c.learned_variance = true;
  dmt::diffusion_model<double> m(c);
  m.initialise(seed);
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd(0.0, 0.3);
  for (auto& v : m.store.values) v += nd(gen);
  const int B = 16;
  dmt::trajectory_batch<double> traj;
  dmt::simulate_forward(m, {0.0, 0.25, 0.5, 0.75, 1.0}, B, {dmt::make_philox_key(seed), 0, 0}, wavy_reward(2), true,
                        traj);
  dmt::loss_gradient<double> g;
  g.reset(B, traj.steps);
  dmt::evaluate_loss({dmt::loss_kind::vargrad, 1.0, 2.0}, traj, 0.0, g);
  m.store.zero_grad();
  dmt::backprop(m, traj, g.d_log_pf, nullptr, 0.0);
  const auto vargrad = m.store.grads;

  double mean = 0;  // f_b = log p_F - log p_B R = -log w_b
  for (int b = 0; b < B; ++b) mean += -traj.log_w[b] / B;
  std::vector<double> score(vargrad.size(), 0.0);
  for (int b = 0; b < B; ++b) {
    Eigen::MatrixXd one = Eigen::MatrixXd::Zero(B, traj.steps);
    one.row(b).setOnes();  // d (sum_k log p_F,b,k) / d log p_F
    m.store.zero_grad();
    dmt::backprop(m, traj, one, nullptr, 0.0);
    for (std::size_t i = 0; i < score.size(); ++i) score[i] += (-traj.log_w[b] - mean) * m.store.grads[i] / B;
  }
  double norm = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    norm = std::max(norm, std::abs(score[i]));
    ASSERT_NEAR(vargrad[i], 2.0 * score[i], 1e-10 * (1 + std::abs(score[i]))) << "parameter " << i;
  }
  EXPECT_GT(norm, 1e-3);  // not trivially zero
}

TEST(TimeGrid, RandomGridsAreOrderedAndKeyed) {
  dmt::time_grid_spec s{dmt::grid_kind::random, 50, {}};
  const auto a = dmt::make_time_grid(s, dmt::make_philox_key(1), 0);
  const auto b = dmt::make_time_grid(s, dmt::make_philox_key(1), 1);
  ASSERT_EQ(a.size(), 51u);
  EXPECT_EQ(a.front(), 0.0);
  EXPECT_EQ(a.back(), 1.0);
  for (int k = 1; k <= 50; ++k) {
    EXPECT_GT(a[k], a[k - 1]);
    EXPECT_LT(a[k] - a[k - 1], 2.0 / 50);
  }
  EXPECT_NE(a, b);
  EXPECT_EQ(a, dmt::make_time_grid(s, dmt::make_philox_key(1), 0));
}

TEST(TimeGrid, BadGridsAreRejectedWithOneLine) {
  auto msg = [](const dmt::time_grid_spec& s) {
    try {
      dmt::validate_time_grid(s);
    } catch (const dmt::input_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(msg({dmt::grid_kind::uniform, 0, {}}), "the number of time steps T must be positive (got 0)");
  EXPECT_EQ(msg({dmt::grid_kind::given, 0, {0.0, 0.5, 0.5, 1.0}}),
            "the time grid must increase strictly (point 2 is not above point 1)");
  EXPECT_EQ(msg({dmt::grid_kind::given, 0, {0.1, 1.0}}), "a given time grid must start at 0 and end at 1");
}

}  // namespace

// PIS: the pathwise gradient of -mean log w against central differences of the Monte-Carlo
// objective with common random numbers (the same seed re-simulates the same noise z, so the
// objective is a smooth function of the parameters), fixed and learned variance, double precision.
double pis_objective(dmt::diffusion_model<double>& m, const std::vector<double>& grid, std::uint64_t seed) {
  dmt::trajectory_batch<double> t;
  dmt::simulate_forward(m, grid, 6, {dmt::make_philox_key(seed), 0, 0}, wavy_reward(m.config.dim), false, t);
  double s = 0;
  for (double lw : t.log_w) s -= lw / 6.0;
  return s;
}

// Variants: fixed and learned variance; the Langevin parametrisation (its adjoint takes the
// reward's Hessian-vector products) with the default clips (inactive here) and with clips of 0.5
// (score) and 0.6 (drift) that are active for some states (counted: both must occur).
TEST(Losses, PisGradientMatchesCentralDifferencesWithCommonRandomNumbers) {
  const std::uint64_t seed = dmt_test::test_seed(13);
  for (int variant = 0; variant < 4; ++variant) {
    dmt::model_config c;
    c.dim = 2;
    c.sigma2 = 1.3;
    c.hidden = 5;
    c.harmonics = 3;
    c.layers = 1;
    c.learned_variance = variant == 1 || variant == 3;
    c.langevin = variant >= 2;
    c.lgv_layers = 1;
    if (variant == 3) {
      c.lgv_clip = 0.5;
      c.drift_clip = 0.6;
    }
    dmt::diffusion_model<double> m(c);
    m.initialise(seed);
    std::mt19937 gen(seed);
    std::normal_distribution<double> nd(0.0, 0.3);
    for (auto& v : m.store.values) v += nd(gen);
    if (c.langevin) m.store.values[m.store.find("langevin.joint.out.bias")->offset] = 1.0;
    const std::vector<double> grid = {0.0, 0.15, 0.4, 0.7, 1.0};
    dmt::trajectory_batch<double> traj;
    dmt::simulate_forward(m, grid, 6, {dmt::make_philox_key(seed), 0, 0}, wavy_reward(2), true, traj);
    if (variant == 3) {
      int score_clips = 0, drift_clips = 0;
      for (Eigen::Index i = 0; i < traj.score.size(); ++i) {
        score_clips += std::abs(traj.score.data()[i]) >= c.lgv_clip;
        drift_clips += std::abs(traj.drift.data()[i]) >= c.drift_clip;
      }
      std::printf("clipped: %d scores, %d drifts of %d\n", score_clips, drift_clips, int(traj.score.size()));
      EXPECT_GT(score_clips, 0);
      EXPECT_GT(drift_clips, 0);
    }
    m.store.zero_grad();
    const double value = dmt::pis_backprop(m, traj, wavy_reward(2));
    EXPECT_NEAR(value, pis_objective(m, grid, seed), 1e-12);
    const std::string what = "pis, learned variance " + std::to_string(int(c.learned_variance)) + ", Langevin " +
                             std::to_string(int(c.langevin)) + (variant == 3 ? " (clips active)" : "");
    const double worst = check_central_differences(m.store.values, m.store.grads,
                                                   [&] { return pis_objective(m, grid, seed); }, what);
    std::printf("%s: %zu parameters, worst relative error %.2e\n", what.c_str(), m.store.values.size(), worst);
  }
}

// pis with the Langevin parametrisation needs the target's Hessian-vector products: accepted on
// gmm25 (which has them), refused on banana (which has not); exploration is refused with pis.
TEST(Losses, PisWithTheLangevinParametrisationNeedsHessianVectorProducts) {
  dmt::train_settings s;
  s.model.dim = 2;
  s.model.langevin = true;
  s.losses = {dmt::loss_spec{dmt::loss_kind::pis, 1.0, 2.0}};
  const auto gmm = dmt::make_target("gmm25", {});
  EXPECT_NO_THROW(dmt::trainer(s, *gmm));
  const auto banana = dmt::make_target("banana", {});
  try {
    dmt::trainer tr(s, *banana);
    FAIL() << "no error";
  } catch (const dmt::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("Hessian-vector products of the energy, which target 'banana' does not"),
              std::string::npos) << e.what();
  }
  dmt::reward<double> no_hvp = wavy_reward(2);
  no_hvp.hvp = {};
  dmt::diffusion_model<double> m(s.model);
  m.initialise(1);
  dmt::trajectory_batch<double> traj;
  dmt::simulate_forward(m, {0.0, 0.5, 1.0}, 4, {dmt::make_philox_key(1), 0, 0}, no_hvp, true, traj);
  EXPECT_THROW(dmt::pis_backprop(m, traj, no_hvp), dmt::input_error);
  s.model.langevin = false;
  s.exploration = 0.5;
  EXPECT_THROW(dmt::trainer(s, *gmm), dmt::input_error);
}
