// Philox4x32-10 on xsimd batches of 32-bit lanes (one particle per lane), bit-identical to the
// scalar philox4x32_10. The 32x32 -> 64-bit products use the even/odd-lane unsigned multiply
// (pmuludq) of SSE2 / AVX2 / AVX-512; under Emscripten the SSE2 intrinsics map to WASM SIMD128.
// CPU only: included through dmt/simd.hpp.
#pragma once
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "dmt/rng/normal.hpp"

namespace dmt {
namespace philox_simd_detail {

#if defined(__AVX512F__)
using u32reg = __m512i;
inline u32reg set1(std::uint32_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }
inline void mulhilo(u32reg a, std::uint32_t m, u32reg& hi, u32reg& lo) {
  const __m512i mv = _mm512_set1_epi64(m);
  const __m512i even = _mm512_mul_epu32(a, mv), odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), mv);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
}
inline u32reg bxor(u32reg a, u32reg b) { return _mm512_xor_si512(a, b); }
#elif defined(__AVX2__)
using u32reg = __m256i;
inline u32reg set1(std::uint32_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
inline void mulhilo(u32reg a, std::uint32_t m, u32reg& hi, u32reg& lo) {
  const __m256i mv = _mm256_set1_epi64x(m);
  const __m256i even = _mm256_mul_epu32(a, mv), odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), mv);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}
inline u32reg bxor(u32reg a, u32reg b) { return _mm256_xor_si256(a, b); }
#elif defined(__SSE2__)
using u32reg = __m128i;
inline u32reg set1(std::uint32_t v) { return _mm_set1_epi32(static_cast<int>(v)); }
inline void mulhilo(u32reg a, std::uint32_t m, u32reg& hi, u32reg& lo) {
  const __m128i mv = _mm_set1_epi32(static_cast<int>(m));  // pmuludq reads the even lanes only
  const __m128i even = _mm_mul_epu32(a, mv), odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), mv);
  const __m128i low_half = _mm_set1_epi64x(0xFFFFFFFFll), high_half = _mm_slli_epi64(low_half, 32);
  lo = _mm_or_si128(_mm_and_si128(even, low_half), _mm_slli_epi64(odd, 32));
  hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_and_si128(odd, high_half));
}
inline u32reg bxor(u32reg a, u32reg b) { return _mm_xor_si128(a, b); }
#else
#define DMT_NO_SIMD_PHILOX 1
#endif

}  // namespace philox_simd_detail

#ifndef DMT_NO_SIMD_PHILOX
template <class Arch>
struct random_source<xsimd::batch<float, Arch>> {
  using B = xsimd::batch<float, Arch>;
  using reg = philox_simd_detail::u32reg;
  static_assert(sizeof(reg) == sizeof(B), "Philox register width must match the float batch");

  // K consecutive blocks at once: K independent Philox chains in lockstep, so that the
  // multiply latency of one chain hides behind the others (one chain alone is latency-bound).
  template <int K>
  static void uniforms_k(rng_site site, std::uint32_t first_particle, std::uint32_t block0, B (&u)[K][4]) {
    namespace d = philox_simd_detail;
    constexpr int W = static_cast<int>(B::size);
    alignas(64) std::uint32_t particle[W];
    for (int l = 0; l < W; ++l) particle[l] = first_particle + static_cast<std::uint32_t>(l);
    reg c0[K], c1[K], c2[K], c3[K];
    for (int k = 0; k < K; ++k) {
      c0[k] = d::set1(block0 + static_cast<std::uint32_t>(k));
      c1[k] = d::set1(site.step);
      std::memcpy(&c2[k], particle, sizeof(reg));
      c3[k] = d::set1(site.purpose);
    }
    std::uint32_t k0 = site.key.v[0], k1 = site.key.v[1];
    for (int r = 0; r < 10; ++r) {
      const reg key0 = d::set1(k0), key1 = d::set1(k1);
      for (int k = 0; k < K; ++k) {
        reg hi0, lo0, hi1, lo1;
        d::mulhilo(c0[k], philox_detail::kMul0, hi0, lo0);
        d::mulhilo(c2[k], philox_detail::kMul1, hi1, lo1);
        c0[k] = d::bxor(d::bxor(hi1, c1[k]), key0);
        c1[k] = lo1;
        c2[k] = d::bxor(d::bxor(hi0, c3[k]), key1);
        c3[k] = lo0;
      }
      k0 += philox_detail::kWeyl0;
      k1 += philox_detail::kWeyl1;
    }
    for (int k = 0; k < K; ++k) {
      const reg out[4] = {c0[k], c1[k], c2[k], c3[k]};
      for (int j = 0; j < 4; ++j) {
        // (bits >> 8) + 0.5, times 2^-24: exactly uniform_open01 per lane
        const auto bits = xsimd::batch<std::uint32_t, Arch>(out[j]);
        const auto top = xsimd::bitwise_cast<xsimd::batch<std::int32_t, Arch>>(bits >> 8);
        u[k][j] = (xsimd::batch_cast<float>(top) + B(0.5f)) * B(1.0f / 16777216.0f);
      }
    }
  }

  static void uniforms(rng_site site, std::uint32_t first_particle, std::uint32_t block, B (&u)[4]) {
    B v[1][4];
    uniforms_k<1>(site, first_particle, block, v);
    for (int j = 0; j < 4; ++j) u[j] = v[0][j];
  }

  // Groups of four blocks (16 coordinates) at a time, then the remaining blocks one by one.
  static void normals(rng_site site, std::uint32_t first_particle, int dim, B* z) {
    constexpr int K = 4;
    int b = 0;
    for (; 4 * (b + K) <= dim; b += K) {
      B u[K][4];
      uniforms_k<K>(site, first_particle, static_cast<std::uint32_t>(b), u);
      for (int k = 0; k < K; ++k) {
        box_muller(u[k][0], u[k][1], z[4 * (b + k)], z[4 * (b + k) + 1]);
        box_muller(u[k][2], u[k][3], z[4 * (b + k) + 2], z[4 * (b + k) + 3]);
      }
    }
    for (; 4 * b < dim; ++b) {
      B u[4], n[4];
      uniforms(site, first_particle, static_cast<std::uint32_t>(b), u);
      box_muller(u[0], u[1], n[0], n[1]);
      box_muller(u[2], u[3], n[2], n[3]);
      for (int j = 0; j < 4 && 4 * b + j < dim; ++j) z[4 * b + j] = n[j];
    }
  }

  // Box-Muller with the angle 2 pi (u2 - 1/2) in [-pi, pi): sin and cos come from a quadrant
  // split of t = u2 - 1/2 (q = round(4t), r = t - q/4 in [-1/8, 1/8]) and Cephes' single-precision
  // minimax polynomials on [-pi/4, pi/4] (errors below 1e-7), so no general range reduction.
  // ln u for u in (0, 1) as uniform_open01 makes them (normal floats >= 2^-25, never 0, NaN or
  // negative, so none of xsimd::log's special cases arise): Cephes' logf polynomial on the mantissa
  // in [sqrt(1/2), sqrt(2)) and ln 2 split in two parts; no division.
  static B log_open01(B u) {
    using I = xsimd::batch<std::int32_t, Arch>;
    const I bits = xsimd::bitwise_cast<I>(u);
    B e = xsimd::batch_cast<float>((bits >> 23) - I(127));
    B m = xsimd::bitwise_cast<B>((bits & I(0x007FFFFF)) | I(0x3F800000));  // [1, 2)
    const auto big = m > B(1.41421356237f);
    m = xsimd::select(big, m * B(0.5f), m);
    e = xsimd::select(big, e + B(1.0f), e);
    const B f = m - B(1.0f), f2 = f * f;
    B p = B(7.0376836292e-2f);
    p = xsimd::fma(p, f, B(-1.1514610310e-1f));
    p = xsimd::fma(p, f, B(1.1676998740e-1f));
    p = xsimd::fma(p, f, B(-1.2420140846e-1f));
    p = xsimd::fma(p, f, B(1.4249322787e-1f));
    p = xsimd::fma(p, f, B(-1.6668057665e-1f));
    p = xsimd::fma(p, f, B(2.0000714765e-1f));
    p = xsimd::fma(p, f, B(-2.4999993993e-1f));
    p = xsimd::fma(p, f, B(3.3333331174e-1f));
    B y = f * f2 * p;
    y = xsimd::fma(e, B(-2.12194440e-4f), y);
    y = xsimd::fma(f2, B(-0.5f), y);
    return xsimd::fma(e, B(0.693359375f), f + y);
  }

  static void box_muller(B u1, B u2, B& z1, B& z2) {
    const B radius = xsimd::sqrt(B(-2.0f) * log_open01(u1));
    const B t = u2 - B(0.5f);
    const B qf = xsimd::nearbyint(t * B(4.0f));
    const B x = (t - qf * B(0.25f)) * B(6.28318530717958647692f);
    const B x2 = x * x;
    const B sin_r = x + x * x2 * (B(-1.6666654611e-1f) + x2 * (B(8.3321608736e-3f) + x2 * B(-1.9515295891e-4f)));
    const B cos_r =
        B(1.0f) - B(0.5f) * x2 +
        x2 * x2 * (B(4.166664568298827e-2f) + x2 * (B(-1.388731625493765e-3f) + x2 * B(2.443315711809948e-5f)));
    const B q = qf + xsimd::select(qf < B(0.0f), B(4.0f), B(0.0f));  // quadrant mod 4, exact in float
    const auto swap = (q == B(1.0f)) || (q == B(3.0f));
    const auto sin_negative = q >= B(2.0f);
    const auto cos_negative = (q == B(1.0f)) || (q == B(2.0f));
    const B s = xsimd::select(swap, cos_r, sin_r), c = xsimd::select(swap, sin_r, cos_r);
    z1 = radius * xsimd::select(cos_negative, -c, c);
    z2 = radius * xsimd::select(sin_negative, -s, s);
  }
};
#endif

}  // namespace dmt
