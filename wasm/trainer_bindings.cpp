// dmt.Trainer: a diffusion sampler trained step by step from the same JSON config as `dmt train`;
// samples, trajectories, evaluation metrics, and model files shared with the native build.
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "dmt/diffusion/trajectory.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/config/evaluation_json.hpp"
#include "dmt/config/train_config.hpp"
#include "dmt/nn/model_file.hpp"
#include "dmt/rng/philox.hpp"
#include "dmt/targets/registry.hpp"
#include "js_value.hpp"

namespace dmt::js {
namespace {

constexpr long kSampleChunk = 16384;  // as `dmt sample --model`: same seed, same samples

class js_trainer {
 public:
  void init(const val& config) {
    guarded([&] {
      setup(parse_train_config(to_json(config, "trainer config"), "the trainer config"), nullptr, "");
    });
  }

  // A model file written by `dmt train` (or saveModel): its config, parameters and optimiser state.
  void load_model(const val& bytes) {
    guarded([&] {
      if (!bytes.instanceof(val::global("Uint8Array")))
        throw input_error("loadModel needs the model file's bytes as a Uint8Array");
      const std::vector<std::uint8_t> b = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
      const std::string source = "the model file";
      const model_file f = parse_model(std::string(b.begin(), b.end()), source);
      nlohmann::json config;
      try {
        config = nlohmann::json::parse(f.header.at("config"));
      } catch (const std::exception&) {
        throw input_error("the model file has no readable training config in its header");
      }
      setup(parse_train_config(config, source), &f, source);
    });
  }

  val save_model() {
    return guarded([&] {
      trainer& t = live();
      std::map<std::string, std::string> h;
      write_model_config(t.model().config, h);
      h["format"] = "dmt-model";
      h["iteration"] = std::to_string(t.iteration());
      h["target"] = request_.target.dump();
      h["config"] = request_.config.dump();
      const std::string bytes = serialize_model(h, t.model().store, &t.optimiser());
      return val::global("Uint8Array").new_(
          emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data())));
    });
  }

  val train_step(const val& k) {
    return guarded([&] {
      const long n = integer(k, "iteration count", 1, 1000000);
      trainer& t = live();
      iteration_stats s;
      for (long i = 0; i < n; ++i) s = t.step();
      nlohmann::json j{{"iteration", t.iteration()},
                       {"loss", s.loss},
                       {"logZ", s.log_z},
                       {"elbo", s.mean_log_w},
                       {"gradNorm", s.grad_norm},
                       {"exploration", t.settings().exploration_at(t.iteration() - 1)}};
      return from_json(j);
    });
  }

  // n samples x_T on a uniform grid of `steps` steps (0: the training T), keyed by seed.
  val sample(const val& n, const val& steps, const val& seed) const {
    return guarded([&] {
      const auto [count, T, s] = sample_args(n, steps, seed);
      const int d = live().model().config.dim;
      std::vector<float> x(static_cast<std::size_t>(count) * d);
      const auto grid = make_time_grid(time_grid_spec{grid_kind::uniform, T, {}}, make_philox_key(s), 0);
      const reward<float> r = target_reward(*target_);
      trajectory_batch<float> traj;
      for (long p0 = 0; p0 < count; p0 += kSampleChunk) {
        const int nb = static_cast<int>(std::min(kSampleChunk, count - p0));
        simulate_forward(live().model(), grid, nb, trajectory_rng{make_philox_key(s), 0, 3, static_cast<std::uint32_t>(p0)},
                         r, false, traj, 0.0);
        std::copy(traj.state(T), traj.state(T) + static_cast<std::ptrdiff_t>(nb) * d, x.begin() + p0 * d);
      }
      return float32_array(x.data(), x.size());
    });
  }
  val sample1(const val& n) const { return sample(n, val::undefined(), val::undefined()); }
  val sample2(const val& n, const val& steps) const { return sample(n, steps, val::undefined()); }

  // Whole trajectories: (steps + 1) x n x dim, row-major (time, particle, coordinate).
  val trajectories(const val& n, const val& steps, const val& seed) const {
    return guarded([&] {
      const auto [count, T, s] = sample_args(n, steps, seed);
      if (count > kSampleChunk) throw input_error("trajectories: at most 16384 at once");
      const auto grid = make_time_grid(time_grid_spec{grid_kind::uniform, T, {}}, make_philox_key(s), 0);
      trajectory_batch<float> traj;
      simulate_forward(live().model(), grid, static_cast<int>(count), trajectory_rng{make_philox_key(s), 0, 3, 0},
                       target_reward(*target_), false, traj, 0.0);
      return float32_array(traj.states.data(), static_cast<std::size_t>(traj.states.size()));
    });
  }
  val trajectories1(const val& n) const { return trajectories(n, val::undefined(), val::undefined()); }
  val trajectories2(const val& n, const val& steps) const { return trajectories(n, steps, val::undefined()); }

  // evaluate_sampler on `samples` model samples (default 1000) against as many exact ones.
  val metrics(const val& samples, const val& steps) const {
    return guarded([&] {
      const long K = samples.isUndefined() ? 1000 : integer(samples, "sample count", 2, 1000000);
      const int T = steps.isUndefined() ? live().settings().grid.steps
                                        : static_cast<int>(integer(steps, "step count", 1, 65535));
      const std::uint64_t seed = live().settings().seed + kReferenceSeedOffset;  // as `dmt train`'s evaluations
      std::vector<float> ref;
      if (target_->has_exact_sampler()) {
        ref.resize(static_cast<std::size_t>(K) * target_->dim());
        target_->sample_exact(seed, static_cast<std::size_t>(K), ref.data());
      }
      const evaluation e = evaluate_sampler(live().model(), *target_, static_cast<int>(K), T, seed, ref);
      nlohmann::ordered_json j{{"iteration", live().iteration()}};
      j.update(camel_case_evaluation(evaluation_json(e)));
      return from_json(j);
    });
  }
  val metrics0() const { return metrics(val::undefined(), val::undefined()); }
  val metrics1(const val& samples) const { return metrics(samples, val::undefined()); }

  val config() const {
    return guarded([&] {
      live();
      return js::from_json(request_.config);
    });
  }

  double iteration() const { return tr_ ? static_cast<double>(tr_->iteration()) : 0.0; }
  int dim() const { return target_ ? target_->dim() : 0; }

 private:
  void setup(train_request r, const model_file* f, const std::string& source) {
    if (r.device != "cpu")
      throw input_error("the WebAssembly build trains on the CPU ('device' must be \"cpu\", got '" + r.device + "')");
    const std::string tname = r.target["name"].get<std::string>();
    auto t = make_target(tname, params_from_json(r.target, "target", {"name"}));
    r.settings.model.dim = t->dim();
    auto tr = std::make_unique<trainer>(r.settings, *t);
    if (f) {
      const model_config mc = read_model_config(*f, source);
      if (mc.dim != t->dim())
        throw input_error("the model file is for dimension " + std::to_string(mc.dim) + " but its target '" + tname +
                          "' has dimension " + std::to_string(t->dim()));
      load_parameters(*f, tr->model(), source);
      if (f->has_optimiser) tr->optimiser() = f->optimiser;
      const auto it = f->header.find("iteration");
      if (it != f->header.end()) tr->set_iteration(std::stol(it->second));
    }
    tr_.reset();
    target_ = std::move(t);
    tr_ = std::move(tr);
    request_ = std::move(r);
  }

  std::tuple<long, int, std::uint64_t> sample_args(const val& n, const val& steps, const val& seed) const {
    const long count = integer(n, "sample count", 1, 10000000);
    const int T = steps.isUndefined() ? live().settings().grid.steps
                                      : static_cast<int>(integer(steps, "step count", 1, 65535));
    const long s = seed.isUndefined() ? 1 : integer(seed, "seed", 0, 2147483647);
    return {count, T, static_cast<std::uint64_t>(s)};
  }

  trainer& live() {
    if (!tr_) throw input_error("trainer not initialised: call init(config) or loadModel(bytes) first");
    return *tr_;
  }
  const trainer& live() const {
    if (!tr_) throw input_error("trainer not initialised: call init(config) or loadModel(bytes) first");
    return *tr_;
  }

  std::unique_ptr<target> target_;
  std::unique_ptr<trainer> tr_;
  train_request request_;
};

}  // namespace
}  // namespace dmt::js

EMSCRIPTEN_BINDINGS(dmt_trainer) {
  using namespace dmt::js;
  emscripten::class_<js_trainer>("Trainer")
      .constructor<>()
      .property("iteration", &js_trainer::iteration)
      .property("dim", &js_trainer::dim)
      .function("init", &js_trainer::init)
      .function("loadModel", &js_trainer::load_model)
      .function("saveModel", &js_trainer::save_model)
      .function("trainStep", &js_trainer::train_step)
      .function("sample", &js_trainer::sample)
      .function("sample", &js_trainer::sample1)
      .function("sample", &js_trainer::sample2)
      .function("trajectories", &js_trainer::trajectories)
      .function("trajectories", &js_trainer::trajectories1)
      .function("trajectories", &js_trainer::trajectories2)
      .function("metrics", &js_trainer::metrics)
      .function("metrics", &js_trainer::metrics1)
      .function("metrics", &js_trainer::metrics0)
      .function("config", &js_trainer::config);
}
