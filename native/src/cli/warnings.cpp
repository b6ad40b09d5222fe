// Warnings on stderr, one line each, and --strict (cli_command.hpp).
#include <cstdio>

#include "cli_command.hpp"

namespace dmt::cli {

void report_warnings(const std::vector<std::string>& warnings, const std::string& who, bool strict) {
  for (const auto& w : warnings) std::fprintf(stderr, "dmt: warning: %s: %s\n", who.c_str(), w.c_str());
  enforce_strict(warnings.size(), strict);
}

void enforce_strict(std::size_t count, bool strict) {
  if (strict && count > 0)
    throw strict_failure("--strict: " + std::to_string(count) + " warning" + (count == 1 ? "" : "s") +
                         " above (the outputs are written)");
}

}  // namespace dmt::cli
