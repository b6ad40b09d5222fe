// Vectorised exp for float batches (Cephes' expf: Cody-Waite reduction by ln 2, degree-6
// polynomial, relative error ~1e-7), shared by the activations and the Sinkhorn kernels.
#pragma once
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "dmt/hd.hpp"
#include "dmt/simd.hpp"
#include "dmt/simd_fma.hpp"

namespace dmt {

// exp(x) for x <= 88; arguments below -87 give 2^-126 (about 1.2e-38) instead of denormals.
template <class B>
B exp_nonpositive(B x) {
  using I = xsimd::batch<std::int32_t, typename B::arch_type>;
  x = vmax(x, B(-87.0f));
  // n = nearbyint(x / ln 2) by adding 1.5 * 2^23 (round to nearest even, as nearbyint); the low
  // mantissa bits of t then hold n, which saves a float -> int conversion (scalarised by
  // Emscripten's SSE2 emulation). The product is rounded first, so n is bit-for-bit the same.
  const B magic(12582912.0f);
  const B t = x * B(1.44269504088896341f) + magic;
  const B n = t - magic;
  B r = xsimd::fma(n, B(-0.693359375f), x);
  r = xsimd::fma(n, B(2.12194440e-4f), r);
  B p(1.9875691500e-4f);
  p = xsimd::fma(p, r, B(1.3981999507e-3f));
  p = xsimd::fma(p, r, B(8.3334519073e-3f));
  p = xsimd::fma(p, r, B(4.1665795894e-2f));
  p = xsimd::fma(p, r, B(1.6666665459e-1f));
  p = xsimd::fma(p, r, B(5.0000001201e-1f));
  p = xsimd::fma(p, r * r, r) + B(1.0f);
  const I e = (xsimd::bitwise_cast<I>(t) + I(127 - 0x4B400000)) << 23;
  return p * xsimd::bitwise_cast<B>(e);
}

// exp(x) with true underflow: 0 below -87 (and for -inf), overflow to +inf above 88.7.
inline xsimd::batch<float> exp_or_zero(xsimd::batch<float> x) {
  using B = xsimd::batch<float>;
  const B y = exp_nonpositive(vmin(x, B(88.0f)));
  const B r = xsimd::select(x < B(-87.0f), B(0.0f), y);
  return xsimd::select(x > B(88.0f), B(std::numeric_limits<float>::infinity()), r);
}
inline xsimd::batch<double> exp_or_zero(xsimd::batch<double> x) { return xsimd::exp(x); }

// exp(x) clamped to [-87, 88] (so exp(-inf) gives 1.6e-38, not 0), relative error below 2.5e-7
// (fused multiply-adds on every x86 target, AVX-512 included: dmt/simd_fma.hpp):
// the Sinkhorn inner loop, where sums that leave a safe range are recomputed anyway. n = round(x /
// ln 2) comes from adding 1.5 * 2^23 (whose low mantissa bits then hold n for the 2^n scale);
// r = x - n ln 2 in one fma (the float ln 2's error, n * 2e-9, matters only for the smallest
// terms); exp(r) on [-ln2/2, ln2/2] by a degree-5 near-minimax polynomial (relative 1.05e-7,
// fitted by Lawson's iteration, 1.8e-7 when evaluated in float).
inline xsimd::batch<float> exp_clamped(xsimd::batch<float> x) {
  using B = xsimd::batch<float>;
  using I = xsimd::batch<std::int32_t>;
  x = vmin(vmax(x, B(-87.0f)), B(88.0f));
  const B magic(12582912.0f);
  const B t = fmadd(x, B(1.44269504088896341f), magic);
  const B r = fnmadd(t - magic, B(0.693147180559945309f), x);
  B p(0.008312525451893107f);
  p = fmadd(p, r, B(0.04189011513029609f));
  p = fmadd(p, r, B(0.16667114466200364f));
  p = fmadd(p, r, B(0.4999923177729047f));
  p = fmadd(p, r, B(1.0f));
  p = fmadd(p, r, B(1.0f));
  const I e = (xsimd::bitwise_cast<I>(t) + I(127 - 0x4B400000)) << 23;
  return p * xsimd::bitwise_cast<B>(e);
}
// exp(x) in double clamped to [-708, 709]: Cody-Waite reduction by ln 2 in two parts, degree-12
// Taylor polynomial on [-ln2/2, ln2/2] (remainder below 2e-16), 2^n from the rounding's bits.
inline xsimd::batch<double> exp_clamped(xsimd::batch<double> x) {
  using B = xsimd::batch<double>;
  using I = xsimd::batch<std::int64_t>;
  x = xsimd::min(xsimd::max(x, B(-708.0)), B(709.0));
  const B magic(6755399441055744.0);  // 1.5 * 2^52
  const B t = fmadd(x, B(1.4426950408889634074), magic);
  const B n = t - magic;
  B r = fnmadd(n, B(6.93145751953125e-1), x);
  r = fnmadd(n, B(1.42860682030941723212e-6), r);
  B p(1.0 / 479001600.0);
  p = fmadd(p, r, B(1.0 / 39916800.0));
  p = fmadd(p, r, B(1.0 / 3628800.0));
  p = fmadd(p, r, B(1.0 / 362880.0));
  p = fmadd(p, r, B(1.0 / 40320.0));
  p = fmadd(p, r, B(1.0 / 5040.0));
  p = fmadd(p, r, B(1.0 / 720.0));
  p = fmadd(p, r, B(1.0 / 120.0));
  p = fmadd(p, r, B(1.0 / 24.0));
  p = fmadd(p, r, B(1.0 / 6.0));
  p = fmadd(p, r, B(0.5));
  p = fmadd(p, r, B(1.0));
  p = fmadd(p, r, B(1.0));
  const I e = (xsimd::bitwise_cast<I>(t) - xsimd::bitwise_cast<I>(magic) + I(1023)) << 52;
  return p * xsimd::bitwise_cast<B>(e);
}

// lane_math (dmt/hd.hpp) on the default-arch batches: exp_clamped, so exp(x) for x below -708
// (double) or -87 (float) is that bound's exp, not 0 (relative error 2e-16 double, 2.5e-7 float);
// multiply-adds fused (dmt/simd_fma.hpp).
template <>
struct lane_math<xsimd::batch<double>> {
  using B = xsimd::batch<double>;
  static B nonpositive_exp(B x) { return exp_clamped(x); }
  static B madd(const B& a, const B& b, const B& c) { return fmadd(a, b, c); }
};
template <>
struct lane_math<xsimd::batch<float>> {
  using B = xsimd::batch<float>;
  static B nonpositive_exp(B x) { return exp_clamped(x); }
  static B madd(const B& a, const B& b, const B& c) { return fmadd(a, b, c); }
};

}  // namespace dmt
