// `dmt sample`: run a sampler on a target, write the particles (NPY) and a metrics summary (JSON).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dmt {

struct sample_request {
  nlohmann::json target = nlohmann::json::object();   // {"name": ..., parameters...}
  nlohmann::json sampler = nlohmann::json::object();  // {"name": ..., parameters...}
  long particles = 10000;
  long steps = 2000;
  std::uint64_t seed = 1;
  int threads = 0;                 // 0: all hardware threads
  long reference_samples = 20000;  // exact samples drawn for the metrics (capped at particles)
  std::string out, metrics, init;  // output paths; optional initial particles (NPY)
  std::string weights;             // weighted samplers: the weights' NPY (default: OUT_weights.npy beside --out)
  std::string device = "cpu";      // cpu | cuda (the Langevin family; needs a build with DMT_CUDA and a GPU)
  long repeats = 1;  // weighted samplers: independent runs (seeds seed .. seed + repeats - 1) for log Z's spread
};

// Reads a config file (the same keys as sample_request, with "target"/"sampler" as objects or names).
sample_request read_sample_config(const std::string& path);
// The same from the file's text (`path` in the messages).
sample_request sample_config_from_text(const std::string& text, const std::string& path);
// Runs the request; returns the metrics JSON (also written to request.metrics if set).
nlohmann::ordered_json run_sample(const sample_request& request);

// `dmt sample --model`: samples a trained diffusion sampler (model.dmt) on a uniform grid of `steps`
// steps (0: the training T); writes particles x dim float32 NPY to `out` (if given).
void run_model_sample(const std::string& model_path, long particles, int steps, std::uint64_t seed, int threads,
                      const std::string& out);

}  // namespace dmt
