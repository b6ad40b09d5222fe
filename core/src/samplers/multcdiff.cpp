#include "dmt/samplers/multcdiff.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/sampler.hpp"

namespace dmt {
namespace {

constexpr std::uint32_t kInitPurpose = 0x3C0001u, kSlowPurpose = 0x3C0002u, kScalePurpose = 0x3C0003u;
constexpr std::size_t kParticlesPerTask = 32;

}  // namespace

namespace {

multcdiff_settings multcdiff_from_resolved(const params& p) {
  multcdiff_settings s;
  s.forward.kind = p.string("forward");
  if (s.forward.kind != "cld" && s.forward.kind != "ou")
    throw input_error("multcdiff: forward must be cld or ou (got '" + s.forward.kind + "')");
  s.horizon = p.number("horizon");
  s.t_min = p.number("t_min");
  if (!(s.t_min > 0) || !std::isfinite(s.t_min)) throw input_error("multcdiff: t_min must be positive");
  if (!(s.horizon > s.t_min) || !std::isfinite(s.horizon))
    throw input_error("multcdiff: horizon must be finite and greater than t_min");
  s.levels = p.integer("levels");
  if (s.levels < 1 || s.levels > 1000000) throw input_error("multcdiff: levels must be between 1 and 1e6");
  s.grid = p.string("grid");
  if (s.grid != "quadratic" && s.grid != "uniform")
    throw input_error("multcdiff: grid must be quadratic or uniform (got '" + s.grid + "')");
  s.step_size = p.number("step_size");
  if (!(s.step_size > 0) || !std::isfinite(s.step_size)) throw input_error("multcdiff: step_size must be positive");
  s.forward.beta = p.number("beta");
  if (!(s.forward.beta > 0) || !std::isfinite(s.forward.beta)) throw input_error("multcdiff: beta must be positive");
  s.forward.mass = p.number("mass");
  if (!(s.forward.mass > 0) || !std::isfinite(s.forward.mass)) throw input_error("multcdiff: mass must be positive");
  s.forward.v0_scale = p.number("v0_scale");
  if (!(s.forward.v0_scale > 0) || !std::isfinite(s.forward.v0_scale))
    throw input_error("multcdiff: v0_scale must be positive");
  s.noise = p.string("noise");
  if (s.noise != "gaussian" && s.noise != "student_t")
    throw input_error("multcdiff: noise must be gaussian or student_t (got '" + s.noise + "')");
  s.df = p.number("df");
  if (!(s.df > 0) || !std::isfinite(s.df)) throw input_error("multcdiff: df must be positive");
  s.fast = parse_posterior_chains(p, "multcdiff");
  p.reject_unused("sampler multcdiff");
  return s;
}

}  // namespace

multcdiff_settings parse_multcdiff(const params& p) {
  return multcdiff_from_resolved(resolve_params(component_kind::sampler, "multcdiff", p));
}

DMT_REGISTER_COMPONENTS(multcdiff) {
  component_spec c;
  c.kind = component_kind::sampler;
  c.name = "multcdiff";
  c.summary =
      "multiscale controlled diffusion: the reverse SDE of a critically damped Langevin (or OU) forward process "
      "with the score from fast Langevin chains on the posterior of the clean sample; a step is a reverse step";
  c.parameters = {
      string_param("forward", "cld", "forward process: cld (critically damped, on (x, v)) or ou").one_of({"cld", "ou"}),
      integer_param("levels", 100, "reverse steps from horizon to t_min (then ULA steps on the target)"),
      number_param("horizon", 1.0, "T, the forward time the reverse process starts at")
          .computed([](const params& p,
                       const run_context&) -> params::value { return p.string("forward") == "ou" ? 5.0 : 1.0; },
                    "1 (ou: 5)"),
      number_param("t_min", 0.001, "the reverse process stops at this forward time"),
      string_param("grid", "quadratic", "time grid: quadratic (finer near the data) or uniform")
          .one_of({"quadratic", "uniform"}),
      number_param("beta", 4.0, "cld: time scale beta"),
      number_param("mass", 0.25, "cld: mass M (friction 2 sqrt(M): critical damping)"),
      number_param("v0_scale", 0.04, "cld: initial velocity variance v0_scale x M"),
      number_param("step_size", 0.01, "ULA step size after the last level"),
      string_param("noise", "gaussian",
                   "forward noise: gaussian or student_t (a Gaussian scale mixture per coordinate)")
          .one_of({"gaussian", "student_t"}),
      number_param("df", 3.0, "student_t: degrees of freedom")};
  for (auto& q : posterior_chain_parameters("the posterior factor's centre c(u)")) c.parameters.push_back(q);
  c.listing_order = 90;
  c.caps.full_support = true;
  c.on_divergence = {{"chain_init", std::string("particle")}, {"fast_step_size", 0.01}};  // as multalmc's
  c.make_sampler = sampler_factory_of<multcdiff_sampler>(multcdiff_from_resolved);
  r.add(std::move(c));
}

multcdiff_sampler::multcdiff_sampler(const target& t, multcdiff_settings settings, std::size_t particles,
                                     std::uint64_t seed, const executor&)
    : target_(t),
      settings_(std::move(settings)),
      n_(particles),
      d_(t.dim()),
      key_(make_philox_key(seed)),
      chains_(t, settings_.fast, particles, key_) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  const std::size_t nd = n_ * static_cast<std::size_t>(d_);
  x_.resize(nd);
  const bool cld = settings_.forward.order() == 2;
  if (cld) v_.resize(nd);
  // u ~ N(0, Sigma(T)) per coordinate
  const Eigen::LLT<Eigen::MatrixXd> llt(settings_.forward.covariance(settings_.horizon));
  const Eigen::MatrixXd l = llt.matrixL();
  if (settings_.noise == "student_t") {  // g = df / chi^2_df, chi^2_df = 2 Gamma(df / 2)
    scale_.resize(nd);
    for (std::size_t i = 0; i < n_; ++i) {
      philox_stream rng(key_, static_cast<std::uint32_t>(i), kScalePurpose);
      for (int j = 0; j < d_; ++j) {  // clamped so that a gamma draw of 0 (tiny df) stays finite
        const double g = settings_.df / (2.0 * rng.gamma(0.5 * settings_.df));
        scale_[i * d_ + j] = static_cast<float>(std::clamp(g, 1e-30, 1e30));
      }
    }
  }
  for (std::size_t i = 0; i < n_; ++i) {
    philox_stream rng(key_, static_cast<std::uint32_t>(i), kInitPurpose);
    for (int j = 0; j < d_; ++j) {
      const double r = scale_.empty() ? 1.0 : std::sqrt(double(scale_[i * d_ + j]));
      const double z0 = rng.normal();
      x_[i * d_ + j] = static_cast<float>(r * l(0, 0) * z0);
      if (cld) v_[i * d_ + j] = static_cast<float>(r * (l(1, 0) * z0 + l(1, 1) * rng.normal()));
    }
  }
  centre_.resize(nd);
  centre_block(settings_.horizon, 0, n_);
  chains_.reset(centre_.data(), x_.data());
}

double multcdiff_sampler::time_at(long k) const {
  if (k >= settings_.levels) return settings_.t_min;
  const double r = 1.0 - double(k) / double(settings_.levels);
  return settings_.t_min + (settings_.horizon - settings_.t_min) * (settings_.grid == "quadratic" ? r * r : r);
}

void multcdiff_sampler::centre_block(double t, std::size_t begin, std::size_t end) {
  const posterior_factor f = posterior_of_clean(settings_.forward, t);
  const bool cld = settings_.forward.order() == 2;
  for (std::size_t e = begin * d_; e < end * d_; ++e)
    centre_[e] = static_cast<float>(f.w[0] * x_[e] + (cld ? f.w[1] * v_[e] : 0.0));
}

void multcdiff_sampler::set_particles(const std::vector<float>& x, const executor&) {
  if (x.size() != n_ * static_cast<std::size_t>(d_))
    throw input_error("expected " + std::to_string(n_) + " x " + std::to_string(d_) + " particles, got " +
                      std::to_string(x.size()) + " numbers");
  x_ = x;
  if (!v_.empty()) std::fill(v_.begin(), v_.end(), 0.0f);
  centre_block(time_at(step_), 0, n_);
  chains_.reset(centre_.data(), x_.data());
  log_r_.invalidate();
}

void multcdiff_sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  if (steps < 0) throw input_error("step count must be non-negative");
  const std::size_t tasks = (n_ + kParticlesPerTask - 1) / kParticlesPerTask;
  const std::size_t m = chains_.chains();
  const bool cld = settings_.forward.order() == 2;
  for (long k = 0; k < steps; ++k) {
    const std::uint32_t step = static_cast<std::uint32_t>(step_);
    std::vector<long> bad(tasks, -1);
    if (step_ >= settings_.levels) {  // ULA on the target
      const double h = settings_.step_size, noise = std::sqrt(2.0 * h);
      exec.parallel_for(tasks, [&](std::size_t task) {
        const std::size_t begin = task * kParticlesPerTask, end = std::min(n_, begin + kParticlesPerTask);
        std::vector<float> lr(end - begin), g((end - begin) * d_);
        target_.evaluate(x_.data() + begin * d_, end - begin, lr.data(), g.data());
        for (std::size_t i = begin; i < end; ++i) {
          philox_stream rng(key_, static_cast<std::uint32_t>(i), kSlowPurpose, step);
          for (int j = 0; j < d_; ++j) {
            float& x = x_[i * d_ + j];
            x = static_cast<float>(x + h * g[(i - begin) * d_ + j] + noise * rng.normal());
            if (!std::isfinite(x) && bad[task] < 0) bad[task] = static_cast<long>(i);
          }
        }
      });
      evaluations_ += static_cast<long>(n_);
    } else {
      const double t0 = time_at(step_), t1 = time_at(step_ + 1), h = t0 - t1;
      const posterior_factor post = posterior_of_clean(settings_.forward, t0);
      const reverse_step_coefficients c = reverse_step(settings_.forward, 0.5 * (t0 + t1), h);
      const std::uint32_t counter = step * static_cast<std::uint32_t>(settings_.fast.steps);
      exec.parallel_for(tasks, [&](std::size_t task) {
        const std::size_t begin = task * kParticlesPerTask, end = std::min(n_, begin + kParticlesPerTask);
        centre_block(t0, begin, end);
        chains_.advance(begin, end, centre_.data(), std::sqrt(post.kappa), 1.0, counter, settings_.fast.steps,
                        scale_.empty() ? nullptr : scale_.data());
        for (std::size_t i = begin; i < end; ++i) {
          philox_stream rng(key_, static_cast<std::uint32_t>(i), kSlowPurpose, step);
          for (int j = 0; j < d_; ++j) {
            double y = 0.0;
            for (std::size_t ch = 0; ch < m; ++ch) y += chains_.chain(i, ch)[j];
            y /= double(m);
            const std::size_t e = i * d_ + j;
            const double r = scale_.empty() ? 1.0 : std::sqrt(double(scale_[e]));  // noise sqrt(g) L xi
            if (cld) {
              const double x = x_[e], v = v_[e], z0 = r * rng.normal(), z1 = r * rng.normal();
              x_[e] = static_cast<float>(c.phi(0, 0) * x + c.phi(0, 1) * v + c.gain[0] * y + c.chol(0, 0) * z0);
              v_[e] = static_cast<float>(c.phi(1, 0) * x + c.phi(1, 1) * v + c.gain[1] * y + c.chol(1, 0) * z0 +
                                         c.chol(1, 1) * z1);
              if (!std::isfinite(v_[e]) && bad[task] < 0) bad[task] = static_cast<long>(i);
            } else {
              x_[e] = static_cast<float>(c.phi(0, 0) * x_[e] + c.gain[0] * y + c.chol(0, 0) * r * rng.normal());
            }
            if (!std::isfinite(x_[e]) && bad[task] < 0) bad[task] = static_cast<long>(i);
          }
        }
      });
      evaluations_ +=
          static_cast<long>(n_) * settings_.fast.chains * settings_.fast.steps * chains_.evaluations_per_step();
    }
    for (long bi : bad)
      if (bi >= 0) throw nonfinite_error(step_, bi);
    ++step_;
    log_r_.invalidate();
    if (progress) progress(k + 1);
  }
}

const std::vector<float>& multcdiff_sampler::log_densities() const { return log_r_.get(target_, x_, n_); }

}  // namespace dmt
