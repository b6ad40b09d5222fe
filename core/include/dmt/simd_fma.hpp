// A fused multiply-add on xsimd batches that is fused on every x86 target. xsimd 8.1 maps fma()
// to the FMA3 instruction for SSE / AVX / AVX2 but has no AVX-512 kernel for it: there it falls
// back to x * y + z, which -ffp-contract=off (the project's flag) keeps as two rounded
// instructions. On AVX-512 this calls the 512-bit FMA directly; elsewhere it is xsimd::fma.
#pragma once
#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace dmt {

template <class T, class A>
inline xsimd::batch<T, A> fmadd(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& z) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<A, xsimd::avx512f> || std::is_same_v<A, xsimd::avx512cd> ||
                std::is_same_v<A, xsimd::avx512dq> || std::is_same_v<A, xsimd::avx512bw>) {
    if constexpr (std::is_same_v<T, float>)
      return _mm512_fmadd_ps(x, y, z);
    else if constexpr (std::is_same_v<T, double>)
      return _mm512_fmadd_pd(x, y, z);
    else
      return xsimd::fma(x, y, z);
  } else
#endif
    return xsimd::fma(x, y, z);
}

// z - x * y, fused (xsimd::fnma likewise lacks an AVX-512 kernel in 8.1).
template <class T, class A>
inline xsimd::batch<T, A> fnmadd(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& z) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<A, xsimd::avx512f> || std::is_same_v<A, xsimd::avx512cd> ||
                std::is_same_v<A, xsimd::avx512dq> || std::is_same_v<A, xsimd::avx512bw>) {
    if constexpr (std::is_same_v<T, float>)
      return _mm512_fnmadd_ps(x, y, z);
    else if constexpr (std::is_same_v<T, double>)
      return _mm512_fnmadd_pd(x, y, z);
    else
      return xsimd::fnma(x, y, z);
  } else
#endif
    return xsimd::fnma(x, y, z);
}

// x * y - z, fused (likewise xsimd::fms).
template <class T, class A>
inline xsimd::batch<T, A> fmsub(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& z) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<A, xsimd::avx512f> || std::is_same_v<A, xsimd::avx512cd> ||
                std::is_same_v<A, xsimd::avx512dq> || std::is_same_v<A, xsimd::avx512bw>) {
    if constexpr (std::is_same_v<T, float>)
      return _mm512_fmsub_ps(x, y, z);
    else if constexpr (std::is_same_v<T, double>)
      return _mm512_fmsub_pd(x, y, z);
    else
      return xsimd::fms(x, y, z);
  } else
#endif
    return xsimd::fms(x, y, z);
}

}  // namespace dmt
