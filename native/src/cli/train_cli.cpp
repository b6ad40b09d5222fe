// `dmt train CONFIG --out DIR`: a diffusion sampler trained from a JSON config (train_command.cpp).
#include <memory>

#include "cli_command.hpp"
#include "dmt/native/train_command.hpp"

namespace dmt::cli {

void add_train_command(CLI::App& app, std::vector<command>& out) {
  struct options {
    std::string config, out, device;
    bool resume = false, strict = false;
    long iterations = -1;
    int threads = -1;
  };
  auto o = std::make_shared<options>();
  auto* t = app.add_subcommand("train", "train a diffusion sampler from a JSON config");
  t->add_option("config", o->config, "JSON config (see configs/)")->required();
  t->add_option("--out", o->out, "output directory (model.dmt, metrics.jsonl, loss.csv, samples.npy, report.svg)")
      ->required();
  t->add_flag("--resume", o->resume, "continue from the checkpoint in --out");
  t->add_flag("--strict", o->strict,
              "exit with status 3 when the final evaluation carries a warning (ESS/K, log Z_RW - ELBO, EUBO - ELBO; "
              "the outputs are still written)");
  t->add_option("--iterations", o->iterations, "override the config's iteration count");
  t->add_option("--threads", o->threads, "worker threads (default: all cores; results do not depend on it)");
  t->add_option("--device", o->device, "cpu (default) or cuda (every training setting; builds with DMT_CUDA)");
  out.push_back({t, [o] {
                   train_request r = read_train_config(o->config);
                   if (o->iterations != -1) {
                     if (o->iterations < 0) throw input_error("--iterations must be non-negative");
                     r.settings.iterations = o->iterations;
                     r.config["iterations"] = o->iterations;
                   }
                   if (o->threads != -1) {
                     if (o->threads < 0) throw input_error("thread count must be non-negative");
                     r.threads = o->threads;
                   }
                   if (!o->device.empty()) r.device = o->device;
                   r.out_dir = o->out;
                   r.resume = o->resume;
                   report_warnings(run_train(r), "train", o->strict);
                 }});
}

}  // namespace dmt::cli
