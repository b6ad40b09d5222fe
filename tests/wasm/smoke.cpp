// A small sampler run printed as JSON, compiled both natively and to WebAssembly; the node test
// (smoke.test.cjs) checks the two outputs agree: Philox words bit for bit, normals and sampler
// states within a relative 1e-4.
#include <cstdio>
#include <string>

#include "dmt/rng/normal.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/simd.hpp"
#include "dmt/targets/registry.hpp"

namespace {

void print_floats(const char* name, const float* x, std::size_t n, bool last = false) {
  std::printf("  \"%s\": [", name);
  for (std::size_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? ", " : "", x[i]);
  std::printf("]%s\n", last ? "" : ",");
}

}  // namespace

int main() {
  std::printf("{\n  \"simd_lanes\": %d,\n", dmt::lanes<dmt::float_batch>::value);
  const auto out = dmt::philox4x32_10({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
                                      dmt::make_philox_key(0x299f31d0a4093822ULL));
  std::printf("  \"philox\": [%u, %u, %u, %u],\n", out.v[0], out.v[1], out.v[2], out.v[3]);
  float z[10];
  dmt::normal_vector<float>({dmt::make_philox_key(5), 3u, 0u}, 7u, 10, z);
  print_floats("normals", z, 10);
  struct run {
    const char* target;
    const char* sampler;
    double step;
  };
  const run runs[] = {
      {"gmm25", "mala", 0.1}, {"manywell", "ula", 0.005}, {"funnel", "underdamped", 0.05}, {"banana", "skrock", 0.5}};
  for (const run& r : runs) {
    const auto t = dmt::make_target(r.target, {});
    dmt::params p;
    p.set("step_size", r.step);
    if (std::string(r.sampler) == "mala") p.set("adapt_steps", 20.0);
    dmt::sampler s(*t, dmt::parse_sampler(r.sampler, p), 64, 3);
    s.run(50);
    const std::string name = std::string(r.target) + "_" + r.sampler;
    print_floats(name.c_str(), s.particles().data(), s.particles().size());
  }
  const auto lgcp = dmt::make_target("lgcp", dmt::params().set("grid", 8.0));
  std::vector<float> x(64, 4.0f), lr(1), g(64);
  lgcp->evaluate(x.data(), 1, lr.data(), g.data());
  print_floats("lgcp8_log_r", lr.data(), 1, true);
  std::printf("}\n");
  return 0;
}
