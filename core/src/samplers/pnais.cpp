#include "dmt/samplers/pnais.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "dmt/log_sum_exp.hpp"
#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/targets/composite_target.hpp"

namespace dmt {

namespace {

pnais_settings pnais_from_resolved(const params& p) {
  pnais_settings s;
  s.proposals = p.integer("proposals");
  if (s.proposals < 1 || s.proposals > 100000) throw input_error("pnais: proposals must be between 1 and 100000");
  s.gamma = p.number("gamma");
  if (!(s.gamma > 0 && s.gamma <= 1))
    throw input_error("pnais: gamma must be in (0, 1] (got " + std::to_string(s.gamma) + ")");
  s.cov_scale = p.number("cov_scale");
  if (!(s.cov_scale > 0) || !std::isfinite(s.cov_scale)) throw input_error("pnais: cov_scale must be positive");
  s.min_curvature = p.number("min_curvature");
  if (!(s.min_curvature > 0) || !std::isfinite(s.min_curvature))
    throw input_error("pnais: min_curvature must be positive");
  s.init_scale = p.number("init_scale");
  if (!(s.init_scale >= 0) || !std::isfinite(s.init_scale)) throw input_error("pnais: init_scale must be non-negative");
  s.burn_in = p.integer("burn_in");
  if (s.burn_in < 0) throw input_error("pnais: burn_in must be non-negative");
  p.reject_unused("sampler pnais");
  return s;
}

}  // namespace

pnais_settings parse_pnais(const params& p) {
  return pnais_from_resolved(resolve_params(component_kind::sampler, "pnais", p));
}

DMT_REGISTER_COMPONENTS(pnais) {
  component_spec c;
  c.kind = component_kind::sampler;
  c.name = "pnais";
  c.summary =
      "proximal Newton adaptive importance sampling: J Gaussian proposals moved by scaled proximal Newton steps "
      "(composite targets: f + L1 / box), deterministic-mixture weights, log Z; a step is one iteration";
  c.parameters = {integer_param("proposals", 10,
                                "J, Gaussian proposals (the particle count must be a multiple, >= 2 per proposal)"),
                  number_param("gamma", 0.5, "proximal Newton step, in (0, 1]"),
                  number_param("cov_scale", 1.0, "proposal covariance S_j = cov_scale H_j^-1"),
                  number_param("min_curvature", 0.001, "floor of the Hessian eigenvalues (taken by absolute value)"),
                  number_param("init_scale", 3.0, "initial means: init_scale x standard normal draws"),
                  integer_param("burn_in", 10, "iterations left out of the pooled log Z")};
  c.caps.weighted = true;
  c.caps.needs_hessian = true;
  c.listing_order = 100;
  c.make_sampler = sampler_factory_of<pnais_sampler>(pnais_from_resolved);
  r.add(std::move(c));
}

pnais_sampler::pnais_sampler(const target& t, pnais_settings settings, std::size_t particles, std::uint64_t seed,
                             const executor&)
    : target_(t),
      composite_(dynamic_cast<const composite_target*>(&t)),
      settings_(settings),
      n_(particles),
      d_(t.dim()),
      seed_(seed) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  const std::size_t j = static_cast<std::size_t>(settings_.proposals);
  if (n_ % j != 0 || n_ < 2 * j)
    throw input_error("pnais: the particle count (" + std::to_string(n_) + ") must be a multiple of proposals (" +
                      std::to_string(j) + "), at least 2 per proposal");
  per_ = n_ / j;
  for (std::size_t k = 0; k < j; ++k) {
    philox_stream rng(make_philox_key(seed_), static_cast<std::uint32_t>(k), 0x9A150001u);
    Eigen::VectorXd m(d_);
    for (int i = 0; i < d_; ++i) m[i] = settings_.init_scale * rng.normal();
    mu_.push_back(m);
  }
  x_.assign(n_ * d_, 0.0f);
  log_r_.assign(n_, 0.0f);
  pooled_mean_ = last_mean_ = Eigen::VectorXd::Zero(d_);
}

void pnais_sampler::set_particles(const std::vector<float>&, const executor&) {
  throw input_error("pnais draws its particles from its proposals; it takes no initial particles");
}

double pnais_sampler::f_and_grad(const Eigen::VectorXd& x, Eigen::VectorXd* grad) const {
  if (composite_) return composite_->smooth_part(x, grad);
  Eigen::VectorXd g(d_);
  const double lr = target_.evaluate_double(x.data(), g.data());
  if (grad) *grad = -g;
  return -lr;
}

Eigen::MatrixXd pnais_sampler::hessian(const Eigen::VectorXd& x) const {
  if (composite_) return composite_->smooth_hessian(x);
  Eigen::MatrixXd h(d_, d_);
  Eigen::VectorXd gp(d_), gm(d_);
  for (int i = 0; i < d_; ++i) {  // central differences of grad f
    const double dx = 1e-4 * (1.0 + std::abs(x[i]));
    Eigen::VectorXd xp = x, xm = x;
    xp[i] += dx;
    xm[i] -= dx;
    f_and_grad(xp, &gp);
    f_and_grad(xm, &gm);
    h.col(i) = (gp - gm) / (2 * dx);
  }
  return 0.5 * (h + h.transpose());
}

void pnais_sampler::iterate(const executor& exec) {
  const std::size_t nj = mu_.size();
  // 1. proposals: H_j made positive definite by the absolute values of its eigenvalues (saddle-free
  // Newton: a step from a point of negative curvature moves downhill by a sensible amount), floored
  // at min_curvature; S_j = c H_j^-1 = V diag(c / |lambda|) V^T
  std::vector<Eigen::MatrixXd> hs(nj), root(nj), prec(nj);
  std::vector<double> log_norm(nj);
  for (std::size_t j = 0; j < nj; ++j) {
    Eigen::MatrixXd h = hessian(mu_[j]);
    if (!h.allFinite()) throw input_error("pnais: the Hessian of f is not finite at a proposal mean");
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(h);
    Eigen::VectorXd lam = es.eigenvalues().cwiseAbs().cwiseMax(settings_.min_curvature);
    hs[j] = es.eigenvectors() * lam.asDiagonal() * es.eigenvectors().transpose();
    root[j] = es.eigenvectors() * (settings_.cov_scale * lam.cwiseInverse()).cwiseSqrt().asDiagonal();
    prec[j] = hs[j] / settings_.cov_scale;
    log_norm[j] = -0.5 * (d_ * std::log(2 * M_PI) + (settings_.cov_scale * lam.cwiseInverse()).array().log().sum());
    if (!composite_) evaluations_ += 2L * d_;
  }
  // 2-3. draws and deterministic-mixture weights
  std::vector<double> log_w(n_);
  const std::size_t chunk = 256, tasks = (n_ + chunk - 1) / chunk;
  exec.parallel_for(tasks, [&](std::size_t task) {
    Eigen::VectorXd z(d_), x(d_), g(d_);
    std::vector<double> lq(nj);
    for (std::size_t p = task * chunk; p < std::min(n_, (task + 1) * chunk); ++p) {
      const std::size_t j = p / per_;
      philox_stream rng(make_philox_key(seed_), static_cast<std::uint32_t>(p), 0x9A150002u,
                        static_cast<std::uint32_t>(step_));
      for (int i = 0; i < d_; ++i) z[i] = rng.normal();
      x = mu_[j] + root[j] * z;
      double lr;
      if (composite_) {
        const double gx = composite_->nonsmooth_part(x);
        lr = std::isfinite(gx) ? -composite_->smooth_part(x, nullptr) - gx : -std::numeric_limits<double>::infinity();
      } else {
        lr = target_.evaluate_double(x.data(), g.data());
      }
      for (std::size_t i = 0; i < nj; ++i) {
        const Eigen::VectorXd r = x - mu_[i];
        lq[i] = log_norm[i] - 0.5 * r.dot(prec[i] * r);
      }
      const double lmix = log_sum_exp(lq) - std::log(double(nj));
      log_w[p] = std::isnan(lr) ? -std::numeric_limits<double>::infinity() : lr - lmix;
      for (int i = 0; i < d_; ++i) x_[p * d_ + i] = static_cast<float>(x[i]);
      log_r_[p] = static_cast<float>(lr);
    }
  });
  evaluations_ += static_cast<long>(n_);
  const double lse = log_sum_exp(log_w);
  if (!std::isfinite(lse))
    throw input_error("pnais: every importance weight of iteration " + std::to_string(step_) +
                      " is zero or not finite (no draw inside the target's support?)");
  log_w_norm_.resize(n_);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(d_);
  double ess_inv = 0.0;
  for (std::size_t p = 0; p < n_; ++p) {
    log_w_norm_[p] = log_w[p] - lse;
    const double w = std::exp(log_w_norm_[p]);
    ess_inv += w * w;
    for (int i = 0; i < d_; ++i) mean[i] += w * x_[p * d_ + i];
  }
  ess_history_.push_back(1.0 / ess_inv);
  last_log_mean_ = lse - std::log(double(n_));
  last_mean_ = mean;
  if (step_ >= settings_.burn_in) {  // pool: log sum of all weights, and the weighted mean
    const double total = std::max(pooled_log_sum_, lse) + std::log1p(std::exp(-std::abs(pooled_log_sum_ - lse)));
    const double share = std::exp(lse - total);
    pooled_mean_ = std::isfinite(pooled_log_sum_) ? Eigen::VectorXd((1 - share) * pooled_mean_ + share * mean) : mean;
    pooled_log_sum_ = total;
    pooled_count_ += double(n_);
  }
  // 4. scaled proximal Newton steps of the means
  for (std::size_t j = 0; j < nj; ++j) {
    Eigen::VectorXd g(d_);
    f_and_grad(mu_[j], &g);
    ++evaluations_;
    const Eigen::VectorXd v = mu_[j] - settings_.gamma * hs[j].ldlt().solve(g);
    const Eigen::VectorXd next = composite_ ? composite_->prox(v, hs[j], settings_.gamma) : v;
    if (next.allFinite()) mu_[j] = next;
  }
  ++step_;
}

void pnais_sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  for (long k = 0; k < steps; ++k) {
    iterate(exec);
    if (progress) progress(k + 1);
  }
}

std::optional<double> pnais_sampler::log_z() const {
  if (step_ == 0) return std::nullopt;
  if (pooled_count_ > 0) return pooled_log_sum_ - std::log(pooled_count_);
  return last_log_mean_;
}

Eigen::VectorXd pnais_sampler::pooled_mean() const { return pooled_count_ > 0 ? pooled_mean_ : last_mean_; }

double pnais_sampler::ess() const { return ess_history_.empty() ? double(n_) : ess_history_.back(); }

}  // namespace dmt
