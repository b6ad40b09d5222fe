// `dmt eval --model FILE`: a trained diffusion sampler's evaluation as JSON (eval_command.cpp).
#include <iostream>
#include <memory>

#include "cli_command.hpp"
#include "dmt/native/eval_command.hpp"
#include "dmt/params.hpp"

namespace dmt::cli {

void add_eval_command(CLI::App& app, std::vector<command>& out) {
  struct options {
    std::string model;
    long samples = 2000, steps = 0, seed = 1;
    int threads = 0;
    bool strict = false;
  };
  auto o = std::make_shared<options>();
  auto* e = app.add_subcommand("eval", "evaluate a trained diffusion sampler; prints JSON");
  e->add_option("--model", o->model, "model file (model.dmt)")->required();
  e->add_option("--samples", o->samples, "evaluation samples K (default 2000)");
  e->add_option("--steps", o->steps, "time steps (default: the training T)");
  e->add_option("--seed", o->seed, "random seed (default 1)");
  e->add_option("--threads", o->threads, "worker threads (default: all cores)");
  e->add_flag("--strict", o->strict, "exit with status 3 when the evaluation carries a warning (as dmt train)");
  out.push_back({e, [o] {
                   if (o->seed < 0) throw input_error("seed must be non-negative");
                   if (o->samples < 2 || o->samples > 1000000)
                     throw input_error("--samples must be between 2 and 1000000");
                   if (o->steps < 0 || o->steps >= 65536) throw input_error("--steps must be between 1 and 65535");
                   const auto j = run_eval(o->model, static_cast<int>(o->samples), static_cast<int>(o->steps),
                                           static_cast<std::uint64_t>(o->seed), o->threads);
                   std::cout << j.dump(2) << "\n";
                   report_warnings(j["warnings"].get<std::vector<std::string>>(), "eval", o->strict);
                 }});
}

}  // namespace dmt::cli
