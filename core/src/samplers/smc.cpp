#include "dmt/samplers/smc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dmt/log_sum_exp.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/samplers/slice_step.hpp"
#include "dmt/simd.hpp"

namespace dmt {
namespace {

constexpr std::uint32_t kResamplePurpose = 0x5C0002u, kSlicePurpose = 0x5C0003u;

}  // namespace

namespace {

smc_settings smc_from_resolved(const params& p) {
  smc_settings s;
  s.move = p.string("move");
  if (s.move != "mala" && s.move != "ula" && s.move != "slice")
    throw input_error("smc: move must be mala, ula or slice (got '" + s.move + "')");
  if (s.move == "slice") {
    s.slice_width = p.number("slice_width");
    if (!(s.slice_width > 0) || !std::isfinite(s.slice_width)) throw input_error("smc: slice_width must be positive");
    const long m = p.integer("slice_max_steps");
    if (m < 1 || m > 1000000) throw input_error("smc: slice_max_steps must be between 1 and 1e6");
    s.slice_max_steps = static_cast<int>(m);
  }
  s.step_size = p.number("step_size");
  if (!(s.step_size > 0) || !std::isfinite(s.step_size)) throw input_error("smc: step_size must be positive");
  s.target_accept = p.number("target_accept");
  if (!(s.target_accept > 0 && s.target_accept < 1)) throw input_error("smc: target_accept must be in (0, 1)");
  s.adapt_step = p.boolean("adapt_step");
  s.moves = static_cast<int>(p.integer("moves"));
  if (s.moves < 0 || s.moves > 10000) throw input_error("smc: moves must be between 0 and 10000");
  s.resample_threshold = p.number("resample_threshold");
  if (!(s.resample_threshold > 0 && s.resample_threshold <= 1))
    throw input_error("smc: resample_threshold must be in (0, 1] (got " + std::to_string(s.resample_threshold) + ")");
  s.simd = p.boolean("simd");
  s.keep_gradients = p.boolean("keep_gradients");
  s.reference_scale = p.number("reference_scale");
  if (!(s.reference_scale > 0) || !std::isfinite(s.reference_scale))
    throw input_error("smc: reference_scale must be positive");
  s.betas = p.list("betas");
  s.schedule = p.string("schedule");
  if (s.schedule == "adaptive") {
    s.ess_target = p.number("ess_target");
    if (!(s.ess_target > 0 && s.ess_target < 1)) throw input_error("smc: ess_target must be in (0, 1)");
  } else if (s.schedule == "linear") {
    s.levels = p.integer("levels");
    if (s.levels < 1 || s.levels > 100000000) throw input_error("smc: levels must be between 1 and 1e8");
  } else if (s.schedule == "given") {
    if (s.betas.empty()) throw input_error("smc: schedule 'given' needs the list 'betas'");
    check_schedule(s.betas, "smc");
  } else {
    throw input_error("smc: schedule must be adaptive, linear or given (got '" + s.schedule + "')");
  }
  if (s.schedule != "given" && p.given("betas")) throw input_error("smc: betas are only for schedule 'given'");
  p.reject_unused("sampler smc");
  return s;
}

}  // namespace

smc_settings parse_smc(const params& p) { return smc_from_resolved(resolve_params(component_kind::sampler, "smc", p)); }

DMT_REGISTER_COMPONENTS(smc) {
  component_spec c;
  c.kind = component_kind::sampler;
  c.name = "smc";
  c.summary = "SMC / AIS from N(0, s^2 I) to the target: weights, resampling, log Z; a step is a temperature";
  c.parameters = {
      string_param("move", "mala", "MCMC move per temperature: mala, ula or slice (coordinatewise slice sampling)")
          .one_of({"mala", "ula", "slice"}),
      number_param("slice_width", 2.0,
                   "slice: interval width per coordinate, in weighted standard deviations of the particles"),
      integer_param("slice_max_steps", 20, "slice: stepping-out steps per coordinate at most"),
      number_param("step_size", 0.1, "initial step size (MALA: adapted toward target_accept between temperatures)"),
      number_param("target_accept", 0.574, "MALA acceptance aimed at"),
      boolean_param("adapt_step", true, "adapt the step size between temperatures"),
      // Defaults (issue 27, docs/defaults.md): 5 moves and ess_target 0.95 (5 times the evaluations of
      // 1 move, about 2.5 times the wall time); 1000 particles, 2000 steps, seed 1: manywell log Z
      // error -3.25 -> 0.13, banana -0.70 -> -0.35, funnel -0.86 -> -0.57.
      integer_param("moves", 5, "MCMC steps per temperature"),
      number_param("resample_threshold", 0.5, "systematic resampling when ESS < threshold x N, in (0, 1]"),
      list_param("betas", {}, "given: increasing temperatures in (0, 1], the last 1"),
      string_param("schedule", "adaptive", "adaptive (ESS bisection), linear or given (the list betas)")
          .one_of({"adaptive", "linear", "given"})
          .computed([](const params& p,
                       const run_context&) -> params::value { return p.list("betas").empty() ? "adaptive" : "given"; },
                    "adaptive (given when betas are set)"),
      number_param("ess_target", 0.95, "adaptive: conditional ESS kept at this fraction of N"),
      integer_param("levels", 100, "linear: number of temperatures"),
      number_param("reference_scale", 1.0, "standard deviation s of the Gaussian reference"),
      boolean_param("simd", true, "false: the moves run the scalar reference path"),
      boolean_param(
          "keep_gradients", true,
          "SIMD path: keep grad log R between levels (false: evaluate it again per level; faster for cheap targets)")};
  c.caps.weighted = true;
  c.caps.cuda = true;
  c.listing_order = 50;
  c.make_sampler = sampler_factory_of<smc_sampler>(smc_from_resolved);
  r.add(std::move(c));
}

smc_sampler::smc_sampler(const target& t, smc_settings settings, std::size_t particles, std::uint64_t seed,
                         const executor& exec)
    : smc_sampler(t, std::move(settings), particles, seed, deferred{}) {
  evaluate_base(exec);
}

smc_sampler::smc_sampler(const target& t, smc_settings settings, std::size_t particles, std::uint64_t seed,
                         deferred how)
    : target_(t),
      settings_(std::move(settings)),
      tempered_(t, settings_.reference_scale),
      n_(particles),
      d_(t.dim()),
      seed_(seed),
      h_(settings_.step_size) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  if (how.host_particles) {
    x_.resize(n_ * d_);
    const philox_key key = make_philox_key(seed);
    for (std::size_t i = 0; i < n_; ++i)
      smc_initial_particle(key, static_cast<std::uint32_t>(i), d_, settings_.reference_scale, x_.data() + i * d_);
    tiled_ = settings_.simd && settings_.move != "slice";
    if (tiled_) tiles_from_rows();
  }
  log_w_.assign(n_, -std::log(double(n_)));
  beta_history_.push_back(0.0);
}

void smc_sampler::set_particles(const std::vector<float>&, const executor&) {
  throw input_error("smc starts from its Gaussian reference; it takes no initial particles");
}

const std::vector<float>& smc_sampler::particles() const {
  if (tiled_ && rows_stale_) rows_from_tiles();
  return x_;
}

void smc_sampler::evaluate_base(const executor& exec) {
  if (tiled_) return tiled_evaluate_base(exec);
  log_r_.resize(n_);
  grad_.resize(n_ * d_);
  // with the gradient: the next level's moves start from it (no evaluation of their own)
  target_.evaluate(x_.data(), n_, log_r_.data(), grad_.data(), exec);
  evaluations_ += static_cast<long>(n_);
  log_ref_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) log_ref_[i] = tempered_.log_reference(x_.data() + i * d_);
}

double smc_sampler::acceptance_rate() const {
  if (settings_.move != "mala") return 1.0;
  return proposals_ > 0 ? accepted_ / proposals_ : std::numeric_limits<double>::quiet_NaN();
}

double smc_sampler::ess() const {
  if (ess_ >= 0) return ess_;
  double s2 = 0.0;
  for (double l : log_w_) s2 += std::exp(2.0 * l);
  return 1.0 / s2;
}

double smc_sampler::next_beta() const {
  if (settings_.schedule == "linear") return std::min(1.0, double(beta_history_.size()) / double(settings_.levels));
  if (settings_.schedule == "given") return settings_.betas[beta_history_.size() - 1];
  // adaptive: the largest step whose conditional ESS, (sum W w)^2 / sum W w^2, stays >= ess_target
  auto cess = [&](double delta) {
    double m = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n_; ++i) m = std::max(m, delta * (double(log_r_[i]) - log_ref_[i]));
    double s1 = 0.0, s2 = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double w = std::exp(delta * (double(log_r_[i]) - log_ref_[i]) - m);
      const double W = std::exp(log_w_[i]);
      s1 += W * w;
      s2 += W * w * w;
    }
    return s1 * s1 / s2;
  };
  return adaptive_beta(cess);
}

double smc_sampler::adaptive_beta(const std::function<double(double)>& cess) const {
  const double rest = 1.0 - beta_;
  if (cess(rest) >= settings_.ess_target) return 1.0;
  double lo = 0.0, hi = rest;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (cess(mid) >= settings_.ess_target ? lo : hi) = mid;
  }
  // at least a tiny step, so that the schedule always advances
  return std::min(1.0, beta_ + std::max(lo, 1e-12 * rest + 1e-15));
}

void smc_sampler::reweight(double b) {
  // log Z += log sum_i W_i exp(inc_i), inc_i = (b' - b)(log R - log pi_0);  log W_i <- log W_i + inc_i,
  // normalised. One exp per particle: with e_i = exp(a_i - max a), a_i = log W_i + inc_i, the sum
  // gives log Z's increment and, with sum e_i^2, the new ESS.
  const double delta = b - beta_;
  double m = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n_; ++i) {
    const double inc = delta * (double(log_r_[i]) - log_ref_[i]);
    log_w_[i] += std::isfinite(inc) ? inc : -std::numeric_limits<double>::infinity();
    m = std::max(m, log_w_[i]);
  }
  if (!std::isfinite(m)) {
    record_level(b, -std::numeric_limits<double>::infinity());  // throws: every weight is zero
    return;
  }
  // SIMD exp, lane-wise sums (a fixed order for a given build: deterministic, thread-independent)
  using B = xsimd::batch<double>;
  constexpr std::size_t L = B::size;
  B a1(0.0), a2(0.0);
  std::size_t i0 = 0;
  for (; i0 + L <= n_; i0 += L) {
    const B e = xsimd::exp(B::load_unaligned(log_w_.data() + i0) - B(m));
    a1 = a1 + e;
    a2 = a2 + e * e;
  }
  alignas(64) double l1[L], l2[L];
  a1.store_unaligned(l1);
  a2.store_unaligned(l2);
  double s1 = 0.0, s2 = 0.0;
  for (std::size_t l = 0; l < L; ++l) {
    s1 += l1[l];
    s2 += l2[l];
  }
  for (std::size_t i = i0; i < n_; ++i) {
    const double e = std::exp(log_w_[i] - m);
    s1 += e;
    s2 += e * e;
  }
  const double lse = m + std::log(s1);
  for (std::size_t i = 0; i < n_; ++i) log_w_[i] -= lse;
  ess_ = s1 * s1 / s2;
  record_level(b, lse);
}

void smc_sampler::record_level(double b, double lse) {
  if (!std::isfinite(lse)) throw input_error("smc: every particle has weight zero at b = " + std::to_string(b));
  log_z_ += lse;
  beta_ = b;
  tempered_.set_beta(b);
  beta_history_.push_back(b);
}

double smc_sampler::resample_offset() const {
  philox_stream rng(make_philox_key(seed_), static_cast<std::uint32_t>(step_), kResamplePurpose);
  return rng.uniform() / double(n_);
}

void smc_sampler::resample() {
  // systematic: one uniform keyed by (seed, level)
  const double u0 = resample_offset();
  std::vector<std::uint32_t>& ancestors = ancestors_;  // kept between resamplings (no page faults per level)
  std::vector<float>& lr = log_r_spare_;
  std::vector<double>& lref = log_ref_spare_;
  ancestors.resize(n_);
  lr.resize(n_);
  lref.resize(n_);
  double cum = 0.0;
  std::size_t i = 0;
  for (std::size_t k = 0; k < n_; ++k) {
    const double u = u0 + double(k) / double(n_);
    while (i + 1 < n_ && cum + std::exp(log_w_[i]) < u) cum += std::exp(log_w_[i++]);
    ancestors[k] = static_cast<std::uint32_t>(i);
    lr[k] = log_r_[i];
    lref[k] = log_ref_[i];
  }
  gather(ancestors);
  log_r_.swap(lr);
  log_ref_.swap(lref);
  log_w_.assign(n_, -std::log(double(n_)));
  ess_ = double(n_);
  ++resamplings_;
}

void smc_sampler::gather(const std::vector<std::uint32_t>& ancestors) {
  if (tiled_) return tiled_gather(ancestors);
  std::vector<float> x(n_ * d_);
  for (std::size_t k = 0; k < n_; ++k)
    std::copy(x_.begin() + ancestors[k] * d_, x_.begin() + (ancestors[k] + 1) * d_, x.begin() + k * d_);
  x_.swap(x);
  if (grad_.size() == x_.size()) {
    for (std::size_t k = 0; k < n_; ++k)
      std::copy(grad_.begin() + ancestors[k] * d_, grad_.begin() + (ancestors[k] + 1) * d_, x.begin() + k * d_);
    grad_.swap(x);
  }
}

double smc_sampler::langevin_moves(std::uint64_t seed, const executor& exec) {
  if (tiled_) return tiled_moves(seed, exec);
  sampler_settings s = parse_sampler(settings_.move, params());
  s.step_size = h_;
  s.adapt_steps = 0;
  s.trace_particles = 0;
  s.simd = settings_.simd;
  // the tempered log density and gradient at x_ from the base's (the arithmetic of tempered_target)
  const tempered_coefficients c = tempered_.coefficients();
  // (log_r_ and grad_ move into the inner sampler: evaluate_base refills them after the moves)
  std::vector<float> lr = std::move(log_r_), g = std::move(grad_);
  exec.parallel_for((n_ + 1023) / 1024, [&](std::size_t task) {
    for (std::size_t i = task * 1024; i < std::min(n_, (task + 1) * 1024); ++i)
      tempered_combine<float>(c, d_, x_.data() + i * d_, lr[i], g.data() + i * d_);
  });
  sampler inner(tempered_, s, std::move(x_), std::move(lr), std::move(g), seed);
  inner.run(settings_.moves, exec);
  x_ = inner.take_particles();
  return inner.acceptance_rate();
}

bool smc_sampler::particles_finite() const {
  if (tiled_) return tiled_finite();
  for (float v : x_)
    if (!std::isfinite(v)) return false;
  return true;
}

void smc_sampler::slice_moves(std::uint64_t seed, const executor& exec) {
  // widths: slice_width x the weighted standard deviation of each coordinate (at least 1e-6)
  std::vector<double> mean(d_, 0.0), var(d_, 0.0), width(d_);
  for (std::size_t i = 0; i < n_; ++i) {
    const double w = std::exp(log_w_[i]);
    for (int j = 0; j < d_; ++j) mean[j] += w * x_[i * d_ + j];
  }
  for (std::size_t i = 0; i < n_; ++i) {
    const double w = std::exp(log_w_[i]);
    for (int j = 0; j < d_; ++j) var[j] += w * (x_[i * d_ + j] - mean[j]) * (x_[i * d_ + j] - mean[j]);
  }
  for (int j = 0; j < d_; ++j) width[j] = settings_.slice_width * std::max(std::sqrt(var[j]), 1e-6);
  const philox_key key = make_philox_key(seed);
  constexpr std::size_t kChunk = 64;
  const std::size_t chunks = (n_ + kChunk - 1) / kChunk;
  std::vector<long> evals(chunks, 0);
  exec.parallel_for(chunks, [&](std::size_t c) {
    std::vector<float> g(d_);
    const auto f = [&](const float* at) {
      float lr;
      tempered_.evaluate_tile(at, &lr, g.data());
      return double(lr);
    };
    for (std::size_t i = c * kChunk; i < std::min(n_, (c + 1) * kChunk); ++i) {
      float* xi = x_.data() + i * d_;
      double fx = f(xi);
      ++evals[c];
      for (int m = 0; m < settings_.moves; ++m) {
        philox_stream rng(key, static_cast<std::uint32_t>(i), kSlicePurpose, static_cast<std::uint32_t>(m));
        evals[c] += slice_sweep(f, d_, xi, fx, width.data(), settings_.slice_max_steps, rng);
      }
    }
  });
  for (long e : evals) evaluations_ += e;
}

void smc_sampler::move(const executor& exec) {
  if (settings_.moves == 0) return;
  if (settings_.move == "slice") {
    slice_moves(seed_ * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(step_) + 1, exec);
    evaluate_base(exec);
    return;
  }
  // a fresh Langevin sampler per level from the current particles, its noise keyed by (seed, level)
  const double acc = langevin_moves(seed_ * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(step_) + 1, exec);
  evaluations_ += static_cast<long>(n_) * settings_.moves;
  if (settings_.move == "mala") {
    accepted_ += acc * double(n_) * settings_.moves;
    proposals_ += double(n_) * settings_.moves;
    if (settings_.adapt_step && std::isfinite(acc))
      h_ *= std::exp(std::clamp(2.0 * (acc - settings_.target_accept), -0.7, 0.7));
  }
  if (!tiled_)
    evaluate_base(exec);  // the tiled moves keep log R, its gradient and log pi_0
  else if (!settings_.keep_gradients)
    evaluations_ += static_cast<long>(n_);  // their evaluation at the start
}

void smc_sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  for (long k = 0; k < steps; ++k) {
    if (beta_ < 1.0) {
      reweight(next_beta());
      const double e = ess();
      ess_history_.push_back(e);
      if (e < settings_.resample_threshold * double(n_)) resample();
    } else {
      ess_history_.push_back(ess());
    }
    move(exec);
    ++step_;
    if (!particles_finite())
      throw input_error("smc: non-finite particle at step " + std::to_string(step_) + " (step size too large?)");
    if (progress) progress(k + 1);
  }
}

}  // namespace dmt
