// Host side of langevin_sampler (langevin_sampler.hpp); the kernel is langevin_sweep.cuh's.
#include <algorithm>
#include <cmath>

#include "dmt/cuda/device_target.cuh"
#include "dmt/cuda/evaluate_kernel.cuh"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/cuda/langevin_sweep.cuh"
#include "dmt/cuda/smc_sampler.hpp"

namespace dmt::cuda {
namespace {


}  // namespace

struct langevin_sampler::device_state {
  explicit device_state(const target& t) : target(t) {}
  device_target target;
  device_buffer<float> x, v, grad, log_r, scratch, trace;
  device_buffer<unsigned long long> counters;  // accepted, first_bad
  skrock_coefficients skrock{};
  int method = ula;
};

langevin_sampler::langevin_sampler(const target& t, sampler_settings settings, std::size_t particles,
                                   std::uint64_t seed)
    : settings_(std::move(settings)), n_(particles), d_(t.dim()), seed_(seed), h_(settings_.step_size) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  dev_ = std::make_unique<device_state>(t);
  const std::string& kind = settings_.kind;
  dev_->method = kind == "ula" ? ula : kind == "mala" ? mala : kind == "underdamped" ? underdamped : skrock;
  if (dev_->method == skrock) dev_->skrock = make_skrock_coefficients(settings_.stages, settings_.damping);
  trace_m_ = std::min<std::size_t>(n_, static_cast<std::size_t>(settings_.trace_particles));
  if (dev_->method == underdamped) dev_->v.upload(initial_velocities(n_, d_, seed));
  if (d_ > 64) dev_->scratch.resize(3 * n_ * static_cast<std::size_t>(d_));
  dev_->counters.resize(2);
  set_particles(initial_particles(t, settings_, n_, seed));
}

langevin_sampler::~langevin_sampler() = default;

void langevin_sampler::set_particles(const std::vector<float>& x, const executor&) {
  if (x.size() != n_ * static_cast<std::size_t>(d_))
    throw input_error("expected " + std::to_string(n_) + " x " + std::to_string(d_) + " particles, got " +
                      std::to_string(x.size()) + " numbers");
  dev_->x.upload(x);
  dev_->grad.resize(x.size());
  dev_->log_r.resize(n_);
  dev_->target.visit(
      [&](const auto& k) { launch_evaluate(k, dev_->x.data(), n_, d_, dev_->log_r.data(), dev_->grad.data()); });
  x_stale_ = log_r_stale_ = true;
}

void langevin_sampler::phase(long steps, bool adapting) {
  device_state& s = *dev_;
  const bool tracing = !adapting && trace_m_ > 0;
  if (tracing) s.trace.resize(static_cast<std::size_t>(steps) * trace_m_);
  const unsigned long long init[2] = {0ull, ~0ull};
  DMT_CUDA_CHECK(cudaMemcpy(s.counters.data(), init, sizeof init, cudaMemcpyHostToDevice));
  sweep_args a{s.x.data(),    s.v.data(),   s.grad.data(), s.log_r.data(), s.scratch.data(),
               n_,            d_,           static_cast<float>(h_),        static_cast<float>(settings_.friction),
               make_philox_key(seed_),      step_,         steps,          s.trace.data(),
               trace_m_,      tracing ? 1 : 0,             s.counters.data(), s.counters.data() + 1};
  s.target.visit([&](const auto& k) {
    switch (s.method) {
      case ula: return launch_sweep<ula>(k, a, s.skrock);
      case mala: return launch_sweep<mala>(k, a, s.skrock);
      case underdamped: return launch_sweep<underdamped>(k, a, s.skrock);
      default: return launch_sweep<skrock>(k, a, s.skrock);
    }
  });
  unsigned long long counters[2];
  DMT_CUDA_CHECK(cudaMemcpy(counters, s.counters.data(), sizeof counters, cudaMemcpyDeviceToHost));
  x_stale_ = log_r_stale_ = true;
  if (counters[1] != ~0ull)
    throw nonfinite_error(static_cast<long>(counters[1] >> 32), static_cast<long>(counters[1] & 0xFFFFFFFFull));
  if (tracing) {
    const std::vector<float> rows = s.trace.download();
    trace_.insert(trace_.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(steps * trace_m_));
  }
  step_ += steps;
  if (s.method != mala) return;
  const double total = static_cast<double>(counters[0]);
  if (adapting) {
    h_ = adapt_step_size(h_, total / (static_cast<double>(n_) * steps), settings_.target_accept);
  } else {
    accepted_ += total;
    proposals_ += static_cast<double>(n_) * steps;
  }
}

void langevin_sampler::run(long steps, const executor&, const std::function<void(long)>& progress) {
  if (steps < 0) throw input_error("step count must be non-negative");
  long done = 0;
  while (done < steps && dev_->method == mala && step_ < settings_.adapt_steps) {
    phase(1, true);
    ++done;
    if (progress && done % 16 == 0) progress(done);
  }
  // About 50 sweeps per call leave room for progress reports (none shorter than 32 steps).
  const long per_sweep = std::max<long>(1, std::min<long>(steps - done, std::max<long>(32, (steps + 49) / 50)));
  while (done < steps) {
    const long k = std::min(per_sweep, steps - done);
    phase(k, false);
    done += k;
    if (progress) progress(done);
  }
}

const std::vector<float>& langevin_sampler::particles() const {
  if (x_stale_) {
    x_ = dev_->x.download();
    x_stale_ = false;
  }
  return x_;
}

const std::vector<float>& langevin_sampler::log_densities() const {
  if (log_r_stale_) {
    log_r_ = dev_->log_r.download();
    log_r_stale_ = false;
  }
  return log_r_;
}

double langevin_sampler::acceptance_rate() const {
  if (dev_->method != mala) return 1.0;
  return proposals_ > 0 ? accepted_ / proposals_ : std::nan("");
}

void langevin_sampler::synchronize() const { DMT_CUDA_CHECK(cudaDeviceSynchronize()); }

std::unique_ptr<particle_sampler> make_particle_sampler(const std::string& name, const params& p, const target& t,
                                                        std::size_t particles, std::uint64_t seed) {
  const component_spec& spec = registry::global().get(component_kind::sampler, name);
  require_cuda(spec);
  if (name == "smc") return std::make_unique<smc_sampler>(t, parse_smc(p), particles, seed);
  return std::make_unique<langevin_sampler>(t, parse_sampler(name, p), particles, seed);
}

}  // namespace dmt::cuda
