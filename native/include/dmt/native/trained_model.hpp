// A model file written by `dmt train` loaded with its target, and what `dmt train`, `dmt eval` and
// `dmt sample --model` share around it (reference samples, thread counts, whole-file reads).
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dmt/config/evaluation_json.hpp"
#include "dmt/diffusion/diffusion_model.hpp"
#include "dmt/nn/model_file.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

struct trained_model {
  model_file file;
  model_config config;
  nlohmann::json target_json, train_config;
  std::unique_ptr<target> tgt;
  std::unique_ptr<diffusion_model<float>> model;
  int training_steps() const { return static_cast<int>(train_config.value("steps", 100)); }  // T of the training grid
};

// Throws input_error for an unreadable or malformed file, or one whose target does not fit.
trained_model load_trained_model(const std::string& path);

// n exact samples of the target (n x dim), or empty when it has no exact sampler.
std::vector<float> reference_samples(const target& t, int n, std::uint64_t seed);
// requested > 0, else every hardware thread; input_error for a negative count.
int thread_count(int requested);
// The whole file; input_error("cannot read <what> '<path>'").
std::string read_text_file(const std::string& path, const std::string& what);

}  // namespace dmt
