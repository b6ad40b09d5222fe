#include "dmt/samplers/multalmc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dmt/rng/stream.hpp"
#include "dmt/samplers/sampler.hpp"

namespace dmt {
namespace {

constexpr std::uint32_t kInitPurpose = 0x3A0001u, kSlowPurpose = 0x3A0002u, kVelocityPurpose = 0x3A0004u,
                        kFastPurpose = 0x3B000000u;  // + chain index (< 2^20)
constexpr std::size_t kParticlesPerTask = 32;

}  // namespace

multalmc_settings parse_multalmc(const params& p) {
  multalmc_settings s;
  // the path's parameters are DALMC's (the exact / Monte-Carlo scores unused)
  params path;
  for (const char* k : {"schedule", "levels", "steps_per_level", "lambda_min", "step_size", "noise", "df"})
    if (p.has(k)) {
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
  s.fast_chains = p.integer("fast_chains", s.fast_chains);
  if (s.fast_chains < 1 || s.fast_chains > 4096) throw input_error("multalmc: fast_chains must be between 1 and 4096");
  s.fast_steps = p.integer("fast_steps", s.fast_steps);
  if (s.fast_steps < 1 || s.fast_steps > 100000) throw input_error("multalmc: fast_steps must be between 1 and 1e5");
  s.fast_step_size = p.number("fast_step_size", s.fast_step_size);
  if (!(s.fast_step_size > 0) || !std::isfinite(s.fast_step_size))
    throw input_error("multalmc: fast_step_size must be positive");
  s.slow = p.string("slow", s.slow);
  if (s.slow != "overdamped" && s.slow != "underdamped")
    throw input_error("multalmc: slow must be overdamped or underdamped (got '" + s.slow + "')");
  s.friction = p.number("friction", s.friction);
  if (!(s.friction > 0) || !std::isfinite(s.friction)) throw input_error("multalmc: friction must be positive");
  s.fast = p.string("fast", s.fast);
  if (s.fast != "exponential" && s.fast != "skrock")
    throw input_error("multalmc: fast must be exponential or skrock (got '" + s.fast + "')");
  s.fast_stages = static_cast<int>(p.integer("fast_stages", s.fast_stages));
  if (s.fast_stages < 1 || s.fast_stages > skrock_coefficients::max_stages)
    throw input_error("multalmc: fast_stages must be between 1 and 64");
  s.fast_damping = p.number("fast_damping", s.fast_damping);
  if (!(s.fast_damping >= 0) || !std::isfinite(s.fast_damping))
    throw input_error("multalmc: fast_damping must be non-negative");
  if (s.path.noise == "student_t" && s.fast != "skrock")
    throw input_error("multalmc: noise student_t needs fast=skrock (exponential Euler is exact only for Gaussian noise)");
  p.reject_unused("sampler multalmc");
  return s;
}

multalmc_sampler::multalmc_sampler(const target& t, multalmc_settings settings, std::size_t particles,
                                   std::uint64_t seed, const executor&)
    : target_(t), settings_(std::move(settings)), n_(particles), d_(t.dim()), key_(make_philox_key(seed)) {
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
  const std::size_t m = static_cast<std::size_t>(settings_.fast_chains);
  y_.resize(n_ * m * d_);
  // at the centre of rho's likelihood factor N(y; x / sqrt(lambda), (1 - lambda) / lambda I): the
  // chains start spread like x / sqrt(lambda_0), wide at small lambda_0, and fall into the modes
  // of pi near them
  const double a = 1.0 / std::sqrt(lambda);
  for (std::size_t i = 0; i < n_; ++i)
    for (std::size_t c = 0; c < m; ++c)
      for (int j = 0; j < d_; ++j) y_[(i * m + c) * d_ + j] = static_cast<float>(a * x_[i * d_ + j]);
}

void multalmc_sampler::set_particles(const std::vector<float>& x, const executor&) {
  if (x.size() != n_ * static_cast<std::size_t>(d_))
    throw input_error("expected " + std::to_string(n_) + " x " + std::to_string(d_) + " particles, got " +
                      std::to_string(x.size()) + " numbers");
  x_ = x;
  init_chains(lambda_at(step_));
  score_valid_ = false;
  log_r_stale_ = true;
}

double multalmc_sampler::lambda_at(long k) const {
  const auto& p = settings_.path;
  const long total = p.levels * p.steps_per_level;
  if (k >= total) return 1.0;
  const long level = k / p.steps_per_level + 1;
  return dalmc_lambda(p, double(level) / double(p.levels));
}

// `steps` exponential-Euler steps of the chains of particles [begin, end) at lambda < 1, then
// their score estimates; the noise of fast step f is keyed by (particle, chain, fast counter).
void multalmc_sampler::fast_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t counter,
                                  long steps) {
  const std::size_t m = static_cast<std::size_t>(settings_.fast_chains), rows = (end - begin) * m;
  const double kappa = lambda / (1.0 - lambda), a = std::sqrt(lambda), del = settings_.fast_step_size;
  const double decay = std::exp(-kappa * del);
  const double drift_gain = -std::expm1(-kappa * del) / kappa;  // (1 - e^{-kappa d}) / kappa -> d as kappa -> 0
  const double noise = std::sqrt(-std::expm1(-2 * kappa * del) / kappa);
  std::vector<float> lr(rows), g(rows * d_);
  float* y = y_.data() + begin * m * d_;
  if (settings_.fast == "skrock") {
    skrock_block(lambda, begin, end, counter, steps);
    steps = 0;
  }
  for (long f = 0; f < steps; ++f) {
    target_.evaluate(y, rows, lr.data(), g.data());
    for (std::size_t i = begin; i < end; ++i)
      for (std::size_t c = 0; c < m; ++c) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kFastPurpose + static_cast<std::uint32_t>(c),
                          counter + static_cast<std::uint32_t>(f));
        const std::size_t r = (i - begin) * m + c;
        for (int j = 0; j < d_; ++j) {
          const double centre = x_[i * d_ + j] / a;
          const double yj = y[r * d_ + j];
          // c + g/kappa + e^{-kappa d}(y - c - g/kappa) = c + e^{-kappa d}(y - c) + drift_gain g
          y[r * d_ + j] =
              static_cast<float>(centre + decay * (yj - centre) + drift_gain * g[r * d_ + j] + noise * rng.normal());
        }
      }
  }
  if (settings_.path.noise == "student_t") {
    // s(x) = E_rho[grad_v log p(v)] at v = x - sqrt(lambda) y, p the product Student-t of scale
    // sqrt(1 - lambda): -(df + 1) v / (df (1 - lambda) + v^2) per coordinate
    const double df = settings_.path.df;
    for (std::size_t i = begin; i < end; ++i)
      for (int j = 0; j < d_; ++j) {
        double mean = 0.0;
        for (std::size_t c = 0; c < m; ++c) {
          const double v = x_[i * d_ + j] - a * y_[((i * m) + c) * d_ + j];
          mean += -(df + 1.0) * v / (df * (1.0 - lambda) + v * v);
        }
        score_[i * d_ + j] = static_cast<float>(mean / double(m));
      }
    return;
  }
  for (std::size_t i = begin; i < end; ++i)
    for (int j = 0; j < d_; ++j) {
      double mean = 0.0;
      for (std::size_t c = 0; c < m; ++c) mean += y_[((i * m) + c) * d_ + j];
      mean /= double(m);
      score_[i * d_ + j] = static_cast<float>((a * mean - x_[i * d_ + j]) / (1.0 - lambda));
    }
}

// SK-ROCK steps of the fast chains on the drift G(y) = grad log pi(y) - kappa (y - c), c = x / sqrt(lambda),
// all rows of the block at once per stage: Q = sqrt(2 d) xi; K_0 = y; K_1 = y + mu_1 d G(y + nu_1 Q) + k_1 Q;
// K_j = mu_j d G(K_{j-1}) + nu_j K_{j-1} + (1 - nu_j) K_{j-2}; y <- K_s (as langevin_steps.hpp's skrock_step).
void multalmc_sampler::skrock_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t counter,
                                    long steps) {
  const std::size_t m = static_cast<std::size_t>(settings_.fast_chains), rows = (end - begin) * m;
  const std::size_t dd = static_cast<std::size_t>(d_);
  const double kappa = lambda / (1.0 - lambda), a = std::sqrt(lambda), del = settings_.fast_step_size;
  const skrock_coefficients c = make_skrock_coefficients(settings_.fast_stages, settings_.fast_damping);
  std::vector<float> lr(rows), g(rows * dd), q(rows * dd), prev(rows * dd), stage(rows * dd), centre(rows * dd);
  float* y = y_.data() + begin * m * dd;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < dd; ++j) centre[r * dd + j] = static_cast<float>(x_[(begin + r / m) * dd + j] / a);
  const bool student = settings_.path.noise == "student_t";
  const double df = settings_.path.df;
  const auto drift = [&](const float* at) {  // g <- G(at)
    target_.evaluate(at, rows, lr.data(), g.data());
    if (student) {  // + sqrt(lambda) (df + 1) v / (df (1 - lambda) + v^2), v = x - sqrt(lambda) y
      for (std::size_t e = 0; e < rows * dd; ++e) {
        const double v = a * (centre[e] - double(at[e]));
        g[e] = static_cast<float>(g[e] + a * (df + 1.0) * v / (df * (1.0 - lambda) + v * v));
      }
    } else {
      for (std::size_t e = 0; e < rows * dd; ++e) g[e] = static_cast<float>(g[e] - kappa * (double(at[e]) - centre[e]));
    }
  };
  const double sq = std::sqrt(2.0 * del);
  for (long f = 0; f < steps; ++f) {
    for (std::size_t i = begin; i < end; ++i)
      for (std::size_t ch = 0; ch < m; ++ch) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kFastPurpose + static_cast<std::uint32_t>(ch),
                          counter + static_cast<std::uint32_t>(f));
        const std::size_t r = (i - begin) * m + ch;
        for (std::size_t j = 0; j < dd; ++j) q[r * dd + j] = static_cast<float>(sq * rng.normal());
      }
    for (std::size_t e = 0; e < rows * dd; ++e) {
      prev[e] = y[e];
      stage[e] = y[e] + c.nu1 * q[e];
    }
    drift(stage.data());
    for (std::size_t e = 0; e < rows * dd; ++e) y[e] = static_cast<float>(y[e] + double(c.mu1) * del * g[e] + c.k1 * q[e]);
    for (int st = 2; st <= c.stages; ++st) {
      drift(y);
      const double mu_h = double(c.mu[st]) * del, nu = c.nu[st];
      for (std::size_t e = 0; e < rows * dd; ++e) {
        const double next = mu_h * g[e] + nu * y[e] + (1.0 - nu) * prev[e];
        prev[e] = y[e];
        y[e] = static_cast<float>(next);
      }
    }
  }
}

long multalmc_sampler::fast_evaluations() const {
  return settings_.fast == "skrock" ? settings_.fast_stages : 1;
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
  evaluations_ += static_cast<long>(n_) * settings_.fast_chains * steps * fast_evaluations();
}

void multalmc_sampler::score_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t counter) {
  if (lambda < 1.0) {
    fast_block(lambda, begin, end, counter, settings_.fast_steps);
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
    return static_cast<long>(n_) * (lambda >= 1.0 ? 1 : settings_.fast_chains * settings_.fast_steps * fast_evaluations());
  };
  for (long k = 0; k < steps; ++k) {
    const double lambda = lambda_at(step_);
    const std::uint32_t step = static_cast<std::uint32_t>(step_);
    const std::uint32_t counter = step * static_cast<std::uint32_t>(settings_.fast_steps);
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
    log_r_stale_ = true;
    if (progress) progress(k + 1);
  }
}

const std::vector<float>& multalmc_sampler::log_densities() const {
  if (log_r_stale_) {
    log_r_.resize(n_);
    target_.evaluate(x_.data(), n_, log_r_.data(), nullptr);
    log_r_stale_ = false;
  }
  return log_r_;
}

}  // namespace dmt
