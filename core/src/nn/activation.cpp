#include "dmt/nn/activation.hpp"

#include <algorithm>
#include <xsimd/xsimd.hpp>

#include "dmt/params.hpp"

namespace dmt {
namespace {

template <class B>
B forward(activation a, B h) {
  using T = typename B::value_type;
  switch (a) {
    case activation::gelu:
      return T(0.5) * h * (T(1) + xsimd::erf(h * T(0.70710678118654752440)));
    case activation::silu:
      return h / (T(1) + xsimd::exp(-h));
    case activation::tanh:
      return xsimd::tanh(h);
  }
  return h;
}

template <class B>
B derivative(activation a, B h) {
  using T = typename B::value_type;
  switch (a) {
    case activation::gelu: {
      const B cdf = T(0.5) * (T(1) + xsimd::erf(h * T(0.70710678118654752440)));
      const B pdf = T(0.39894228040143267794) * xsimd::exp(T(-0.5) * h * h);
      return cdf + h * pdf;
    }
    case activation::silu: {
      const B s = T(1) / (T(1) + xsimd::exp(-h));
      return s * (T(1) + h * (T(1) - s));
    }
    case activation::tanh: {
      const B t = xsimd::tanh(h);
      return T(1) - t * t;
    }
  }
  return B(T(1));
}

// Runs f over n elements in full batches; the tail goes through a zero-padded batch, so every
// element is computed by the same SIMD code whatever n is.
template <class T, class F>
void for_batches(std::size_t n, F&& f) {
  using B = xsimd::batch<T>;
  constexpr std::size_t L = B::size;
  std::size_t i = 0;
  for (; i + L <= n; i += L) f(i, L);
  if (i < n) f(i, n - i);
}

}  // namespace

activation parse_activation(const std::string& name) {
  if (name == "gelu") return activation::gelu;
  if (name == "silu") return activation::silu;
  if (name == "tanh") return activation::tanh;
  throw input_error("unknown activation '" + name + "' (gelu, silu, tanh)");
}

const char* activation_name(activation a) {
  switch (a) {
    case activation::gelu:
      return "gelu";
    case activation::silu:
      return "silu";
    case activation::tanh:
      return "tanh";
  }
  return "?";
}

template <class T>
void activate(activation a, const T* h, T* out, std::size_t n) {
  using B = xsimd::batch<T>;
  for_batches<T>(n, [&](std::size_t i, std::size_t len) {
    if (len == B::size) {
      forward(a, B::load_unaligned(h + i)).store_unaligned(out + i);
    } else {
      alignas(64) T buf[B::size] = {};
      std::copy(h + i, h + i + len, buf);
      forward(a, B::load_aligned(buf)).store_aligned(buf);
      std::copy(buf, buf + len, out + i);
    }
  });
}

template <class T>
void activate_backward(activation a, const T* h, const T* d_out, T* d_h, std::size_t n) {
  using B = xsimd::batch<T>;
  for_batches<T>(n, [&](std::size_t i, std::size_t len) {
    if (len == B::size) {
      (B::load_unaligned(d_out + i) * derivative(a, B::load_unaligned(h + i))).store_unaligned(d_h + i);
    } else {
      alignas(64) T buf[B::size] = {};
      std::copy(h + i, h + i + len, buf);
      const B d = derivative(a, B::load_aligned(buf));
      std::fill(std::begin(buf), std::end(buf), T(0));
      std::copy(d_out + i, d_out + i + len, buf);
      (B::load_aligned(buf) * d).store_aligned(buf);
      std::copy(buf, buf + len, d_h + i);
    }
  });
}

template void activate<float>(activation, const float*, float*, std::size_t);
template void activate<double>(activation, const double*, double*, std::size_t);
template void activate_backward<float>(activation, const float*, const float*, float*, std::size_t);
template void activate_backward<double>(activation, const double*, const double*, double*, std::size_t);

}  // namespace dmt
