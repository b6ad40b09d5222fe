// DMT_HD marks per-particle functions that are compiled unchanged for the CPU (scalar and
// xsimd batches), for CUDA (__host__ __device__) and for WebAssembly. Code under this macro
// may use only <cmath>/<cstdint> and the helpers below: no Eigen, no xsimd, no allocation.
#pragma once
#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define DMT_HD __host__ __device__
#else
#define DMT_HD
#endif

namespace dmt {

// Scalar counterparts of the xsimd functions that generic per-particle code calls
// unqualified: for T = float ordinary lookup finds these, for T = xsimd::batch<float>
// argument-dependent lookup finds xsimd's.
DMT_HD inline float select(bool condition, float if_true, float if_false) { return condition ? if_true : if_false; }

DMT_HD inline double select(bool condition, double if_true, double if_false) { return condition ? if_true : if_false; }

// Multiply-add a * b + c. Generic code calls it unqualified: xsimd batches find xsimd::fma (one
// fused instruction where the CPU has one); plain floats get this unfused version, the same
// arithmetic as the wasm build and the scalar reference.
DMT_HD inline float fma(float a, float b, float c) { return a * b + c; }
DMT_HD inline double fma(double a, double b, double c) { return a * b + c; }

// Lane-wise maximum and minimum (a > b ? a : b, a < b ? a : b, as SSE's max and min) for float;
// dmt/simd.hpp overloads them for xsimd batches.
template <class T>
DMT_HD inline T vmax(T a, T b) {
  return select(a > b, a, b);
}
template <class T>
DMT_HD inline T vmin(T a, T b) {
  return select(a < b, a, b);
}

// Arithmetic that per-particle code reaches through lane_math<T> where the plain spelling is slow
// on batches; dmt/fast_exp.hpp specialises it for xsimd batches (include it before instantiating a
// template that calls it on batches: without it the generic versions below still give the answer).
//   nonpositive_exp(x): exp(x) for x <= 0. Here std::exp; on batches a division-free polynomial
//     (xsimd's double exp divides, and a division per lane costs more than the rest of a logistic
//     regression's row).
//   madd(a, b, c): a * b + c. Here unfused (the wasm build's and the scalar reference's arithmetic);
//     on batches one fused instruction on every x86 target (xsimd 8.1's fma is unfused on AVX-512).
template <class T>
struct lane_math {
  DMT_HD static T nonpositive_exp(T x) {
    using std::exp;
    return exp(x);
  }
  DMT_HD static T madd(T a, T b, T c) { return fma(a, b, c); }
};

// Number of particles processed together by one call of a per-particle template.
template <class T>
struct lanes {
  static constexpr int value = 1;
};

// Reads one value per lane from a contiguous float array (one float for T = float).
template <class T>
struct lane_io {
  DMT_HD static T load(const float* p) { return *p; }
  DMT_HD static void store(T v, float* p) { *p = v; }
  DMT_HD static bool all_finite(T v) { return std::isfinite(v); }
};

}  // namespace dmt
