// A sequential double-precision stream for one particle, for exact samplers and
// initialisation (not per-step sampler noise, which uses rng/normal.hpp). Block b of the stream
// is Philox counter {b, step, particle, purpose}.
#pragma once
#include <cmath>
#include <cstdint>

#include "dmt/hd.hpp"
#include "dmt/rng/philox.hpp"

namespace dmt {

class philox_stream {
 public:
  DMT_HD philox_stream(philox_key key, std::uint32_t particle, std::uint32_t purpose, std::uint32_t step = 0)
      : key_(key), step_(step), particle_(particle), purpose_(purpose) {}

  DMT_HD std::uint32_t next_u32() {
    if (used_ == 4) {
      out_ = philox4x32_10({{block_++, step_, particle_, purpose_}}, key_);
      used_ = 0;
    }
    return out_.v[used_++];
  }
  // Uniform on the open interval (0, 1), 53 bits.
  DMT_HD double uniform() {
    const std::uint32_t hi = next_u32();
    return uniform_open01_double(hi, next_u32());
  }
  // Standard normal (Box-Muller in double, second value cached).
  DMT_HD double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform(), u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(6.283185307179586 * u2);
    has_spare_ = true;
    return r * std::cos(6.283185307179586 * u2);
  }
  // Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 by the u^(1/shape) boost.
  DMT_HD double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double z, v;
      do {
        z = normal();
        v = 1.0 + c * z;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (std::log(u) < 0.5 * z * z + d - d * v + d * std::log(v)) return d * v;
    }
  }
  // Index in [0, k) (k small; bias below 2^-32 * k).
  DMT_HD std::uint32_t below(std::uint32_t k) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next_u32()) * k) >> 32);
  }

 private:
  philox_key key_;
  std::uint32_t step_, particle_, purpose_;
  std::uint32_t block_ = 0;
  philox_counter out_{};
  int used_ = 4;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace dmt
