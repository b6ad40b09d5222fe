#include "dmt/samplers/dalmc.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/gaussian_kernel.hpp"
#include "dmt/targets/gaussian_mixture_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {
namespace {

constexpr std::uint32_t kInitPurpose = 0xDA0001u, kStepPurpose = 0xDA0002u, kInnerPurpose = 0xDA0003u;
constexpr std::size_t kParticlesPerTask = 64;

template <class K>
const K* kernel_of(const target& t) {
  const auto* k = dynamic_cast<const kernel_target<K>*>(&t);
  return k ? &k->kernel() : nullptr;
}

// One draw of the noise Z (dim coordinates) from a particle's stream.
void draw_noise(philox_stream& rng, const dalmc_settings& s, int dim, double* z) {
  for (int j = 0; j < dim; ++j) {
    if (s.noise == "gaussian") {
      z[j] = rng.normal();
    } else {
      const double g = 2.0 * rng.gamma(0.5 * s.df);
      z[j] = rng.normal() / std::sqrt(g / s.df);
    }
  }
}

}  // namespace

namespace {

dalmc_settings dalmc_from_resolved(const params& p) {
  dalmc_settings s;
  s.noise = p.string("noise");
  if (s.noise != "gaussian" && s.noise != "student_t")
    throw input_error("dalmc: noise must be gaussian or student_t (got '" + s.noise + "')");
  if (s.noise == "student_t" || p.given("df")) {
    s.df = p.number("df");
    if (!(s.df > 0) || !std::isfinite(s.df)) throw input_error("dalmc: df must be positive");
  }
  s.schedule = p.string("schedule");
  if (s.schedule != "linear" && s.schedule != "cosine")
    throw input_error("dalmc: schedule must be linear or cosine (got '" + s.schedule + "')");
  s.levels = p.integer("levels");
  if (s.levels < 1 || s.levels > 100000000) throw input_error("dalmc: levels must be between 1 and 1e8");
  s.steps_per_level = p.integer("steps_per_level");
  if (s.steps_per_level < 1 || s.steps_per_level > 100000)
    throw input_error("dalmc: steps_per_level must be between 1 and 1e5");
  s.lambda_min = p.number("lambda_min");
  if (!(s.lambda_min > 0 && s.lambda_min < 1)) throw input_error("dalmc: lambda_min must be in (0, 1)");
  s.step_size = p.number("step_size");
  if (!(s.step_size > 0) || !std::isfinite(s.step_size)) throw input_error("dalmc: step_size must be positive");
  s.score = p.string("score");
  if (s.score != "auto" && s.score != "exact" && s.score != "tweedie" && s.score != "dem")
    throw input_error("dalmc: score must be auto, exact, tweedie or dem (got '" + s.score + "')");
  s.inner_samples = p.integer("inner_samples");
  if (s.inner_samples < 1 || s.inner_samples > 1000000)
    throw input_error("dalmc: inner_samples must be between 1 and 1e6");
  p.reject_unused("sampler dalmc");
  return s;
}

}  // namespace

dalmc_settings parse_dalmc(const params& p) {
  return dalmc_from_resolved(resolve_params(component_kind::sampler, "dalmc", p));
}

std::vector<param_spec> dalmc_path_parameters() {
  return {string_param("noise", "gaussian", "Z: gaussian or student_t").one_of({"gaussian", "student_t"}),
          number_param("df", 3.0, "Student-t degrees of freedom"),
          string_param("schedule", "linear", "lambda over the levels: linear or cosine").one_of({"linear", "cosine"}),
          integer_param("levels", 100, "levels from lambda_min to 1 (then ULA steps on the target)"),
          integer_param("steps_per_level", 1, "Langevin steps per level"),
          number_param("lambda_min", 0.01, "lambda at the start"),
          number_param("step_size", 0.01, "Langevin step size h")};
}

DMT_REGISTER_COMPONENTS(dalmc) {
  component_spec c;
  c.kind = component_kind::sampler;
  c.name = "dalmc";
  c.summary =
      "annealed Langevin on the diffusion path Law(sqrt(l) X + sqrt(1 - l) Z) from noise to the target (DALMC); a step "
      "is a Langevin step";
  c.parameters = dalmc_path_parameters();
  c.parameters.push_back(string_param("score", "auto",
                                      "exact (Gaussian noise; Gaussian or mixture targets), tweedie or dem (Monte "
                                      "Carlo); auto: exact where it exists")
                             .one_of({"auto", "exact", "tweedie", "dem"}));
  c.parameters.push_back(
      integer_param("inner_samples", 64, "K, importance samples per particle and step of the Monte-Carlo scores"));
  c.listing_order = 60;
  c.caps.full_support = true;
  c.make_sampler = sampler_factory_of<dalmc_sampler>(dalmc_from_resolved);
  r.add(std::move(c));
}

double dalmc_lambda(const dalmc_settings& s, double t) {
  t = std::clamp(t, 0.0, 1.0);
  const double shape = s.schedule == "cosine" ? std::pow(std::sin(0.5 * M_PI * t), 2) : t;
  return s.lambda_min + (1.0 - s.lambda_min) * shape;
}

diffusion_score::diffusion_score(const target& t, const dalmc_settings& s)
    : target_(t), settings_(s), kind_(s.score), dim_(t.dim()) {
  const auto* mixture = kernel_of<gaussian_mixture_kernel>(t);
  const auto* gaussian = kernel_of<gaussian_kernel>(t);
  const bool exact_exists = s.noise == "gaussian" && (mixture || gaussian);
  if (kind_ == "auto") kind_ = exact_exists ? "exact" : "tweedie";
  if (kind_ == "exact" && !exact_exists)
    throw input_error("dalmc: score 'exact' needs Gaussian noise and a Gaussian or Gaussian-mixture target (got " +
                      s.noise + " noise, target " + t.name() + ")");
  if (kind_ != "exact") return;
  if (mixture) {
    means_.assign(mixture->means, mixture->means + static_cast<std::size_t>(mixture->components) * dim_);
    variance_ = mixture->variance;
  } else {
    mean_.assign(gaussian->mean, gaussian->mean + dim_);
    Eigen::MatrixXd precision(dim_, dim_);
    for (int i = 0; i < dim_; ++i)
      for (int j = 0; j < dim_; ++j) precision(i, j) = gaussian->precision[i * dim_ + j];
    const Eigen::MatrixXd cov = precision.llt().solve(Eigen::MatrixXd::Identity(dim_, dim_));
    cov_.assign(cov.data(), cov.data() + cov.size());
  }
}

void diffusion_score::operator()(double lambda, const float* x, std::size_t n, philox_key key, std::uint32_t step,
                                 std::uint32_t first_particle, float* out) const {
  if (lambda >= 1.0) {
    std::vector<float> log_r(n);
    target_.evaluate(x, n, log_r.data(), out);
    return;
  }
  if (kind_ == "exact")
    exact(lambda, x, n, out);
  else
    monte_carlo(lambda, x, n, key, step, first_particle, out);
}

void diffusion_score::exact(double lambda, const float* x, std::size_t n, float* out) const {
  const double a = std::sqrt(lambda);
  const int d = dim_;
  if (!means_.empty()) {  // mixture of N(a m_k, v I), v = lambda variance + 1 - lambda
    const double v = lambda * variance_ + 1.0 - lambda;
    const std::size_t k_count = means_.size() / d;
    std::vector<double> e(k_count);
    for (std::size_t i = 0; i < n; ++i) {
      const float* xi = x + i * d;
      double mx = -std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < k_count; ++k) {
        double q = 0.0;
        for (int j = 0; j < d; ++j) {
          const double r = xi[j] - a * means_[k * d + j];
          q += r * r;
        }
        e[k] = -0.5 * q / v;
        mx = std::max(mx, e[k]);
      }
      double total = 0.0;
      std::vector<double> g(d, 0.0);
      for (std::size_t k = 0; k < k_count; ++k) {
        const double w = std::exp(e[k] - mx);
        total += w;
        for (int j = 0; j < d; ++j) g[j] += w * (a * means_[k * d + j] - xi[j]);
      }
      for (int j = 0; j < d; ++j) out[i * d + j] = static_cast<float>(g[j] / (total * v));
    }
    return;
  }
  // one Gaussian: s = -(lambda S + (1 - lambda) I)^-1 (x - a mean)
  const Eigen::Map<const Eigen::MatrixXd> cov(cov_.data(), d, d);
  const Eigen::MatrixXd c = lambda * cov + (1.0 - lambda) * Eigen::MatrixXd::Identity(d, d);
  const Eigen::MatrixXd inv = c.llt().solve(Eigen::MatrixXd::Identity(d, d));
  std::vector<double> r(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) r[j] = x[i * d + j] - a * mean_[j];
    for (int j = 0; j < d; ++j) {
      double v = 0.0;
      for (int k = 0; k < d; ++k) v += inv(j, k) * r[k];
      out[i * d + j] = static_cast<float>(-v);
    }
  }
}

void diffusion_score::monte_carlo(double lambda, const float* x, std::size_t n, philox_key key, std::uint32_t step,
                                  std::uint32_t first_particle, float* out) const {
  const int d = dim_;
  const std::size_t K = static_cast<std::size_t>(settings_.inner_samples);
  const double a = std::sqrt(lambda), s = std::sqrt(1.0 - lambda), df = settings_.df;
  const bool gaussian_noise = settings_.noise == "gaussian", dem = kind_ == "dem";
  std::vector<double> z(K * d);
  std::vector<float> y(K * d), log_r(K), grad(dem ? K * d : 0);
  std::vector<double> w(K);
  for (std::size_t i = 0; i < n; ++i) {
    const float* xi = x + i * d;
    philox_stream rng(key, first_particle + static_cast<std::uint32_t>(i), kInnerPurpose, step);
    for (std::size_t k = 0; k < K; ++k) {
      draw_noise(rng, settings_, d, z.data() + k * d);
      for (int j = 0; j < d; ++j) y[k * d + j] = static_cast<float>((xi[j] - s * z[k * d + j]) / a);
    }
    target_.evaluate(y.data(), K, log_r.data(), dem ? grad.data() : nullptr);
    double mx = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < K; ++k)
      if (std::isfinite(log_r[k])) mx = std::max(mx, double(log_r[k]));
    double total = 0.0;
    for (std::size_t k = 0; k < K; ++k) {
      w[k] = std::isfinite(log_r[k]) ? std::exp(double(log_r[k]) - mx) : 0.0;
      total += w[k];
    }
    for (int j = 0; j < d; ++j) {
      double g = 0.0;
      for (std::size_t k = 0; k < K; ++k) {
        if (w[k] == 0.0) continue;
        double term;
        if (dem) {
          term = grad[k * d + j] / a;
        } else if (gaussian_noise) {
          term = -z[k * d + j] / s;  // -(x - a y) / (1 - lambda) with x - a y = s z
        } else {
          const double u = s * z[k * d + j];
          term = -(df + 1.0) * u / (df * s * s + u * u);
        }
        g += w[k] * term;
      }
      // no finite weight: NaN, which the sampler reports as a non-finite particle
      out[i * d + j] = static_cast<float>(total > 0 ? g / total : std::numeric_limits<double>::quiet_NaN());
    }
  }
}

dalmc_sampler::dalmc_sampler(const target& t, dalmc_settings settings, std::size_t particles, std::uint64_t seed,
                             const executor&)
    : target_(t),
      settings_(std::move(settings)),
      score_(t, settings_),
      n_(particles),
      d_(t.dim()),
      key_(make_philox_key(seed)) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  x_.resize(n_ * d_);
  std::vector<double> z(d_);
  for (std::size_t i = 0; i < n_; ++i) {
    philox_stream rng(key_, static_cast<std::uint32_t>(i), kInitPurpose);
    draw_noise(rng, settings_, d_, z.data());
    for (int j = 0; j < d_; ++j) x_[i * d_ + j] = static_cast<float>(z[j]);
  }
}

void dalmc_sampler::set_particles(const std::vector<float>& x, const executor&) {
  if (x.size() != n_ * static_cast<std::size_t>(d_))
    throw input_error("expected " + std::to_string(n_) + " x " + std::to_string(d_) + " particles, got " +
                      std::to_string(x.size()) + " numbers");
  x_ = x;
  log_r_.invalidate();
}

double dalmc_sampler::lambda_at(long k) const {
  const long total = settings_.levels * settings_.steps_per_level;
  if (k >= total) return 1.0;
  // level l = k / steps_per_level + 1 of `levels`: lambda at t = l / levels, from lambda_min up
  const long level = k / settings_.steps_per_level + 1;
  return dalmc_lambda(settings_, double(level) / double(settings_.levels));
}

void dalmc_sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  if (steps < 0) throw input_error("step count must be non-negative");
  const std::size_t tasks = (n_ + kParticlesPerTask - 1) / kParticlesPerTask;
  const double h = settings_.step_size, noise = std::sqrt(2.0 * h);
  for (long k = 0; k < steps; ++k) {
    const double lambda = lambda_at(step_);
    const std::uint32_t step = static_cast<std::uint32_t>(step_);
    std::vector<long> bad(tasks, -1);
    exec.parallel_for(tasks, [&](std::size_t task) {
      const std::size_t begin = task * kParticlesPerTask, end = std::min(n_, begin + kParticlesPerTask);
      std::vector<float> s((end - begin) * d_);
      score_(lambda, x_.data() + begin * d_, end - begin, key_, step, static_cast<std::uint32_t>(begin), s.data());
      for (std::size_t i = begin; i < end; ++i) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kStepPurpose, step);
        for (int j = 0; j < d_; ++j) {
          float& v = x_[i * d_ + j];
          v = static_cast<float>(v + h * s[(i - begin) * d_ + j] + noise * rng.normal());
          if (!std::isfinite(v) && bad[task] < 0) bad[task] = static_cast<long>(i);
        }
      }
    });
    for (long b : bad)
      if (b >= 0) throw nonfinite_error(step_, b);
    evaluations_ += static_cast<long>(n_) * (lambda >= 1.0 ? 1 : score_.evaluations_per_point());
    ++step_;
    log_r_.invalidate();
    if (progress) progress(k + 1);
  }
}

const std::vector<float>& dalmc_sampler::log_densities() const { return log_r_.get(target_, x_, n_); }

}  // namespace dmt
