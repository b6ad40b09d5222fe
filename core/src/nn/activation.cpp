#include "dmt/nn/activation.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "dmt/fast_exp.hpp"
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

// f(h) and f'(h) together.
template <class B>
void forward_and_slope(activation a, B h, B& f, B& slope) {
  using T = typename B::value_type;
  switch (a) {
    case activation::gelu: {
      B e, cdf;  // e = exp(-h^2 / 2) = sqrt(2 pi) pdf(h)
      if constexpr (std::is_same_v<T, float>)
        e = exp_nonpositive(T(-0.5) * h * h);
      else
        e = xsimd::exp(T(-0.5) * h * h);
      if constexpr (std::is_same_v<T, float>) {
        // erf(|h| / sqrt 2) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-h^2 / 2), t = 1 / (1 + p |h| / sqrt 2)
        const B t = T(1) / (T(1) + T(0.3275911f * 0.70710678118654752440f) * xsimd::abs(h));
        const B poly =
            t * (T(0.254829592f) + t * (T(-0.284496736f) + t * (T(1.421413741f) + t * (T(-1.453152027f) + t * T(1.061405429f)))));
        const B erf_abs = T(1) - poly * e;
        cdf = T(0.5) * (T(1) + xsimd::select(h < T(0), -erf_abs, erf_abs));
      } else {
        cdf = T(0.5) * (T(1) + xsimd::erf(h * T(0.70710678118654752440)));
      }
      f = h * cdf;
      slope = cdf + h * (T(0.39894228040143267794) * e);
      return;
    }
    case activation::silu: {
      const B sg = T(1) / (T(1) + xsimd::exp(-h));
      f = h * sg;
      slope = sg * (T(1) + h * (T(1) - sg));
      return;
    }
    case activation::tanh: {
      const B th = xsimd::tanh(h);
      f = th;
      slope = T(1) - th * th;
      return;
    }
  }
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

template <class T>
void activate_with_slope(activation a, const T* h, T* out, T* slope, std::size_t n) {
  using B = xsimd::batch<T>;
  for_batches<T>(n, [&](std::size_t i, std::size_t len) {
    B f(T(0)), d(T(0));
    if (len == B::size) {
      forward_and_slope(a, B::load_unaligned(h + i), f, d);
      f.store_unaligned(out + i);
      d.store_unaligned(slope + i);
    } else {
      alignas(64) T buf[B::size] = {}, buf2[B::size];
      std::copy(h + i, h + i + len, buf);
      forward_and_slope(a, B::load_aligned(buf), f, d);
      f.store_aligned(buf);
      d.store_aligned(buf2);
      std::copy(buf, buf + len, out + i);
      std::copy(buf2, buf2 + len, slope + i);
    }
  });
}

template void activate_with_slope<float>(activation, const float*, float*, float*, std::size_t);
template void activate_with_slope<double>(activation, const double*, double*, double*, std::size_t);
template void activate<float>(activation, const float*, float*, std::size_t);
template void activate<double>(activation, const double*, double*, std::size_t);
template void activate_backward<float>(activation, const float*, const float*, float*, std::size_t);
template void activate_backward<double>(activation, const double*, const double*, double*, std::size_t);

}  // namespace dmt
