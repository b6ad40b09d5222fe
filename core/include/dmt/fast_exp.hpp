// Vectorised exp for float batches (Cephes' expf: Cody-Waite reduction by ln 2, degree-6
// polynomial, relative error ~1e-7), shared by the activations and the Sinkhorn kernels.
#pragma once
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

namespace dmt {

// exp(x) for x <= 88; arguments below -87 give 2^-126 (about 1.2e-38) instead of denormals.
template <class B>
B exp_nonpositive(B x) {
  using I = xsimd::batch<std::int32_t, typename B::arch_type>;
  x = xsimd::max(x, B(-87.0f));
  const B n = xsimd::nearbyint(x * B(1.44269504088896341f));
  B r = xsimd::fma(n, B(-0.693359375f), x);
  r = xsimd::fma(n, B(2.12194440e-4f), r);
  B p(1.9875691500e-4f);
  p = xsimd::fma(p, r, B(1.3981999507e-3f));
  p = xsimd::fma(p, r, B(8.3334519073e-3f));
  p = xsimd::fma(p, r, B(4.1665795894e-2f));
  p = xsimd::fma(p, r, B(1.6666665459e-1f));
  p = xsimd::fma(p, r, B(5.0000001201e-1f));
  p = xsimd::fma(p, r * r, r) + B(1.0f);
  const I e = (xsimd::to_int(n) + I(127)) << 23;
  return p * xsimd::bitwise_cast<B>(e);
}

// exp(x) with true underflow: 0 below -87 (and for -inf), overflow to +inf above 88.7.
inline xsimd::batch<float> exp_or_zero(xsimd::batch<float> x) {
  using B = xsimd::batch<float>;
  const B y = exp_nonpositive(xsimd::min(x, B(88.0f)));
  const B r = xsimd::select(x < B(-87.0f), B(0.0f), y);
  return xsimd::select(x > B(88.0f), B(std::numeric_limits<float>::infinity()), r);
}
inline xsimd::batch<double> exp_or_zero(xsimd::batch<double> x) { return xsimd::exp(x); }

}  // namespace dmt
