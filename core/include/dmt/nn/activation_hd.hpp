// Scalar activations and their slopes for per-element device code (the CUDA trainer): the same
// functions as activation.hpp's vectorised CPU versions (exact GELU x Phi(x), SiLU, tanh), with the
// C library's erf / exp / tanh. tests/unit/activation_test.cpp compares the two.
#pragma once
#include "dmt/hd.hpp"
#include "dmt/nn/activation.hpp"

namespace dmt {

template <class T>
DMT_HD inline void activation_and_slope(activation a, T h, T& f, T& slope) {
  using std::erf;
  using std::exp;
  using std::tanh;
  switch (a) {
    case activation::gelu: {
      const T cdf = T(0.5) * (T(1) + erf(h * T(0.70710678118654752440)));
      f = h * cdf;
      slope = cdf + h * (T(0.39894228040143267794) * exp(T(-0.5) * h * h));
      return;
    }
    case activation::silu: {
      const T s = T(1) / (T(1) + exp(-h));
      f = h * s;
      slope = s * (T(1) + h * (T(1) - s));
      return;
    }
    case activation::tanh: {
      const T t = tanh(h);
      f = t;
      slope = T(1) - t * t;
      return;
    }
  }
  f = h;
  slope = T(1);
}

}  // namespace dmt
