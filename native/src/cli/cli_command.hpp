// One `dmt` subcommand: its CLI11 options (declared by the command's own file) and what it runs
// once parsed. main() only dispatches; every user-facing error is an input_error.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dmt/registry.hpp"

namespace dmt::cli {

struct command {
  CLI::App* app;              // the (leaf) subcommand
  std::function<void()> run;  // runs it with the parsed options
};

// Prints each entry of metrics["warnings"] as "dmt: warning: <who>: <text>" on stderr; with --strict
// (strict true) and at least one warning, then throws strict_failure: main exits with status 3 (the
// outputs are written: the warnings describe them).
struct strict_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void report_warnings(const std::vector<std::string>& warnings, const std::string& who, bool strict);
// --strict alone, where the warnings were printed already: throws strict_failure when count > 0.
void enforce_strict(std::size_t count, bool strict);

// The registry's components of a kind as text: name, summary, each parameter with its default.
void print_component_list(component_kind kind);

// Each adds its subcommands to `app` and their commands to `out`.
void add_list_commands(CLI::App& app, std::vector<command>& out);   // targets, samplers, modes
void add_sample_command(CLI::App& app, std::vector<command>& out);  // sample (a sampler, or --model)
void add_train_command(CLI::App& app, std::vector<command>& out);   // train
void add_eval_command(CLI::App& app, std::vector<command>& out);    // eval
void add_ot_commands(CLI::App& app, std::vector<command>& out);     // ot gaussian | sinkhorn | bridge | mixture
void add_fit_commands(CLI::App& app, std::vector<command>& out);    // fit, select, models

}  // namespace dmt::cli
