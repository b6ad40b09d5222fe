// The training config (JSON, documented in README.md "Training diffusion samplers"): parsing and
// validation into train_settings, shared by `dmt train` and the WebAssembly trainer.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "dmt/diffusion/trainer.hpp"

namespace dmt {

struct train_request {
  nlohmann::json config;  // as read (normalised), stored in the model file
  nlohmann::json target;  // {"name": ..., parameters}
  train_settings settings;
  long eval_every = 1000;
  int eval_samples = 2000;
  int eval_steps = 0;  // 0: the training T
  long checkpoint_every = 1000;
  long log_every = 0;          // loss curve resolution (0: iterations / 500)
  int threads = 0;             // 0: all cores
  std::string device = "cpu";  // cpu | cuda (a build with DMT_CUDA and a GPU)
  std::string out_dir;
  bool resume = false;
};

// Validates a parsed config; throws input_error naming the problem. `where` names its source in
// messages (a file name in quotes, "the trainer config").
train_request parse_train_config(const nlohmann::json& config, const std::string& where);

}  // namespace dmt
