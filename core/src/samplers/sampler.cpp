#include "dmt/samplers/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dmt/registry.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

// Particles per parallel task: about 8192 coordinates, between one tile and 256 particles.
// It depends on the dimension only, never on the thread count, so results never do either.
std::size_t particles_per_task(int dim, std::size_t lanes) {
  const std::size_t p = std::clamp<std::size_t>(8192 / static_cast<std::size_t>(dim), lanes, 256);
  return (p + lanes - 1) / lanes * lanes;
}
const char* const kKinds[] = {"ula", "mala", "underdamped", "skrock"};

// Chebyshev polynomials P_0..P_s at w by the three-term recurrence P_j = 2 w P_{j-1} - P_{j-2},
// P_0 = 1: first kind (T) with P_1 = w, second kind (U) with P_1 = 2w.
std::vector<double> chebyshev(int s, double w, double p1) {
  std::vector<double> p(s + 1);
  p[0] = 1.0;
  if (s >= 1) p[1] = p1;
  for (int j = 2; j <= s; ++j) p[j] = 2.0 * w * p[j - 1] - p[j - 2];
  return p;
}

}  // namespace

skrock_coefficients make_skrock_coefficients(int s, double eta) {
  if (s < 1 || s > skrock_coefficients::max_stages) throw input_error("skrock: stages must be in [1, 64]");
  if (!(eta >= 0)) throw input_error("skrock: damping must be non-negative");
  const double w0 = 1.0 + eta / (double(s) * s);
  const std::vector<double> t = chebyshev(s, w0, w0), u = chebyshev(s, w0, 2.0 * w0);
  const double w1 = t[s] / (s * u[s - 1]);  // T_s / T_s', with T_s'(w) = s U_{s-1}(w)
  skrock_coefficients c{};
  c.stages = s;
  c.mu1 = static_cast<float>(w1 / w0);
  c.nu1 = static_cast<float>(s * w1 / 2.0);
  c.k1 = static_cast<float>(s * w1 / w0);
  for (int j = 2; j <= s; ++j) {
    c.mu[j] = static_cast<float>(2.0 * w1 * t[j - 1] / t[j]);
    c.nu[j] = static_cast<float>(2.0 * w0 * t[j - 1] / t[j]);
  }
  return c;
}

namespace {

bool is_langevin(const std::string& kind) {
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

std::vector<param_spec> langevin_parameters(std::vector<param_spec> extra) {
  std::vector<param_spec> all = {
      number_param("step_size", 0.05, "step size h (initial value when adapting)"),
      string_param("init", "normal", "initial particles: normal, exact (the target's exact sampler) or zeros")
          .one_of({"normal", "exact", "zeros"}),
      number_param("init_scale", 1.0, "standard deviation of the normal initialisation"),
      boolean_param("simd", true, "false runs the scalar reference path"),
      integer_param("trace_particles", 64,
                    "particles whose first coordinate is traced for chain ESS (open-ended runs, the JS Sampler without "
                    "steps, trace 16: the trace grows every step)")
          .computed([](const params&, const run_context& run) -> params::value { return run.open_ended ? 16.0 : 64.0; },
                    "64 (16 open-ended)")};
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

// The resolved parameters of a Langevin-family sampler as its settings.
sampler_settings langevin_settings(const std::string& kind, const params& p) {
  sampler_settings s;
  s.kind = kind;
  s.step_size = p.number("step_size");
  if (!(s.step_size > 0)) throw input_error("step_size must be positive");
  s.init = p.string("init");
  if (s.init != "normal" && s.init != "exact" && s.init != "zeros")
    throw input_error("init must be normal, exact or zeros (got '" + s.init + "')");
  s.init_scale = p.number("init_scale");
  if (!(s.init_scale > 0)) throw input_error("init_scale must be positive");
  s.simd = p.boolean("simd");
  s.trace_particles = p.integer("trace_particles");
  if (s.trace_particles < 0) throw input_error("trace_particles must be non-negative");
  if (kind == "mala") {
    s.adapt_steps = p.integer("adapt_steps");
    s.target_accept = p.number("target_accept");
    if (s.adapt_steps < 0) throw input_error("adapt_steps must be non-negative");
    if (!(s.target_accept > 0 && s.target_accept < 1)) throw input_error("target_accept must be in (0, 1)");
  }
  if (kind == "underdamped") {
    s.friction = p.number("friction");
    if (!(s.friction > 0)) throw input_error("friction must be positive");
  }
  if (kind == "skrock") {
    s.stages = static_cast<int>(p.integer("stages"));
    s.damping = p.number("damping");
    make_skrock_coefficients(s.stages, s.damping);  // validates
  }
  p.reject_unused("sampler " + kind);
  return s;
}

}  // namespace

sampler_settings parse_sampler(const std::string& kind, const params& p, const run_context& run) {
  const component_spec& spec = registry::global().get(component_kind::sampler, kind);
  if (!is_langevin(kind))
    throw input_error("sampler '" + kind + "' is not of the Langevin family (ula, mala, underdamped, skrock)");
  return langevin_settings(kind, resolve_params(spec, p, run));
}

DMT_REGISTER_COMPONENTS(langevin_samplers) {
  auto factory = [](const std::string& kind) -> sampler_factory {
    return [kind](const params& p, const target& t, std::size_t n, std::uint64_t seed, const executor& exec) {
      return std::make_unique<sampler>(t, langevin_settings(kind, p), n, seed, exec);
    };
  };
  capabilities caps;
  caps.cuda = true;
  caps.full_support = true;  // gradient steps from N(0, s^2) particles; MALA rejects -inf but starts outside the support
  auto add = [&](std::string name, std::string summary, double order, std::vector<param_spec> extra) {
    component_spec c;
    c.kind = component_kind::sampler;
    c.name = name;
    c.summary = std::move(summary);
    c.parameters = langevin_parameters(std::move(extra));
    c.caps = caps;
    // h = 0.05 leaves the finite numbers on the quartic wells (manywell, doublewell) and on
    // lasso_regression within a few steps (docs/defaults.md); h = 0.01 runs on each of them.
    // MALA adapts h and rejects what diverges.
    if (name != "mala") c.on_divergence = {{"step_size", 0.01}};
    c.listing_order = order;
    c.make_sampler = factory(name);
    r.add(std::move(c));
  };
  add("ula", "unadjusted Langevin: x += h grad log R + sqrt(2h) xi", 10, {});
  add("mala", "Metropolis-adjusted Langevin with step adaptation toward target_accept", 20,
      {integer_param(
           "adapt_steps", 500,
           "steps adapting h, then frozen and not counted in the acceptance rate; by default half the run's "
           "steps (dmt sample --steps, a config's or the JS Sampler's steps), 500 when no run length is given")
           .computed([](const params&, const run_context& run)
                         -> params::value { return run.steps ? static_cast<double>(*run.steps / 2) : 500.0; },
                     "steps/2 (500)"),
       number_param("target_accept", 0.574, "acceptance rate aimed at")});
  add("underdamped", "underdamped Langevin, unit mass, BAOAB splitting", 30,
      {number_param("friction", 1.0, "friction gamma")});
  add("skrock", "SK-ROCK stabilised Langevin integrator for stiff targets", 40,
      {integer_param("stages", 10, "number of stages s (1..64)"), number_param("damping", 0.05, "damping eta")});
}

std::vector<float> initial_particles(const target& t, const sampler_settings& s, std::size_t n, std::uint64_t seed) {
  const int d = t.dim();
  std::vector<float> x(n * static_cast<std::size_t>(d), 0.0f);
  if (s.init == "exact") {
    t.sample_exact(seed, n, x.data());
  } else if (s.init == "normal") {
    const philox_key key = make_philox_key(seed);
    for (std::size_t i = 0; i < n; ++i) {
      philox_stream rng(key, static_cast<std::uint32_t>(i), 0x1A17u);
      for (int j = 0; j < d; ++j) x[i * d + j] = static_cast<float>(s.init_scale * rng.normal());
    }
  }
  return x;
}

std::vector<float> initial_velocities(std::size_t n, int dim, std::uint64_t seed) {
  const philox_key key = make_philox_key(seed);
  std::vector<float> v(n * static_cast<std::size_t>(dim));
  for (std::size_t i = 0; i < n; ++i) {
    philox_stream rng(key, static_cast<std::uint32_t>(i), 0x1A18u);
    for (int j = 0; j < dim; ++j) v[i * dim + j] = static_cast<float>(rng.normal());
  }
  return v;
}

double adapt_step_size(double h, double acceptance, double target_accept) {
  // Robbins-Monro on log h with unit gain; the batch mean over N particles is nearly noise-free.
  return h * std::exp(acceptance - target_accept);
}

sampler::sampler(const target& t, sampler_settings settings, std::size_t particles, std::uint64_t seed, int)
    : target_(t),
      settings_(std::move(settings)),
      method_(settings_.kind == "ula"           ? method::ula
              : settings_.kind == "mala"        ? method::mala
              : settings_.kind == "underdamped" ? method::underdamped
                                                : method::skrock),
      n_(particles),
      d_(t.dim()),
      key_(make_philox_key(seed)),
      h_(settings_.step_size) {
  if (n_ == 0) throw input_error("particle count must be positive");
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  if (settings_.kind == "skrock") skrock_ = make_skrock_coefficients(settings_.stages, settings_.damping);
  trace_m_ = std::min<std::size_t>(n_, static_cast<std::size_t>(settings_.trace_particles));
  if (settings_.kind == "underdamped") v_ = initial_velocities(n_, d_, seed);
}

sampler::sampler(const target& t, sampler_settings settings, std::size_t particles, std::uint64_t seed,
                 const executor& exec)
    : sampler(t, std::move(settings), particles, seed, 0) {
  set_particles(initial_particles(t, settings_, n_, seed), exec);
}

sampler::sampler(const target& t, sampler_settings settings, const std::vector<float>& x, std::uint64_t seed,
                 const executor& exec)
    : sampler(t, std::move(settings), t.dim() > 0 ? x.size() / static_cast<std::size_t>(t.dim()) : 0, seed, 0) {
  set_particles(x, exec);
}

sampler::sampler(const target& t, sampler_settings settings, std::vector<float> x, std::vector<float> log_r,
                 std::vector<float> grad, std::uint64_t seed)
    : sampler(t, std::move(settings), log_r.size(), seed, 0) {
  if (x.size() != n_ * static_cast<std::size_t>(d_) || grad.size() != x.size())
    throw input_error("sampler: state of " + std::to_string(x.size()) + " coordinates, " + std::to_string(grad.size()) +
                      " gradient entries and " + std::to_string(n_) + " log densities does not fit dimension " +
                      std::to_string(d_));
  x_ = std::move(x);
  log_r_ = std::move(log_r);
  grad_ = std::move(grad);
}

void sampler::set_particles(const std::vector<float>& x, const executor& exec) {
  if (x.size() != n_ * static_cast<std::size_t>(d_))
    throw input_error("expected " + std::to_string(n_) + " x " + std::to_string(d_) + " particles, got " +
                      std::to_string(x.size()) + " numbers");
  x_ = x;
  grad_.assign(x_.size(), 0.0f);
  log_r_.assign(n_, 0.0f);
  target_.evaluate(x_.data(), n_, log_r_.data(), grad_.data(), exec);
}

double sampler::acceptance_rate() const {
  if (method_ != method::mala) return 1.0;
  return proposals_ > 0 ? accepted_ / proposals_ : std::numeric_limits<double>::quiet_NaN();
}

template <class T>
void sampler::sweep(std::size_t tile_begin, std::size_t tile_end, long steps, bool tracing, std::size_t trace_row0,
                    double* accepted_sum, long* bad_step, long* bad_particle) {
  constexpr int W = lanes<T>::value;
  const int d = d_;
  std::vector<T> x(d), grad(d), v(d), a(d), b(d), c(d);
  alignas(64) float buf[W];
  std::vector<float> soa(static_cast<std::size_t>(d) * W);
  auto eval = [this](const T* xx, T* gg) {
    T lr;
    target_.evaluate_tile(xx, &lr, gg);
    return lr;
  };
  const float h = static_cast<float>(h_);
  for (std::size_t tile = tile_begin; tile < tile_end; ++tile) {
    const std::size_t first = tile * W;
    const std::size_t count = std::min<std::size_t>(W, n_ - first);
    // row-major particles <-> one SIMD batch per coordinate (each particle's row read
    // or written once, contiguously, through soa); lanes past the end repeat the last particle
    auto load = [&](const std::vector<float>& src, T* dst) {
      for (int l = 0; l < W; ++l) {
        const float* row = src.data() + (first + std::min<std::size_t>(l, count - 1)) * d;
        for (int j = 0; j < d; ++j) soa[j * W + l] = row[j];
      }
      for (int j = 0; j < d; ++j) dst[j] = lane_io<T>::load(soa.data() + j * W);
    };
    auto store = [&](const T* src, std::vector<float>& dst) {
      for (int j = 0; j < d; ++j) lane_io<T>::store(src[j], soa.data() + j * W);
      for (std::size_t l = 0; l < count; ++l) {
        float* row = dst.data() + (first + l) * d;
        for (int j = 0; j < d; ++j) row[j] = soa[j * W + l];
      }
    };
    load(x_, x.data());
    load(grad_, grad.data());
    for (int l = 0; l < W; ++l) buf[l] = log_r_[first + std::min<std::size_t>(l, count - 1)];
    T log_r = lane_io<T>::load(buf);
    if (!v_.empty()) load(v_, v.data());
    T accepted(0.0f);
    const std::uint32_t p0 = static_cast<std::uint32_t>(first);
    for (long s = 0; s < steps; ++s) {
      const std::uint32_t step = static_cast<std::uint32_t>(step_ + s);
      switch (method_) {
        case method::ula:
          ula_step<T>(eval, d, h, key_, step, p0, x.data(), grad.data(), log_r, a.data());
          break;
        case method::mala:
          accepted = accepted + mala_step<T>(eval, d, h, key_, step, p0, x.data(), grad.data(), log_r, a.data(),
                                             b.data(), c.data());
          break;
        case method::underdamped:
          baoab_step<T>(eval, d, h, static_cast<float>(settings_.friction), key_, step, p0, x.data(), v.data(),
                        grad.data(), log_r, a.data());
          break;
        case method::skrock:
          skrock_step<T>(eval, d, h, skrock_, key_, step, p0, x.data(), grad.data(), log_r, a.data(), b.data(),
                         c.data());
          break;
      }
      // x * 0 is NaN exactly where x is NaN or infinite
      T probe = log_r - log_r;
      for (int j = 0; j < d; ++j) probe = probe + x[j] * T(0.0f);
      lane_io<T>::store(probe, buf);
      bool bad = false;
      for (std::size_t l = 0; l < count; ++l) {
        if (!(buf[l] == 0.0f)) {
          const long bs = step_ + s, bp = static_cast<long>(first + l);
          if (*bad_step < 0 || bs < *bad_step || (bs == *bad_step && bp < *bad_particle)) {
            *bad_step = bs;
            *bad_particle = bp;
          }
          bad = true;
          break;
        }
      }
      if (bad) break;
      if (tracing && first < trace_m_) {
        lane_io<T>::store(x[0], buf);
        for (std::size_t l = 0; l < count && first + l < trace_m_; ++l)
          trace_[(trace_row0 + s) * trace_m_ + first + l] = buf[l];
      }
    }
    store(x.data(), x_);
    store(grad.data(), grad_);
    lane_io<T>::store(log_r, buf);
    for (std::size_t l = 0; l < count; ++l) log_r_[first + l] = buf[l];
    if (!v_.empty()) store(v.data(), v_);
    lane_io<T>::store(accepted, buf);
    for (std::size_t l = 0; l < count; ++l) *accepted_sum += buf[l];
  }
}

void sampler::run_phase(long steps, bool adapting, const executor& exec) {
  const std::size_t W = settings_.simd ? lanes<float_batch>::value : 1;
  const std::size_t tiles_per_task = particles_per_task(d_, W) / W;
  const std::size_t n_tiles = (n_ + W - 1) / W;
  const std::size_t n_tasks = (n_tiles + tiles_per_task - 1) / tiles_per_task;
  std::vector<double> accepted(n_tasks, 0.0);
  std::vector<long> bad_step(n_tasks, -1), bad_particle(n_tasks, -1);
  const std::size_t trace_row0 = trace_m_ ? trace_.size() / trace_m_ : 0;
  if (!adapting) trace_.resize(trace_.size() + static_cast<std::size_t>(steps) * trace_m_);
  exec.parallel_for(n_tasks, [&](std::size_t task) {
    const std::size_t begin = task * tiles_per_task, end = std::min(n_tiles, begin + tiles_per_task);
    if (settings_.simd)
      sweep<float_batch>(begin, end, steps, !adapting, trace_row0, &accepted[task], &bad_step[task],
                         &bad_particle[task]);
    else
      sweep<float>(begin, end, steps, !adapting, trace_row0, &accepted[task], &bad_step[task], &bad_particle[task]);
  });
  long first_bad_step = -1, first_bad_particle = -1;
  for (std::size_t t = 0; t < n_tasks; ++t) {
    if (bad_step[t] < 0) continue;
    if (first_bad_step < 0 || bad_step[t] < first_bad_step ||
        (bad_step[t] == first_bad_step && bad_particle[t] < first_bad_particle)) {
      first_bad_step = bad_step[t];
      first_bad_particle = bad_particle[t];
    }
  }
  if (first_bad_step >= 0) throw nonfinite_error(first_bad_step, first_bad_particle);
  double total = 0.0;
  for (double a : accepted) total += a;
  step_ += steps;
  if (method_ != method::mala) return;
  const double rate = total / (static_cast<double>(n_) * steps);
  if (adapting) {
    h_ = adapt_step_size(h_, rate, settings_.target_accept);
  } else {
    accepted_ += total;
    proposals_ += static_cast<double>(n_) * steps;
  }
}

void sampler::run(long steps, const executor& exec, const std::function<void(long)>& progress) {
  if (steps < 0) throw input_error("step count must be non-negative");
  long done = 0;
  while (done < steps && method_ == method::mala && step_ < settings_.adapt_steps) {
    run_phase(1, true, exec);
    ++done;
    if (progress && done % 16 == 0) progress(done);
  }
  const long remaining = steps - done;
  // Sweeps of many steps keep each tile in registers/L1 for all of them; about 50 sweeps per
  // call leave room for progress reports, but never fewer than 32 steps per sweep.
  const long per_sweep = std::max<long>(1, std::min<long>(remaining, std::max<long>(32, (steps + 49) / 50)));
  while (done < steps) {
    const long k = std::min(per_sweep, steps - done);
    run_phase(k, false, exec);
    done += k;
    if (progress) progress(done);
  }
}

}  // namespace dmt
