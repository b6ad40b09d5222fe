// Shared by the libFuzzer harnesses: the input as text, and the rule that a refusal is an
// input_error (a one-line message); anything else escaping -- another exception, a crash, a
// sanitizer report, a leak -- is a finding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "dmt/params.hpp"

namespace dmt::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

template <class F>
int refused_or_accepted(F&& f) {
  try {
    f();
  } catch (const input_error&) {
  }
  return 0;
}

}  // namespace dmt::fuzz
