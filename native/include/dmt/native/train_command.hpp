// `dmt train`, `dmt eval` and `dmt sample --model`: training diffusion samplers from a JSON config,
// with checkpoints, resumption, evaluation and a report. The config format is documented in
// README.md ("Training diffusion samplers").
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "dmt/diffusion/trainer.hpp"
#include "dmt/config/train_config.hpp"

namespace dmt {


// Reads and validates a config file; throws input_error naming the problem.
train_request read_train_config(const std::string& path);

// Trains into r.out_dir (model.dmt, metrics.jsonl, loss.csv, samples.npy, report.svg).
void run_train(const train_request& r);

// Evaluates a model file; returns the metrics.
nlohmann::ordered_json run_eval(const std::string& model_path, int samples, int steps, std::uint64_t seed, int threads);

// Samples a model file on a uniform grid of `steps` steps; writes particles x dim float32 NPY.
void run_model_sample(const std::string& model_path, long particles, int steps, std::uint64_t seed, int threads,
                      const std::string& out);

}  // namespace dmt
