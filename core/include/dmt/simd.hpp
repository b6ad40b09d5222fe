// CPU-side specialisations that let DMT_HD templates run on xsimd batches: one lane per
// particle. Never included by CUDA code.
#pragma once
#include <xsimd/xsimd.hpp>

#include "dmt/hd.hpp"

namespace dmt {

using float_batch = xsimd::batch<float>;  // the widest float batch of the compile-time arch

template <class Arch>
struct lanes<xsimd::batch<float, Arch>> {
  static constexpr int value = static_cast<int>(xsimd::batch<float, Arch>::size);
};

template <class Arch>
struct lane_io<xsimd::batch<float, Arch>> {
  using B = xsimd::batch<float, Arch>;
  static B load(const float* p) { return B::load_unaligned(p); }
  static void store(B v, float* p) { v.store_unaligned(p); }
  static bool all_finite(B v) { return xsimd::all(xsimd::isfinite(v)); }
};

}  // namespace dmt

#include "dmt/rng/philox_simd.hpp"
