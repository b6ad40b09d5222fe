// Networks: the SIMD GEMM against a double-precision product, the network's backward pass against
// central differences (double), and Adam / AdamW / clipping against steps computed by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "dmt/nn/activation_hd.hpp"
#include "dmt/nn/adam.hpp"
#include "dmt/nn/diffusion_network.hpp"
#include "dmt/nn/gemm.hpp"

namespace {

TEST(Gemm, SimdKernelMatchesDoubleProduct) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int m : {1, 3, 8, 17, 64, 70})
    for (int n : {1, 5, 33})
      for (int k : {1, 2, 64, 100}) {
        const int lda = m + 2, ldb = k + 1, ldc = m + 3;
        std::vector<float> a(lda * k), b(ldb * n), c(ldc * n), c0(ldc * n);
        for (auto& v : a) v = u(gen);
        for (auto& v : b) v = u(gen);
        for (auto& v : c0) v = u(gen);
        for (bool acc : {false, true}) {
          c = c0;
          dmt::gemm(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc, acc, dmt::gemm_kernel::simd);
          for (int j = 0; j < n; ++j)
            for (int i = 0; i < m; ++i) {
              double s = acc ? c0[i + j * ldc] : 0.0;
              for (int p = 0; p < k; ++p) s += double(a[i + p * lda]) * double(b[p + j * ldb]);
              // float accumulation of k products of size <= 1: error below k * 2^-24 * k
              ASSERT_NEAR(c[i + j * ldc], s, 1e-6 * (k + 1) * (k + 1)) << m << "x" << n << "x" << k;
            }
        }
      }
}

TEST(Gemm, TransposedFormsAgreeAcrossKernels) {
  std::mt19937 gen(8);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const int m = 19, n = 23, k = 37;
  std::vector<float> a(k * m), b(k * n), bt(n * k), c1(m * n), c2(m * n);
  for (auto& v : a) v = u(gen);
  for (auto& v : b) v = u(gen);
  for (auto& v : bt) v = u(gen);
  const auto saved = dmt::default_gemm_kernel();
  for (int form = 0; form < 2; ++form) {
    for (auto kernel : {dmt::gemm_kernel::eigen, dmt::gemm_kernel::simd}) {
      dmt::set_default_gemm_kernel(kernel);
      auto& c = kernel == dmt::gemm_kernel::eigen ? c1 : c2;
      if (form == 0)
        dmt::gemm_tn(m, n, k, a.data(), k, b.data(), k, c.data(), m, false);
      else
        dmt::gemm_nt(m, n, k, a.data(), m, bt.data(), n, c.data(), m, false);
    }
    for (int i = 0; i < m * n; ++i) ASSERT_NEAR(c1[i], c2[i], 1e-5);
    // against the definition
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        double s = 0;
        for (int p = 0; p < k; ++p)
          s += form == 0 ? double(a[p + i * k]) * b[p + j * k] : double(a[i + p * m]) * bt[j + p * n];
        ASSERT_NEAR(c2[i + j * m], s, 1e-5);
      }
  }
  dmt::set_default_gemm_kernel(saved);
}

// The float activations (GELU through Abramowitz-Stegun erf and a Cephes exp) and the scalar
// device versions (activation_hd.hpp, the C library's erf / exp / tanh) against the exact double
// formulas: GELU(h) = h Phi(h), GELU'(h) = Phi(h) + h phi(h), SiLU, tanh.
TEST(Activation, FloatPathsMatchExactFormulas) {
  std::vector<float> h;
  for (int i = -4000; i <= 4000; ++i) h.push_back(i * 0.005f);  // [-20, 20]
  h.push_back(-100.0f);
  h.push_back(100.0f);
  std::vector<float> f(h.size()), d(h.size());
  for (auto act : {dmt::activation::gelu, dmt::activation::silu, dmt::activation::tanh}) {
    dmt::activate_with_slope(act, h.data(), f.data(), d.data(), h.size());
    double worst_f = 0, worst_d = 0, worst_hd = 0;
    for (std::size_t i = 0; i < h.size(); ++i) {
      const double x = h[i];
      float hf, hs;
      dmt::activation_and_slope(act, h[i], hf, hs);
      double ef, ed;
      if (act == dmt::activation::gelu) {
        const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0)), pdf = std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
        ef = x * cdf;
        ed = cdf + x * pdf;
      } else if (act == dmt::activation::silu) {
        const double s = 1 / (1 + std::exp(-x));
        ef = x * s;
        ed = s * (1 + x * (1 - s));
      } else {
        ef = std::tanh(x);
        ed = 1 - ef * ef;
      }
      worst_f = std::max(worst_f, std::abs(f[i] - ef) / (1 + std::abs(ef)));
      worst_d = std::max(worst_d, std::abs(d[i] - ed) / (1 + std::abs(ed)));
      worst_hd = std::max({worst_hd, std::abs(hf - ef) / (1 + std::abs(ef)), std::abs(hs - ed) / (1 + std::abs(ed))});
    }
    std::printf("%s: worst relative error %.2e (value), %.2e (slope), %.2e (scalar device version)\n",
                dmt::activation_name(act), worst_f, worst_d, worst_hd);
    EXPECT_LT(worst_hd, 1e-6);
    // float rounding is 6e-8 per operation; A-S 7.1.26 adds up to 1.5e-7 absolute in erf
    EXPECT_LT(worst_f, 1e-6);
    EXPECT_LT(worst_d, 1e-6);
  }
}

// The network on n columns, the first half at t = 0.25, the rest at t = 0.8.
void run_network(const dmt::diffusion_network<double>& net, const dmt::parameter_store<double>& store,
                 const std::vector<double>& x, int n, dmt::diffusion_network<double>::cache& cache) {
  net.resize(cache, n);
  const double times[2] = {0.25, 0.8};
  net.forward_time(store, times, 2, cache.time);
  std::copy(x.begin(), x.end(), cache.x.data());
  net.forward(store, cache, 0, n / 2, 0);
  net.forward(store, cache, n / 2, n - n / 2, 1);
}

// L(theta, x) = sum_ij c_ij out_ij.
double network_objective(const dmt::diffusion_network<double>& net, const dmt::parameter_store<double>& store,
                         const std::vector<double>& x, const std::vector<double>& c, int n) {
  dmt::diffusion_network<double>::cache cache;
  run_network(net, store, x, n, cache);
  double s = 0;
  for (int i = 0; i < cache.out.size(); ++i) s += c[i] * cache.out.data()[i];
  return s;
}

TEST(Network, BackwardMatchesCentralDifferences) {
  for (auto act : {dmt::activation::gelu, dmt::activation::silu, dmt::activation::tanh}) {
    dmt::network_shape shape;
    shape.in = 3;
    shape.out = 4;
    shape.hidden = 6;
    shape.harmonics = 3;
    shape.layers = 2;
    shape.act = act;
    dmt::parameter_store<double> store;
    dmt::diffusion_network<double> net(shape, store, "p.", "policy");
    net.initialise(store, 11, 1);
    std::mt19937 gen(3);
    std::normal_distribution<double> nd(0.0, 0.5);
    for (auto& v : store.values) v += nd(gen);  // the output layer too (zero at initialisation)
    const int n = 5;
    std::vector<double> x(shape.in * n), c(shape.out * n);
    for (auto& v : x) v = nd(gen);
    for (auto& v : c) v = nd(gen);

    dmt::diffusion_network<double>::cache cache;
    run_network(net, store, x, n, cache);
    store.zero_grad();
    std::vector<double> dx(shape.in * n);
    net.backward(store, cache, n, c.data(), dx.data());

    const double h = 1e-6;
    for (std::size_t i = 0; i < store.values.size(); ++i) {
      auto sp = store, sm = store;
      sp.values[i] += h;
      sm.values[i] -= h;
      const double fd = (network_objective(net, sp, x, c, n) - network_objective(net, sm, x, c, n)) / (2 * h);
      ASSERT_NEAR(store.grads[i], fd, 1e-6 * (1 + std::abs(fd))) << dmt::activation_name(act) << " parameter " << i;
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
      auto xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      const double fd = (network_objective(net, store, xp, c, n) - network_objective(net, store, xm, c, n)) / (2 * h);
      ASSERT_NEAR(dx[i], fd, 1e-6 * (1 + std::abs(fd))) << dmt::activation_name(act) << " input " << i;
    }
  }
}

TEST(Network, ZeroInitialisedOutputAndPyTorchBounds) {
  dmt::network_shape shape;  // defaults: hidden 64, harmonics 64
  dmt::parameter_store<float> store;
  dmt::diffusion_network<float> net(shape, store, "p.", "policy");
  net.initialise(store, 1, 1);
  for (const auto& t : store.tensors) {
    if (t.name.find("joint.out") != std::string::npos) {
      for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) ASSERT_EQ(store.values[i], 0.0f) << t.name;
    } else if (t.name.find("phase") == std::string::npos) {
      const int fan_in = t.name.find("t_model.0") != std::string::npos ? 128 : t.name.find("s_model") != std::string::npos ? 2 : 64;
      for (std::size_t i = t.offset; i < t.offset + t.size(); ++i)
        ASSERT_LE(std::abs(store.values[i]), 1.0 / std::sqrt(double(fan_in))) << t.name;
    }
  }
}

// Adam steps by hand (PyTorch's formulas): one parameter p = 1 with gradient g = 0.5, lr = 0.1.
// step 1: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25, p = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
// step 2 (g = -0.25): m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
//         m^ = 0.02 / 0.19, v^ = 0.00031225 / 0.001999, p -= 0.1 m^ / (sqrt(v^) + 1e-8)
TEST(Adam, StepsComputedByHand) {
  dmt::parameter_store<double> store;
  store.add("w", 1, 1, "policy");
  store.add("log_z", 1, 1, "log_z");
  store.values = {1.0, 2.0};
  dmt::adam_settings s;
  s.lr = 0.1;
  s.group_lr["log_z"] = 0.01;
  dmt::adam<double> opt;
  store.grads = {0.5, 0.5};
  opt.step(store, s);
  EXPECT_NEAR(store.values[0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15);
  EXPECT_NEAR(store.values[1], 2.0 - 0.01 * 0.5 / (0.5 + 1e-8), 1e-15);
  store.grads = {-0.25, 0.0};
  opt.step(store, s);
  const double mhat = 0.02 / 0.19, vhat = 0.00031225 / (1 - 0.999 * 0.999);
  EXPECT_NEAR(store.values[0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-8) - 0.1 * mhat / (std::sqrt(vhat) + 1e-8), 1e-12);
  EXPECT_EQ(opt.steps, 2);
}

// AdamW decays the weight before the step: p = (1 - lr wd) p - lr m^/(sqrt(v^) + eps); Adam adds wd p
// to the gradient instead. Clipping rescales the gradient by clip / (norm + 1e-6).
TEST(Adam, WeightDecayAndClipping) {
  dmt::parameter_store<double> store;
  store.add("w", 2, 1, "policy");
  dmt::adam_settings s;
  s.lr = 0.1;
  s.weight_decay = 0.5;
  s.decoupled = true;
  {
    dmt::adam<double> opt;
    store.values = {1.0, -2.0};
    store.grads = {0.3, 0.0};
    opt.step(store, s);
    EXPECT_NEAR(store.values[0], 1.0 * (1 - 0.05) - 0.1 * 0.3 / (0.3 + 1e-8), 1e-14);
    EXPECT_NEAR(store.values[1], -2.0 * (1 - 0.05), 1e-14);
  }
  {
    s.decoupled = false;  // g = 0 + 0.5 * -2 = -1 -> the step is +lr
    dmt::adam<double> opt;
    store.values = {1.0, -2.0};
    store.grads = {0.3, 0.0};
    opt.step(store, s);
    EXPECT_NEAR(store.values[1], -2.0 + 0.1 * 1.0 / (1.0 + 1e-8), 1e-14);
  }
  {
    s.weight_decay = 0.0;
    s.clip_norm = 1.0;
    dmt::adam<double> opt;
    store.values = {0.0, 0.0};
    store.grads = {3.0, 4.0};
    const double norm = opt.step(store, s);
    EXPECT_DOUBLE_EQ(norm, 5.0);
    const double scale = 1.0 / (5.0 + 1e-6);
    EXPECT_NEAR(opt.m[0], 0.1 * 3.0 * scale, 1e-15);
    EXPECT_NEAR(opt.v[1], 0.001 * 16.0 * scale * scale, 1e-15);
  }
}

}  // namespace
