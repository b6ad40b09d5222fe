// A fused multiply-add on xsimd batches that is fused on every x86 target. xsimd 8.1 maps fma()
// to the FMA3 instruction for SSE / AVX / AVX2 but has no AVX-512 kernel for it (nor for fnma,
// fms): there it falls back to x * y + z, which -ffp-contract=off (the project's flag) keeps as two
// rounded instructions. On AVX-512 these call the 512-bit FMA directly; elsewhere xsimd's.
#pragma once
#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace dmt {
namespace detail {

// whether batch<T, A> is a 512-bit float or double register
template <class T, class A>
constexpr bool avx512_float_batch() {
#if defined(__AVX512F__)
  return (std::is_same_v<T, float> || std::is_same_v<T, double>) &&
         (std::is_same_v<A, xsimd::avx512f> || std::is_same_v<A, xsimd::avx512cd> ||
          std::is_same_v<A, xsimd::avx512dq> || std::is_same_v<A, xsimd::avx512bw>);
#else
  return false;
#endif
}

}  // namespace detail

// x * y + z
template <class T, class A>
inline xsimd::batch<T, A> fmadd(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& z) {
#if defined(__AVX512F__)
  if constexpr (detail::avx512_float_batch<T, A>()) {
    if constexpr (std::is_same_v<T, float>) return _mm512_fmadd_ps(x, y, z);
    else return _mm512_fmadd_pd(x, y, z);
  }
#endif
  return xsimd::fma(x, y, z);
}

// z - x * y
template <class T, class A>
inline xsimd::batch<T, A> fnmadd(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& z) {
#if defined(__AVX512F__)
  if constexpr (detail::avx512_float_batch<T, A>()) {
    if constexpr (std::is_same_v<T, float>) return _mm512_fnmadd_ps(x, y, z);
    else return _mm512_fnmadd_pd(x, y, z);
  }
#endif
  return xsimd::fnma(x, y, z);
}

// x * y - z
template <class T, class A>
inline xsimd::batch<T, A> fmsub(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& z) {
#if defined(__AVX512F__)
  if constexpr (detail::avx512_float_batch<T, A>()) {
    if constexpr (std::is_same_v<T, float>) return _mm512_fmsub_ps(x, y, z);
    else return _mm512_fmsub_pd(x, y, z);
  }
#endif
  return xsimd::fms(x, y, z);
}

}  // namespace dmt
