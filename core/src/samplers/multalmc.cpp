#include "dmt/samplers/multalmc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/sampler.hpp"

namespace dmt {
namespace {

constexpr std::uint32_t kInitPurpose = 0x3A0001u, kSlowPurpose = 0x3A0002u, kVelocityPurpose = 0x3A0004u;
constexpr std::size_t kParticlesPerTask = 32;

}  // namespace

namespace {

multalmc_settings multalmc_from_resolved(const params& p) {
  multalmc_settings s;
  // the path's parameters are DALMC's (the exact / Monte-Carlo scores unused)
  params path;
  for (const char* k : {"schedule", "levels", "steps_per_level", "lambda_min", "step_size", "noise", "df"})
    if (p.given(k)) {
      path.set(k, p.values().at(k));
      if (std::string(k) == "schedule" || std::string(k) == "noise")
        p.string(k, "");
      else
        p.number(k, 0.0);  // marks the key used (and rejects a non-number)
    }
  try {
    s.path = parse_dalmc(path);
  } catch (const input_error& e) {
    std::string m = e.what();
    if (m.rfind("dalmc: ", 0) == 0) m = "multalmc: " + m.substr(7);
    throw input_error(m);
  }
  s.fast = parse_posterior_chains(p, "multalmc");
  s.fast.student = s.path.noise == "student_t";
  s.fast.df = s.path.df;
  s.slow = p.string("slow");
  if (s.slow != "overdamped" && s.slow != "underdamped")
    throw input_error("multalmc: slow must be overdamped or underdamped (got '" + s.slow + "')");
  s.friction = p.number("friction");
  if (!(s.friction > 0) || !std::isfinite(s.friction)) throw input_error("multalmc: friction must be positive");
  if (s.path.noise == "student_t" && s.fast.integrator != "skrock")
    throw input_error(
        "multalmc: noise student_t needs fast=skrock (exponential Euler is exact only for Gaussian noise)");
  p.reject_unused("sampler multalmc");
  return s;
}

}  // namespace

multalmc_settings parse_multalmc(const params& p) {
  return multalmc_from_resolved(resolve_params(component_kind::sampler, "multalmc", p));
}

DMT_REGISTER_COMPONENTS(multalmc) {
  component_spec c;
  c.kind = component_kind::sampler;
  c.name = "multalmc";
  c.summary =
      "multiscale annealed Langevin: DALMC's Gaussian path with the score from fast Langevin chains on the "
      "posterior of the clean sample (exponential Euler); a step is a slow Langevin step";
  // DALMC's path parameters (their defaults are DALMC's), then the fast chains' and the slow dynamics'
  for (param_spec q : dalmc_path_parameters()) {
    if (q.name == "steps_per_level") q.meaning = "slow steps per level";
    if (q.name == "step_size") q.meaning = "slow Langevin step size h";
    if (q.name == "noise") q.meaning = "path noise: gaussian or student_t (student_t needs fast=skrock)";
    if (q.name == "df") q.meaning = "student_t: degrees of freedom";
    c.parameters.push_back(q);
  }
  for (auto& q : posterior_chain_parameters("x / sqrt(lambda_0)")) c.parameters.push_back(q);
  c.parameters.push_back(
      string_param("slow", "overdamped", "slow dynamics: overdamped (Langevin) or underdamped (OBABO)")
          .one_of({"overdamped", "underdamped"}));
  c.parameters.push_back(number_param("friction", 1.0, "underdamped: friction gamma"));
  c.listing_order = 80;
  c.caps.full_support = true;
  // the fast chains' start x / sqrt(lambda_0) is 10 x off the noise for light-tailed targets: quartic
  // wells (manywell, doublewell) and lasso_regression diverge at once (docs/defaults.md); from x with a
  // smaller fast step they run (at the cost of exploring far modes less)
  c.on_divergence = {{"chain_init", std::string("particle")}, {"fast_step_size", 0.01}};
  c.make_sampler = sampler_factory_of<multalmc_sampler>(multalmc_from_resolved);
  r.add(std::move(c));
}

multalmc_sampler::multalmc_sampler(const target& t, multalmc_settings settings, std::size_t particles,
                                   std::uint64_t seed, const executor&)
    : target_(t),
      settings_(std::move(settings)),
      n_(particles),
      d_(t.dim()),
      key_(make_philox_key(seed)),
      chains_(t, settings_.fast, particles, key_) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  x_.resize(n_ * d_);
  const bool student = settings_.path.noise == "student_t";
  const double df = settings_.path.df;
  for (std::size_t i = 0; i < n_; ++i) {  // from the noise law
    philox_stream rng(key_, static_cast<std::uint32_t>(i), kInitPurpose);
    for (int j = 0; j < d_; ++j) {
      double z = rng.normal();
      if (student) z /= std::sqrt(2.0 * rng.gamma(0.5 * df) / df);
      x_[i * d_ + j] = static_cast<float>(z);
    }
  }
  score_.assign(n_ * d_, 0.0f);
  if (settings_.slow == "underdamped") {  // velocities N(0, I)
    v_.resize(n_ * d_);
    for (std::size_t i = 0; i < n_; ++i) {
      philox_stream rng(key_, static_cast<std::uint32_t>(i), kVelocityPurpose);
      for (int j = 0; j < d_; ++j) v_[i * d_ + j] = static_cast<float>(rng.normal());
    }
  }
  init_chains(lambda_at(0));
}

void multalmc_sampler::init_chains(double lambda) {
  // at the centre of rho's likelihood factor N(y; x / sqrt(lambda), (1 - lambda) / lambda I): the
  // chains start spread like x / sqrt(lambda_0), wide at small lambda_0, and fall into the modes
  // of pi near them
  const double a = 1.0 / std::sqrt(lambda);
  centre_.resize(n_ * d_);
  for (std::size_t e = 0; e < n_ * d_; ++e) centre_[e] = static_cast<float>(a * x_[e]);
  chains_.reset(centre_.data(), x_.data());
}

void multalmc_sampler::set_particles(const std::vector<float>& x, const executor&) {
  if (x.size() != n_ * static_cast<std::size_t>(d_))
    throw input_error("expected " + std::to_string(n_) + " x " + std::to_string(d_) + " particles, got " +
                      std::to_string(x.size()) + " numbers");
  x_ = x;
  init_chains(lambda_at(step_));
  score_valid_ = false;
  log_r_.invalidate();
}

double multalmc_sampler::lambda_at(long k) const {
  const auto& p = settings_.path;
  const long total = p.levels * p.steps_per_level;
  if (k >= total) return 1.0;
  const long level = k / p.steps_per_level + 1;
  return dalmc_lambda(p, double(level) / double(p.levels));
}

// `steps` fast steps of the chains of particles [begin, end) at lambda < 1, then their score estimates;
// the noise of fast step f is keyed by (particle, chain, fast counter).
void multalmc_sampler::fast_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t counter,
                                  long steps) {
  const std::size_t m = chains_.chains();
  const double a = std::sqrt(lambda);
  for (std::size_t e = begin * d_; e < end * d_; ++e) centre_[e] = static_cast<float>(x_[e] / a);
  chains_.advance(begin, end, centre_.data(), a, 1.0 - lambda, counter, steps);
  if (settings_.path.noise == "student_t") {
    // s(x) = E_rho[grad_v log p(v)] at v = x - sqrt(lambda) y, p the product Student-t of scale
    // sqrt(1 - lambda): -(df + 1) v / (df (1 - lambda) + v^2) per coordinate
    const double df = settings_.path.df;
    for (std::size_t i = begin; i < end; ++i)
      for (int j = 0; j < d_; ++j) {
        double mean = 0.0;
        for (std::size_t c = 0; c < m; ++c) {
          const double v = x_[i * d_ + j] - a * chains_.chain(i, c)[j];
          mean += -(df + 1.0) * v / (df * (1.0 - lambda) + v * v);
        }
        score_[i * d_ + j] = static_cast<float>(mean / double(m));
      }
    return;
  }
  for (std::size_t i = begin; i < end; ++i)
    for (int j = 0; j < d_; ++j) {
      double mean = 0.0;
      for (std::size_t c = 0; c < m; ++c) mean += chains_.chain(i, c)[j];
      mean /= double(m);
      score_[i * d_ + j] = static_cast<float>((a * mean - x_[i * d_ + j]) / (1.0 - lambda));
    }
}

void multalmc_sampler::run_fast(double lambda, long steps, const executor& exec) {
  if (!(lambda > 0 && lambda < 1)) throw input_error("multalmc: run_fast needs lambda in (0, 1)");
  const std::size_t tasks = (n_ + kParticlesPerTask - 1) / kParticlesPerTask;
  const std::uint32_t counter = 0x80000000u + static_cast<std::uint32_t>(fast_done_);
  exec.parallel_for(tasks, [&](std::size_t task) {
    const std::size_t begin = task * kParticlesPerTask, end = std::min(n_, begin + kParticlesPerTask);
    fast_block(lambda, begin, end, counter, steps);
  });
  fast_done_ += steps;
  evaluations_ += static_cast<long>(n_) * settings_.fast.chains * steps * chains_.evaluations_per_step();
}

void multalmc_sampler::score_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t counter) {
  if (lambda < 1.0) {
    fast_block(lambda, begin, end, counter, settings_.fast.steps);
  } else {  // the target's own score
    std::vector<float> lr(end - begin);
    target_.evaluate(x_.data() + begin * d_, end - begin, lr.data(), score_.data() + begin * d_);
  }
}

void multalmc_sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  if (steps < 0) throw input_error("step count must be non-negative");
  const std::size_t tasks = (n_ + kParticlesPerTask - 1) / kParticlesPerTask;
  const double h = settings_.path.step_size, noise = std::sqrt(2.0 * h);
  const bool underdamped = settings_.slow == "underdamped";
  const double a = std::exp(-0.5 * settings_.friction * h), b = std::sqrt(-std::expm1(-settings_.friction * h));
  const auto per_score = [&](double lambda) {
    return static_cast<long>(n_) *
           (lambda >= 1.0 ? 1 : settings_.fast.chains * settings_.fast.steps * chains_.evaluations_per_step());
  };
  for (long k = 0; k < steps; ++k) {
    const double lambda = lambda_at(step_);
    const std::uint32_t step = static_cast<std::uint32_t>(step_);
    const std::uint32_t counter = step * static_cast<std::uint32_t>(settings_.fast.steps);
    const bool initial = underdamped && !score_valid_;
    std::vector<long> bad(tasks, -1);
    exec.parallel_for(tasks, [&](std::size_t task) {
      const std::size_t begin = task * kParticlesPerTask, end = std::min(n_, begin + kParticlesPerTask);
      if (!underdamped) {
        score_block(lambda, begin, end, counter);
        for (std::size_t i = begin; i < end; ++i) {
          philox_stream rng(key_, static_cast<std::uint32_t>(i), kSlowPurpose, step);
          for (int j = 0; j < d_; ++j) {
            float& v = x_[i * d_ + j];
            v = static_cast<float>(v + h * score_[i * d_ + j] + noise * rng.normal());
            if (!std::isfinite(v) && bad[task] < 0) bad[task] = static_cast<long>(i);
          }
        }
        return;
      }
      // OBABO: O, half kick with the score at x (the previous step's estimate, or a fresh one on the
      // first step), drift, the score at the new x, half kick, O
      if (initial) score_block(lambda, begin, end, 0xC0000000u);
      for (std::size_t i = begin; i < end; ++i) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kSlowPurpose, step);
        for (int j = 0; j < d_; ++j) {
          float& v = v_[i * d_ + j];
          v = static_cast<float>(a * v + b * rng.normal() + 0.5 * h * score_[i * d_ + j]);
          x_[i * d_ + j] = static_cast<float>(x_[i * d_ + j] + h * v);
        }
      }
      score_block(lambda, begin, end, counter);
      for (std::size_t i = begin; i < end; ++i) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kSlowPurpose + 1, step);
        for (int j = 0; j < d_; ++j) {
          float& v = v_[i * d_ + j];
          v = static_cast<float>(a * (v + 0.5 * h * score_[i * d_ + j]) + b * rng.normal());
          if (!(std::isfinite(v) && std::isfinite(x_[i * d_ + j])) && bad[task] < 0) bad[task] = static_cast<long>(i);
        }
      }
    });
    for (long bi : bad)
      if (bi >= 0) throw nonfinite_error(step_, bi);
    evaluations_ += per_score(lambda) * (initial ? 2 : 1);
    score_valid_ = underdamped;
    ++step_;
    log_r_.invalidate();
    if (progress) progress(k + 1);
  }
}

const std::vector<float>& multalmc_sampler::log_densities() const { return log_r_.get(target_, x_, n_); }

}  // namespace dmt
