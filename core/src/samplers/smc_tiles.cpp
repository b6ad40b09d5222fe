// SMC's SIMD path with the particles kept in tiles across levels (smc.hpp): the evaluation of the
// base, the resampling gather and the fused per-level moves. The moves are the Langevin sampler's
// (langevin_steps.hpp) on tempered_combine's log density, with the noise keyed as the row-major path
// keys it (seed of the level, particle, move), so both paths give the same particles and log Z.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dmt/samplers/langevin_steps.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/samplers/smc.hpp"
#include "dmt/simd.hpp"

namespace dmt {
namespace {

constexpr std::size_t W = lanes<float_batch>::value;

// Tiles per parallel task: about 8192 coordinates (a fixed split: results never depend on threads).
std::size_t tiles_per_task(int dim) { return std::clamp<std::size_t>(8192 / (static_cast<std::size_t>(dim) * W), 1, 16); }

// log N(x; 0, s^2 I) of every lane of a tile, in double with the coordinates summed in order (as
// tempered_target::log_reference sums them for one particle).
void log_reference_lanes(const float* tile, int d, double log_norm, double s2, double* out) {
  double q[W] = {};
  for (int j = 0; j < d; ++j)
    for (std::size_t l = 0; l < W; ++l) {
      const double v = tile[j * W + l];
      q[l] += v * v;
    }
  for (std::size_t l = 0; l < W; ++l) out[l] = log_norm - 0.5 * q[l] / s2;
}

}  // namespace

void smc_sampler::tiles_from_rows() {
  const std::size_t d = static_cast<std::size_t>(d_), n_tiles = (n_ + W - 1) / W;
  x_tiles_.assign(n_tiles * d * W, 0.0f);
  for (std::size_t t = 0; t < n_tiles; ++t)
    for (std::size_t l = 0; l < W; ++l) {
      const float* row = x_.data() + std::min(t * W + l, n_ - 1) * d;  // lanes past n: the last particle
      for (std::size_t j = 0; j < d; ++j) x_tiles_[(t * d + j) * W + l] = row[j];
    }
  if (settings_.keep_gradients) grad_tiles_.assign(x_tiles_.size(), 0.0f);
  rows_stale_ = false;
}

void smc_sampler::rows_from_tiles() const {
  const std::size_t d = static_cast<std::size_t>(d_);
  x_.resize(n_ * d);
  for (std::size_t i = 0; i < n_; ++i) {
    const float* tile = x_tiles_.data() + (i / W) * d * W + i % W;
    for (std::size_t j = 0; j < d; ++j) x_[i * d + j] = tile[j * W];
  }
  rows_stale_ = false;
}

void smc_sampler::tiled_evaluate_base(const executor& exec) {
  const std::size_t d = static_cast<std::size_t>(d_), n_tiles = (n_ + W - 1) / W, per = tiles_per_task(d_);
  log_r_.resize(n_);
  log_ref_.resize(n_);
  const double log_norm = tempered_.reference_log_norm();
  exec.parallel_for((n_tiles + per - 1) / per, [&](std::size_t task) {
    std::vector<float_batch> x(d), g(d);
    alignas(64) float lr[W];
    double lref[W];
    for (std::size_t t = task * per; t < std::min(n_tiles, (task + 1) * per); ++t) {
      float* xt = x_tiles_.data() + t * d * W;
      float* gt = settings_.keep_gradients ? grad_tiles_.data() + t * d * W : nullptr;
      for (std::size_t j = 0; j < d; ++j) x[j] = float_batch::load_unaligned(xt + j * W);
      float_batch l;
      target_.evaluate_tile(x.data(), &l, g.data());
      l.store_unaligned(lr);
      if (settings_.keep_gradients)
        for (std::size_t j = 0; j < d; ++j) g[j].store_unaligned(gt + j * W);
      log_reference_lanes(xt, d_, log_norm, tempered_.reference_variance(), lref);
      for (std::size_t k = 0; k < W && t * W + k < n_; ++k) {
        log_r_[t * W + k] = lr[k];
        log_ref_[t * W + k] = lref[k];
      }
    }
  });
  evaluations_ += static_cast<long>(n_);
  rows_stale_ = true;
}

void smc_sampler::tiled_gather(const std::vector<std::uint32_t>& ancestors) {
  const std::size_t d = static_cast<std::size_t>(d_);
  std::vector<float>& x = x_spare_;  // kept between resamplings: no allocation (and page faults) per level
  std::vector<float>& g = grad_spare_;
  x.resize(x_tiles_.size());
  g.resize(grad_tiles_.size());  // empty when the gradients are recomputed
  const std::size_t n_tiles = (n_ + W - 1) / W;
  for (std::size_t t = 0; t < n_tiles; ++t)
    for (std::size_t l = 0; l < W; ++l) {
      const std::size_t i = ancestors[std::min(t * W + l, n_ - 1)];
      const std::size_t src = (i / W) * d * W + i % W, dst = t * d * W + l;
      for (std::size_t j = 0; j < d; ++j) x[dst + j * W] = x_tiles_[src + j * W];
      if (!g.empty())
        for (std::size_t j = 0; j < d; ++j) g[dst + j * W] = grad_tiles_[src + j * W];
    }
  x_tiles_.swap(x);
  grad_tiles_.swap(g);
  rows_stale_ = true;
}

double smc_sampler::tiled_moves(std::uint64_t seed, const executor& exec) {
  using T = float_batch;
  const std::size_t d = static_cast<std::size_t>(d_), n_tiles = (n_ + W - 1) / W, per = tiles_per_task(d_);
  const std::size_t n_tasks = (n_tiles + per - 1) / per;
  const tempered_coefficients c = tempered_.coefficients();
  const float h = static_cast<float>(h_);
  const philox_key key = make_philox_key(seed);
  const bool mala = settings_.move == "mala", keep = settings_.keep_gradients;
  const double log_norm = tempered_.reference_log_norm();
  std::vector<double> accepted(n_tasks, 0.0);
  std::vector<long> bad_step(n_tasks, -1), bad_particle(n_tasks, -1);
  exec.parallel_for(n_tasks, [&](std::size_t task) {
    // x, the tempered gradient, the base's gradient and log R (current and proposed), scratch
    std::vector<T> x(d), tg(d), bg(d), pbg(d), noise(d), prop(d), prop_tg(d);
    alignas(64) float buf[W];
    double lref[W];
    T pbl(0.0f);
    // the proposal's tempered log density and gradient; its base values kept in pbl / pbg
    const auto eval = [&](const T* at, T* grad) {
      target_.evaluate_tile(at, &pbl, pbg.data());
      T lr = pbl;
      for (std::size_t j = 0; j < d; ++j) grad[j] = pbg[j];
      tempered_combine<T>(c, d_, at, lr, grad);
      return lr;
    };
    for (std::size_t t = task * per; t < std::min(n_tiles, (task + 1) * per); ++t) {
      float* xt = x_tiles_.data() + t * d * W;
      float* gt = keep ? grad_tiles_.data() + t * d * W : nullptr;
      const std::size_t first = t * W, count = std::min(W, n_ - first);
      for (std::size_t j = 0; j < d; ++j)  // lanes past n repeat the last particle (its log R is loaded)
        for (std::size_t l = count; l < W; ++l) {
          xt[j * W + l] = xt[j * W + count - 1];
          if (keep) gt[j * W + l] = gt[j * W + count - 1];
        }
      T bl;
      for (std::size_t j = 0; j < d; ++j) x[j] = T::load_unaligned(xt + j * W);
      if (keep) {
        for (std::size_t j = 0; j < d; ++j) bg[j] = T::load_unaligned(gt + j * W);
        for (std::size_t l = 0; l < W; ++l) buf[l] = log_r_[std::min(first + l, n_ - 1)];
        bl = T::load_unaligned(buf);
      } else {  // the same values again (the kernel is deterministic), without the gradient's memory traffic
        target_.evaluate_tile(x.data(), &bl, bg.data());
      }
      for (std::size_t j = 0; j < d; ++j) tg[j] = bg[j];
      T tl = bl;
      tempered_combine<T>(c, d_, x.data(), tl, tg.data());
      T acc(0.0f);
      bool bad = false;
      for (int m = 0; m < settings_.moves && !bad; ++m) {
        const std::uint32_t step = static_cast<std::uint32_t>(m), p0 = static_cast<std::uint32_t>(first);
        if (mala) {
          const T a = mala_step<T>(eval, d_, h, key, step, p0, x.data(), tg.data(), tl, noise.data(), prop.data(),
                                   prop_tg.data());
          acc = acc + a;
          const auto took = a == T(1.0f);
          for (std::size_t j = 0; j < d; ++j) bg[j] = xsimd::select(took, pbg[j], bg[j]);
          bl = xsimd::select(took, pbl, bl);
        } else {
          ula_step<T>(eval, d_, h, key, step, p0, x.data(), tg.data(), tl, noise.data());
          for (std::size_t j = 0; j < d; ++j) bg[j] = pbg[j];
          bl = pbl;
        }
        // x * 0 is NaN exactly where x is NaN or infinite (as the Langevin sampler checks)
        T probe = tl - tl;
        for (std::size_t j = 0; j < d; ++j) probe = probe + x[j] * T(0.0f);
        probe.store_unaligned(buf);
        for (std::size_t l = 0; l < count && !bad; ++l)
          if (!(buf[l] == 0.0f)) {
            if (bad_step[task] < 0 || m < bad_step[task]) {  // tiles come in particle order
              bad_step[task] = m;
              bad_particle[task] = static_cast<long>(first + l);
            }
            bad = true;
          }
      }
      if (bad) continue;  // the run fails below; the other tiles may hold an earlier step
      for (std::size_t j = 0; j < d; ++j) {
        x[j].store_unaligned(xt + j * W);
        if (keep) bg[j].store_unaligned(gt + j * W);
      }
      bl.store_unaligned(buf);
      log_reference_lanes(xt, d_, log_norm, tempered_.reference_variance(), lref);
      for (std::size_t l = 0; l < count; ++l) {
        log_r_[first + l] = buf[l];
        log_ref_[first + l] = lref[l];
      }
      acc.store_unaligned(buf);
      for (std::size_t l = 0; l < count; ++l) accepted[task] += buf[l];
    }
  });
  // the earliest step, then the lowest particle, as the Langevin sampler reports it
  long first_step = -1, first_particle = -1;
  for (std::size_t t = 0; t < n_tasks; ++t)
    if (bad_step[t] >= 0 && (first_step < 0 || bad_step[t] < first_step ||
                             (bad_step[t] == first_step && bad_particle[t] < first_particle))) {
      first_step = bad_step[t];
      first_particle = bad_particle[t];
    }
  if (first_step >= 0) throw nonfinite_error(first_step, first_particle);
  rows_stale_ = true;
  double total = 0.0;
  for (double a : accepted) total += a;
  return mala ? total / (double(n_) * settings_.moves) : 1.0;
}

bool smc_sampler::tiled_finite() const {
  // Nothing to check: the initial draw is finite, resampling copies particles, and the moves throw
  // (nonfinite_error, above) as soon as a particle's position or log density leaves the finite numbers.
  return true;
}

}  // namespace dmt
