// `dmt train`: training diffusion samplers from a JSON config, with checkpoints, resumption,
// evaluation and a report. The config format is documented in
// README.md ("Training diffusion samplers").
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dmt/config/train_config.hpp"
#include "dmt/diffusion/trainer.hpp"

namespace dmt {

// Reads and validates a config file; throws input_error naming the problem.
train_request read_train_config(const std::string& path);

// Trains into r.out_dir (model.dmt, metrics.jsonl, loss.csv, samples.npy, report.svg); returns the
// final evaluation's warnings (diffusion/evaluation_warnings.hpp).
std::vector<std::string> run_train(const train_request& r);

}  // namespace dmt
