// FNV-1a, 64 bits: the checksum of model files and the digest that ties a checkpoint's buffer files
// to its model file.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dmt {

inline std::uint64_t fnv1a(const char* p, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace dmt
