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

// vmin / vmax of float batches: a < b ? a : b and a > b ? a : b (SSE's min and max, NaN and signed
// zeros included). On WebAssembly, xsimd's SSE2 path goes through Emscripten's SSE emulation,
// which spends a compare and a bitselect on each; SIMD128's pseudo-min/max compute the same in
// one instruction: pmin(b, a) = a < b ? a : b, pmax(b, a) = b < a ? a : b.
#if defined(__wasm_simd128__)
using wasm_f32x4 = float __attribute__((__vector_size__(16)));
#endif
template <class Arch>
inline xsimd::batch<float, Arch> vmin(xsimd::batch<float, Arch> a, xsimd::batch<float, Arch> b) {
#if defined(__wasm_simd128__)
  if constexpr (std::is_same_v<Arch, xsimd::sse2>)
    return __builtin_wasm_pmin_f32x4(static_cast<wasm_f32x4>(b.data), static_cast<wasm_f32x4>(a.data));
  else
#endif
    return xsimd::min(a, b);
}
template <class Arch>
inline xsimd::batch<float, Arch> vmax(xsimd::batch<float, Arch> a, xsimd::batch<float, Arch> b) {
#if defined(__wasm_simd128__)
  if constexpr (std::is_same_v<Arch, xsimd::sse2>)
    return __builtin_wasm_pmax_f32x4(static_cast<wasm_f32x4>(b.data), static_cast<wasm_f32x4>(a.data));
  else
#endif
    return xsimd::max(a, b);
}

}  // namespace dmt

#include "dmt/rng/philox_simd.hpp"
