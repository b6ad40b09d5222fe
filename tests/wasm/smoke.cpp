// A small sampler run printed as JSON, compiled both natively and to WebAssembly; the node test
// (smoke.test.cjs) checks the two outputs agree: Philox words bit for bit, normals and sampler
// states within a relative 1e-4.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "dmt/diffusion/trainer.hpp"
#include "dmt/nn/gemm.hpp"
#include "dmt/nn/model_file.hpp"

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

// A tiny TB training run on gmm25 (identical in both builds up to float rounding).
dmt::trainer tiny_trainer(const dmt::target& t) {
  dmt::train_settings s;
  s.model.dim = 2;
  s.model.sigma2 = 5.0;
  s.model.hidden = 16;
  s.model.harmonics = 8;
  s.grid.steps = 10;
  s.batch = 32;
  s.seed = 4;
  s.optimiser.group_lr["log_z"] = 0.1;
  return dmt::trainer(s, t);
}

// --write-model PATH: train 3 iterations and write the model file; --read-model PATH: load a
// model file (written by the other build) and print 16 samples on a 10-step grid.
int model_file_mode(const char* mode, const char* path) {
  const auto t = dmt::make_target("gmm25", {});
  if (std::strcmp(mode, "--write-model") == 0) {
    auto tr = tiny_trainer(*t);
    for (int i = 0; i < 3; ++i) tr.step();
    std::map<std::string, std::string> h;
    dmt::write_model_config(tr.model().config, h);
    std::ofstream(path, std::ios::binary) << dmt::serialize_model(h, tr.model().store, &tr.optimiser());
    return 0;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto f = dmt::parse_model(ss.str(), path);
  dmt::diffusion_model<float> m(dmt::read_model_config(f.header, path));
  dmt::load_parameters(f, m, path);
  dmt::trajectory_batch<float> traj;
  const auto grid = dmt::make_time_grid({dmt::grid_kind::uniform, 10, {}}, dmt::make_philox_key(9), 0);
  dmt::simulate_forward(m, grid, 16, {dmt::make_philox_key(9), 0, 0}, dmt::target_reward(*t), false, traj);
  std::printf("{\n  \"adam_steps\": %ld,\n", f.optimiser.steps);
  print_floats("samples", traj.state(10), 32, true);
  std::printf("}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3) return model_file_mode(argv[1], argv[2]);
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
  print_floats("lgcp8_log_r", lr.data(), 1);
  // the xsimd GEMM kernel on a 64 x 37 x 64 product, and a tiny training run
  std::vector<float> a(64 * 64), b(64 * 37), c(64 * 37);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = float((i * 37) % 101) / 101.0f - 0.5f;
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = float((i * 53) % 97) / 97.0f - 0.5f;
  dmt::gemm(64, 37, 64, a.data(), 64, b.data(), 64, c.data(), 64, false, dmt::gemm_kernel::simd);
  print_floats("gemm_simd", c.data(), c.size());
  std::printf("  \"gemm_default\": \"%s\",\n", dmt::gemm_kernel_name(dmt::default_gemm_kernel()));
  const auto g25 = dmt::make_target("gmm25", {});
  auto tr = tiny_trainer(*g25);
  std::vector<float> curve;
  for (int i = 0; i < 5; ++i) curve.push_back(static_cast<float>(tr.step().loss));
  curve.push_back(tr.model().log_z());
  print_floats("train_tb", curve.data(), curve.size(), true);
  std::printf("}\n");
  return 0;
}
