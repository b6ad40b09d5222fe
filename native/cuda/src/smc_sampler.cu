// Device side of the CUDA SMC (smc_sampler.hpp).
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "dmt/cuda/device_target.cuh"
#include "dmt/cuda/evaluate_kernel.cuh"
#include "dmt/cuda/langevin_sweep.cuh"
#include "dmt/cuda/smc_sampler.hpp"
#include "dmt/cuda/weight_kernels.cuh"
#include "dmt/samplers/sampler.hpp"

namespace dmt::cuda {
namespace {

// log R at each particle (its gradient into scratch) and log N(x; 0, s^2 I) in double, as
// tempered_target::log_reference computes it.
template <class K>
__global__ void base_kernel(K k, const float* x, std::size_t n, int dim, float* grad_scratch, double log_norm,
                            double s2, float* log_r, double* log_ref) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const float* xi = x + i * dim;
  log_r[i] = k.log_density_and_grad(xi, grad_scratch + i * dim);
  double q = 0.0;
  for (int j = 0; j < dim; ++j) q += double(xi[j]) * xi[j];
  log_ref[i] = log_norm - 0.5 * q / s2;
}

__global__ void gather_kernel(const float* x, const std::uint32_t* ancestors, std::size_t n, int dim, float* out) {
  const std::size_t e = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (e >= n * dim) return;
  const std::size_t k = e / dim, j = e % dim;
  out[e] = x[static_cast<std::size_t>(ancestors[k]) * dim + j];
}

template <class T>
__global__ void gather_values_kernel(const T* v, const std::uint32_t* ancestors, std::size_t n, T* out) {
  const std::size_t k = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (k < n) out[k] = v[ancestors[k]];
}

__global__ void fill_kernel(double* p, std::size_t n, double v) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) p[i] = v;
}

__global__ void initial_kernel(philox_key key, std::size_t n, int dim, double scale, float* x) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) smc_initial_particle(key, static_cast<std::uint32_t>(i), dim, scale, x + i * dim);
}

__global__ void finite_kernel(const float* x, std::size_t count, int* bad) {
  const std::size_t e = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (e < count && !isfinite(x[e])) *bad = 1;
}

}  // namespace

struct smc_sampler::device_state {
  device_state(const target& t, std::size_t n) : target(t), weights(n) {}
  device_target target;
  weight_kernels weights;
  device_buffer<float> x, spare, grad, log_r, log_r_spare, scratch;
  device_buffer<double> log_ref, log_ref_spare, log_w;
  device_buffer<std::uint32_t> ancestors;
  device_buffer<unsigned long long> counters;
  device_buffer<int> flag;
};

smc_sampler::smc_sampler(const target& t, smc_settings settings, std::size_t particles, std::uint64_t seed)
    : dmt::smc_sampler(t, std::move(settings), particles, seed, deferred{false}) {
  if (settings_.move == "slice") throw input_error("smc: move slice runs on the CPU only (--device cpu)");
  dev_ = std::make_unique<device_state>(t, n_);
  dev_->x.resize(n_ * static_cast<std::size_t>(d_));
  initial_kernel<<<blocks_for(n_, 128), 128>>>(make_philox_key(seed), n_, d_, settings_.reference_scale, dev_->x.data());
  DMT_CUDA_LAUNCH_CHECK();
  dev_->log_w.resize(n_);
  fill_kernel<<<blocks_for(n_, 256), 256>>>(dev_->log_w.data(), n_, -std::log(double(n_)));
  DMT_CUDA_LAUNCH_CHECK();
  dev_->grad.resize(dev_->x.size());
  dev_->log_r.resize(n_);
  dev_->log_ref.resize(n_);
  dev_->counters.resize(2);
  dev_->flag.resize(1);
  if (d_ > 64) dev_->scratch.resize(3 * n_ * static_cast<std::size_t>(d_));
  evaluate_base(serial_executor());
}

smc_sampler::~smc_sampler() = default;

void smc_sampler::evaluate_base(const executor&) {
  device_state& s = *dev_;
  const double log_norm = -0.5 * d_ * std::log(2.0 * M_PI * tempered_.reference_variance());
  s.target.visit([&](const auto& k) {
    constexpr unsigned block = 128;
    base_kernel<<<blocks_for(n_, block), block>>>(k, s.x.data(), n_, d_, s.grad.data(), log_norm,
                                                  tempered_.reference_variance(), s.log_r.data(), s.log_ref.data());
    DMT_CUDA_LAUNCH_CHECK();
  });
  log_r_stale_ = true;
  evaluations_ += static_cast<long>(n_);
}

double smc_sampler::next_beta() const {
  if (settings_.schedule != "adaptive") return dmt::smc_sampler::next_beta();
  // smc.cpp's bisection, each conditional ESS reduced on the device
  device_state& s = *dev_;
  const double max_v = s.weights.max_log_ratio(s.log_r.data(), s.log_ref.data());
  auto cess = [&](double delta) {
    return s.weights.conditional_ess(s.log_r.data(), s.log_ref.data(), s.log_w.data(), delta, max_v);
  };
  return adaptive_beta(cess);
}

void smc_sampler::reweight(double b) {
  device_state& s = *dev_;
  const double lse = s.weights.reweight(s.log_r.data(), s.log_ref.data(), b - beta_, s.log_w.data());
  log_w_stale_ = true;
  record_level(b, lse);
}

double smc_sampler::ess() const { return dev_->weights.ess(dev_->log_w.data()); }

void smc_sampler::resample() {
  device_state& s = *dev_;
  s.ancestors.resize(n_);
  s.weights.systematic_ancestors(s.log_w.data(), resample_offset(), s.ancestors.data());
  s.spare.resize(s.x.size());
  gather_kernel<<<blocks_for(s.x.size(), 256), 256>>>(s.x.data(), s.ancestors.data(), n_, d_, s.spare.data());
  DMT_CUDA_LAUNCH_CHECK();
  std::swap(s.x, s.spare);
  s.log_r_spare.resize(n_);
  s.log_ref_spare.resize(n_);
  gather_values_kernel<<<blocks_for(n_, 256), 256>>>(s.log_r.data(), s.ancestors.data(), n_, s.log_r_spare.data());
  DMT_CUDA_LAUNCH_CHECK();
  gather_values_kernel<<<blocks_for(n_, 256), 256>>>(s.log_ref.data(), s.ancestors.data(), n_, s.log_ref_spare.data());
  DMT_CUDA_LAUNCH_CHECK();
  std::swap(s.log_r, s.log_r_spare);
  std::swap(s.log_ref, s.log_ref_spare);
  fill_kernel<<<blocks_for(n_, 256), 256>>>(s.log_w.data(), n_, -std::log(double(n_)));
  DMT_CUDA_LAUNCH_CHECK();
  stale_ = log_r_stale_ = log_w_stale_ = true;
  ++resamplings_;
}

const std::vector<float>& smc_sampler::log_densities() const {
  if (log_r_stale_) {
    host_log_r_ = dev_->log_r.download();
    log_r_stale_ = false;
  }
  return host_log_r_;
}

const std::vector<double>* smc_sampler::log_weights() const {
  if (log_w_stale_) {
    host_log_w_ = dev_->log_w.download();
    log_w_stale_ = false;
  }
  return &host_log_w_;
}

void smc_sampler::gather(const std::vector<std::uint32_t>& ancestors) {
  device_state& s = *dev_;
  s.ancestors.upload(ancestors);
  s.spare.resize(s.x.size());
  gather_kernel<<<blocks_for(s.x.size(), 256), 256>>>(s.x.data(), s.ancestors.data(), n_, d_, s.spare.data());
  DMT_CUDA_LAUNCH_CHECK();
  std::swap(s.x, s.spare);
  stale_ = true;
}

double smc_sampler::langevin_moves(std::uint64_t seed, const executor&) {
  device_state& s = *dev_;
  const tempered_coefficients c = tempered_.coefficients();
  const int m = settings_.move == "mala" ? mala : ula;
  const unsigned long long init[2] = {0ull, ~0ull};
  DMT_CUDA_CHECK(cudaMemcpy(s.counters.data(), init, sizeof init, cudaMemcpyHostToDevice));
  s.target.visit([&](const auto& k) {
    const tempered_kernel<std::decay_t<decltype(k)>> tk{k, c, d_};
    // a fresh chain per level: evaluate, then steps 0 .. moves-1 (the CPU forms the same log pi_b and
    // gradient from evaluate_base's log R and gradient, tempered_combine, without this evaluation)
    launch_evaluate(tk, s.x.data(), n_, d_, s.log_r.data(), s.grad.data());
    sweep_args a{s.x.data(), nullptr, s.grad.data(), s.log_r.data(), s.scratch.data(), n_, d_, static_cast<float>(h_),
                 1.0f, make_philox_key(seed), 0, settings_.moves, nullptr, 0, 0, s.counters.data(),
                 s.counters.data() + 1};
    if (m == mala)
      launch_sweep<mala>(tk, a, skrock_coefficients{});
    else
      launch_sweep<ula>(tk, a, skrock_coefficients{});
  });
  unsigned long long counters[2];
  DMT_CUDA_CHECK(cudaMemcpy(counters, s.counters.data(), sizeof counters, cudaMemcpyDeviceToHost));
  stale_ = true;
  // as the CPU's inner sampler: the first non-finite (step, particle) of the level's chain
  if (counters[1] != ~0ull)
    throw nonfinite_error(static_cast<long>(counters[1] >> 32), static_cast<long>(counters[1] & 0xFFFFFFFFull));
  if (m != mala) return 1.0;
  return static_cast<double>(counters[0]) / (static_cast<double>(n_) * settings_.moves);
}

bool smc_sampler::particles_finite() const {
  device_state& s = *dev_;
  s.flag.zero();
  finite_kernel<<<blocks_for(s.x.size(), 256), 256>>>(s.x.data(), s.x.size(), s.flag.data());
  DMT_CUDA_LAUNCH_CHECK();
  int bad = 0;
  DMT_CUDA_CHECK(cudaMemcpy(&bad, s.flag.data(), sizeof bad, cudaMemcpyDeviceToHost));
  return bad == 0;
}

const std::vector<float>& smc_sampler::particles() const {
  if (stale_) {
    host_x_ = dev_->x.download();
    stale_ = false;
  }
  return host_x_;
}

}  // namespace dmt::cuda
