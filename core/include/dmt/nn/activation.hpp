// Element-wise activations of the networks and their derivatives, vectorised with xsimd in
// every build. GELU is the exact one (x Phi(x), PyTorch's nn.GELU() default), not the tanh
// approximation.
#pragma once
#include <cstddef>
#include <string>

namespace dmt {

enum class activation { gelu, silu, tanh };

activation parse_activation(const std::string& name);  // input_error for unknown names
const char* activation_name(activation a);

// out[i] = f(h[i]); out may alias h.
template <class T>
void activate(activation a, const T* h, T* out, std::size_t n);
// out[i] = f(h[i]) and slope[i] = f'(h[i]) in one pass (out may alias h). For float, GELU uses
// erf from Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, float rounding level),
// which shares its exp(-h^2 / 2) with the slope; double uses xsimd's erf.
template <class T>
void activate_with_slope(activation a, const T* h, T* out, T* slope, std::size_t n);
// d_h[i] = d_out[i] * f'(h[i]); d_h may alias d_out.
template <class T>
void activate_backward(activation a, const T* h, const T* d_out, T* d_h, std::size_t n);

}  // namespace dmt
