#include "dmt/samplers/jala.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dmt/log_sum_exp.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

constexpr std::size_t kChunk = 1024;  // particles per task of the executor
constexpr std::uint32_t kInitPurpose = 0x7A1A0001u, kResamplePurpose = 0x7A1A0002u, kNoisePurpose = 0x40000000u;

}  // namespace

namespace {

jala_settings jala_from_resolved(const params& p) {
  jala_settings s;
  s.step_size = p.number("step_size");
  if (!(s.step_size > 0) || !std::isfinite(s.step_size)) throw input_error("jala: step_size must be positive");
  s.betas = p.list("betas");
  check_schedule(s.betas, "jala");
  if (s.betas.empty()) {
    s.levels = p.integer("levels");
    if (s.levels < 1 || s.levels > 100000000) throw input_error("jala: levels must be between 1 and 1e8");
  } else if (p.given("levels")) {
    throw input_error("jala: give either levels or betas");
  }
  s.resample_threshold = p.number("resample_threshold");
  if (!(s.resample_threshold > 0 && s.resample_threshold <= 1))
    throw input_error("jala: resample_threshold must be in (0, 1] (got " + std::to_string(s.resample_threshold) + ")");
  s.reference_scale = p.list("reference_scale");
  if (s.reference_scale.empty()) throw input_error("jala: reference_scale must not be empty");
  for (double v : s.reference_scale)
    if (!(v > 0) || !std::isfinite(v)) throw input_error("jala: reference_scale must be positive");
  p.reject_unused("sampler jala");
  return s;
}

}  // namespace

jala_settings parse_jala(const params& p) {
  return jala_from_resolved(resolve_params(component_kind::sampler, "jala", p));
}

DMT_REGISTER_COMPONENTS(jala) {
  component_spec c;
  c.kind = component_kind::sampler;
  c.name = "jala";
  c.summary = "Jarzynski-adjusted Langevin: ULA on the tempered path with exact path weights, resampling, log Z";
  c.parameters = {
      // Defaults (issue 27, docs/defaults.md): the whole run anneals, because steps at b = 1 add only
      // weight variance (ULA's bias is corrected, not removed), and h = 0.02 keeps ULA stable on the
      // quartic wells (manywell, doublewell), where 0.05 diverged; 1000 particles, 2000 steps, seed 1:
      // manywell log Z error -1220 -> -0.50, doublewell -213 -> -0.37, funnel -1.6 -> 0.03.
      number_param("step_size", 0.02, "ULA step size h"),
      integer_param("levels", 100,
                    "linear schedule b_k = k / levels (then steps at the target); by default the run's steps "
                    "(dmt sample --steps, a config's or the JS Sampler's steps), 100 when no run length is given")
          .computed([](const params&, const run_context& run)
                        -> params::value { return run.steps ? static_cast<double>(std::max(1L, *run.steps)) : 100.0; },
                    "steps (100)"),
      list_param("betas", {}, "or given temperatures, increasing in (0, 1], the last 1"),
      number_param("resample_threshold", 0.5, "systematic resampling (and weight reset) when ESS < threshold x N"),
      number_or_list_param(
          "reference_scale", 1.0,
          "standard deviation s of the Gaussian reference: one number, or a list with one per coordinate")};
  c.caps.weighted = true;
  c.caps.full_support = true;
  c.listing_order = 55;
  c.make_sampler = sampler_factory_of<jala_sampler>(jala_from_resolved);
  r.add(std::move(c));
}

jala_sampler::jala_sampler(const target& t, jala_settings settings, std::size_t particles, std::uint64_t seed,
                           const executor& exec)
    : target_(t), settings_(std::move(settings)), n_(particles), d_(t.dim()), seed_(seed) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  const auto& s = settings_.reference_scale;
  if (s.size() != 1 && s.size() != static_cast<std::size_t>(d_))
    throw input_error("jala: reference_scale has " + std::to_string(s.size()) +
                      " entries; give one, or one per coordinate (" + std::to_string(d_) + ")");
  inv_var_.resize(d_);
  ref_log_norm_ = 0.0;
  for (int j = 0; j < d_; ++j) {
    const double sj = s.size() == 1 ? s[0] : s[j];
    inv_var_[j] = 1.0 / (sj * sj);
    ref_log_norm_ -= 0.5 * std::log(2.0 * M_PI * sj * sj);
  }
  x_.resize(n_ * d_);
  const philox_key key = make_philox_key(seed);
  for (std::size_t i = 0; i < n_; ++i) {
    philox_stream rng(key, static_cast<std::uint32_t>(i), kInitPurpose);
    for (int j = 0; j < d_; ++j) x_[i * d_ + j] = static_cast<float>(rng.normal() / std::sqrt(inv_var_[j]));
  }
  evaluate_base(exec);
  for_chunks(exec, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) combine_path(i);
  });
  log_a_.assign(n_, 0.0);
  normalise();
}

void jala_sampler::set_particles(const std::vector<float>&, const executor&) {
  throw input_error("jala starts from its Gaussian reference; it takes no initial particles");
}

double jala_sampler::beta_at(long k) const {
  if (!settings_.betas.empty())
    return k <= 0 ? 0.0 : settings_.betas[std::min<std::size_t>(k, settings_.betas.size()) - 1];
  return std::min(1.0, double(k) / double(settings_.levels));
}

void jala_sampler::for_chunks(const executor& exec, const std::function<void(std::size_t, std::size_t)>& body) const {
  exec.parallel_for((n_ + kChunk - 1) / kChunk,
                    [&](std::size_t c) { body(c * kChunk, std::min(n_, (c + 1) * kChunk)); });
}

void jala_sampler::evaluate_base(const executor& exec) {
  lp_.resize(n_);
  grad_.resize(n_ * d_);
  target_.evaluate(x_.data(), n_, lp_.data(), grad_.data(), exec);  // log R and its gradient
  evaluations_ += static_cast<long>(n_);
}

void jala_sampler::combine_path(std::size_t i) {
  // log pi_b = (1 - b) log N(x; 0, diag(s^2)) + b log R (the reference alone at b = 0, where log R
  // may be -inf outside R's support)
  const double a = 1.0 - beta_, b = beta_;
  const float* x = x_.data() + i * d_;
  float* g = grad_.data() + i * d_;
  double q = 0.0;
  for (int j = 0; j < d_; ++j) {
    q += double(x[j]) * x[j] * inv_var_[j];
    const double ref = -double(x[j]) * inv_var_[j];
    g[j] = static_cast<float>(b == 0.0 ? ref : a * ref + b * double(g[j]));
  }
  const double ref = ref_log_norm_ - 0.5 * q;
  lp_[i] = static_cast<float>(b == 0.0 ? ref : a * ref + b * double(lp_[i]));
}

void jala_sampler::normalise() {
  const double lse = log_sum_exp(log_a_);
  if (!std::isfinite(lse)) throw input_error("jala: every particle has weight zero at step " + std::to_string(step_));
  log_w_norm_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) log_w_norm_[i] = log_a_[i] - lse;
}

double jala_sampler::ess() const {
  double s2 = 0.0;
  for (double l : log_w_norm_) s2 += std::exp(2.0 * l);
  return 1.0 / s2;
}

std::optional<double> jala_sampler::log_z() const {
  return log_z_resampled_ + log_sum_exp(log_a_) - std::log(double(n_));
}

const std::vector<float>& jala_sampler::log_densities() const {
  log_r_.resize(n_);
  target_.evaluate(x_.data(), n_, log_r_.data(), nullptr);
  return log_r_;
}

void jala_sampler::resample() {
  log_z_resampled_ += log_sum_exp(log_a_) - std::log(double(n_));
  philox_stream rng(make_philox_key(seed_), static_cast<std::uint32_t>(step_), kResamplePurpose);
  const double u0 = rng.uniform() / double(n_);
  std::vector<float> x(n_ * d_), lp(n_), g(n_ * d_);
  double cum = 0.0;
  std::size_t i = 0;
  for (std::size_t k = 0; k < n_; ++k) {
    const double u = u0 + double(k) / double(n_);
    while (i + 1 < n_ && cum + std::exp(log_w_norm_[i]) < u) cum += std::exp(log_w_norm_[i++]);
    std::copy(x_.begin() + i * d_, x_.begin() + (i + 1) * d_, x.begin() + k * d_);
    std::copy(grad_.begin() + i * d_, grad_.begin() + (i + 1) * d_, g.begin() + k * d_);
    lp[k] = lp_[i];
  }
  x_.swap(x);
  lp_.swap(lp);
  grad_.swap(g);
  log_a_.assign(n_, 0.0);
  normalise();
  ++resamplings_;
}

void jala_sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  const double h = settings_.step_size, s2h = std::sqrt(2.0 * h);
  const philox_key key = make_philox_key(seed_);
  // each particle's noise is its own Philox stream: the result does not depend on the thread count
  const std::size_t chunks = (n_ + kChunk - 1) / kChunk;
  std::vector<double> half_xi2(n_);
  std::vector<char> finite(chunks);
  for (long k = 0; k < steps; ++k) {
    x_old_.swap(x_);
    lp_old_.swap(lp_);
    x_.resize(n_ * d_);
    // X_{k+1} = X_k + h grad log pi_k(X_k) + sqrt(2h) xi;  |X_{k+1} - X_k - h grad log pi_k|^2 / (4h) = |xi|^2 / 2
    for_chunks(exec, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        philox_stream rng(key, static_cast<std::uint32_t>(i), kNoisePurpose ^ static_cast<std::uint32_t>(step_));
        half_xi2[i] = 0.0;
        for (int j = 0; j < d_; ++j) {
          const double xi = rng.normal();
          half_xi2[i] += 0.5 * xi * xi;
          const std::size_t q = i * d_ + j;
          x_[q] = static_cast<float>(x_old_[q] + h * grad_[q] + s2h * xi);
        }
      }
    });
    beta_ = beta_at(step_ + 1);
    evaluate_base(exec);  // log R; the path is combined per particle in the weight loop below
    // A += log pi_{k+1}(X_{k+1}) - log pi_k(X_k) - |X_k - X_{k+1} - h grad log pi_{k+1}(X_{k+1})|^2 / (4h) + |xi|^2 / 2
    for_chunks(exec, [&](std::size_t begin, std::size_t end) {
      bool ok = true;
      for (std::size_t i = begin; i < end; ++i) {
        combine_path(i);
        double back = 0.0;
        for (int j = 0; j < d_; ++j) {
          const std::size_t q = i * d_ + j;
          ok = ok && std::isfinite(x_[q]);
          const double r = double(x_old_[q]) - double(x_[q]) - h * double(grad_[q]);
          back += r * r;
        }
        double inc = double(lp_[i]) - double(lp_old_[i]) - back / (4.0 * h) + half_xi2[i];
        if (!std::isfinite(inc)) inc = -std::numeric_limits<double>::infinity();
        log_a_[i] += inc;
      }
      finite[begin / kChunk] = ok;
    });
    ++step_;
    normalise();
    const double e = ess();
    ess_history_.push_back(e);
    bool all_finite = std::find(finite.begin(), finite.end(), char(0)) == finite.end();
    if (e < settings_.resample_threshold * double(n_)) {  // (a non-finite particle has weight 0: resampled away)
      resample();
      all_finite = std::all_of(x_.begin(), x_.end(), [](float v) { return std::isfinite(v); });
    }
    if (!all_finite)
      throw input_error("jala: non-finite particle at step " + std::to_string(step_) + " (step size too large?)");
    if (progress) progress(k + 1);
  }
}

}  // namespace dmt
