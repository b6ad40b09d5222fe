// ULA and MALA particle-steps per second at d = 2 (gaussian), 32 (manywell) and 1600 (lgcp), with
// 1 and 2 threads. Each iteration is one call of sampler::run(steps) on all particles.
#include <benchmark/benchmark.h>

#include "dmt/native/thread_pool.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"

namespace {

void BM_Sampler(benchmark::State& state, std::string kind, std::string target, std::size_t n, long steps) {
  const int threads = static_cast<int>(state.range(0));
  const auto t = dmt::make_target(target, {});
  dmt::thread_pool pool(threads);
  dmt::params p;
  p.set("step_size", target == "lgcp" ? 1e-4 : 1e-3).set("trace_particles", 0.0);
  if (kind == "mala") p.set("adapt_steps", 0.0);
  dmt::sampler s(*t, dmt::parse_sampler(kind, p), n, 1, pool);
  if (target == "lgcp") {
    std::vector<float> x(n * t->dim(), 4.0f);
    s.set_particles(x, pool);
  }
  for (auto _ : state) s.run(steps, pool);
  state.counters["particle_steps_per_s"] =
      benchmark::Counter(double(n) * steps * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["threads"] = threads;
}

BENCHMARK_CAPTURE(BM_Sampler, ula_d2, std::string("ula"), std::string("gaussian"), 100000, 20)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Sampler, mala_d2, std::string("mala"), std::string("gaussian"), 100000, 20)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Sampler, ula_manywell32, std::string("ula"), std::string("manywell"), 100000, 20)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Sampler, mala_manywell32, std::string("mala"), std::string("manywell"), 100000, 20)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Sampler, ula_lgcp1600, std::string("ula"), std::string("lgcp"), 256, 2)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Sampler, mala_lgcp1600, std::string("mala"), std::string("lgcp"), 256, 2)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime();

}  // namespace
