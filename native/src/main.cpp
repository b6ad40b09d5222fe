// The `dmt` command: each subcommand is declared and run by its own file in cli/; main only
// dispatches. Every user-facing error is one line on stderr ("dmt: error: ...") with exit code 2;
// --strict runs whose estimate carries warnings end with exit code 3.
#include <csignal>
#include <cstdio>
#include <string>

#include "cli/cli_command.hpp"
#include "dmt/params.hpp"

namespace {

int fail(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n') c = ' ';
  std::fprintf(stderr, "dmt: error: %s\n", line.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // past a file-size limit (ulimit -f) a write fails with EFBIG and is reported like a full disk,
  // rather than the signal killing the process half-way through a checkpoint
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"dmt: dynamic measure transport -- sampling unnormalised densities"};
  app.require_subcommand(1);
  std::vector<dmt::cli::command> commands;
  dmt::cli::add_list_commands(app, commands);
  dmt::cli::add_sample_command(app, commands);
  dmt::cli::add_train_command(app, commands);
  dmt::cli::add_eval_command(app, commands);
  dmt::cli::add_ot_commands(app, commands);
  dmt::cli::add_fit_commands(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(e.what());
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) c.run();
  } catch (const dmt::input_error& e) {
    return fail(e.what());
  } catch (const dmt::cli::strict_failure& e) {
    fail(e.what());
    return 3;
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what());
  }
  return 0;
}
