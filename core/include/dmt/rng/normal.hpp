// Standard normal and uniform draws keyed by (seed, particle, step, purpose), one particle per
// lane of T (T = float: one particle; T = xsimd batch: consecutive particles).
// Normals use the Box-Muller transform on pairs of uniforms from uniform_open01, so the
// largest |z| is sqrt(-2 ln(2^-25)) = 5.9 (probability beyond it: 4e-9).
#pragma once
#include <cmath>
#include <cstdint>

#include "dmt/hd.hpp"
#include "dmt/rng/philox.hpp"

namespace dmt {

// Where in the Philox stream a step's draws live.
struct rng_site {
  philox_key key;
  std::uint32_t step;
  std::uint32_t purpose;
};

// Uniforms (0,1) for block `block` of the W particles starting at `first_particle`:
// u[j][l] is output j of particle first_particle + l.
template <int W>
DMT_HD inline void uniform_block(rng_site site, std::uint32_t first_particle, std::uint32_t block, float (&u)[4][W]) {
  std::uint32_t c[4][W];
  for (int l = 0; l < W; ++l) {
    c[0][l] = block;
    c[1][l] = site.step;
    c[2][l] = first_particle + static_cast<std::uint32_t>(l);
    c[3][l] = site.purpose;
  }
  philox4x32_10_lanes<W>(c, site.key);
  for (int j = 0; j < 4; ++j)
    for (int l = 0; l < W; ++l) u[j][l] = uniform_open01(c[j][l]);
}

// How lanes<T> particles get their uniforms and normals. The primary template is the portable
// one (plain loops; CUDA, scalar reference); CPU SIMD builds specialise it for xsimd batches
// (rng/philox_simd.hpp) with the same outputs up to the last bits of log/sin/cos.
template <class T>
struct random_source {
  // u[j] = output j of block `block`, as uniforms in (0, 1)
  DMT_HD static void uniforms(rng_site site, std::uint32_t first_particle, std::uint32_t block, T (&u)[4]) {
    constexpr int W = lanes<T>::value;
    float buf[4][W];
    uniform_block<W>(site, first_particle, block, buf);
    for (int j = 0; j < 4; ++j) u[j] = lane_io<T>::load(buf[j]);
  }
  // Box-Muller: (u1, u2) -> two independent standard normals; the angle is taken in [-pi, pi).
  DMT_HD static void box_muller(T u1, T u2, T& z1, T& z2) {
    using std::cos;
    using std::log;
    using std::sin;
    using std::sqrt;
    const T radius = sqrt(T(-2.0f) * log(u1));
    const T angle = T(6.28318530717958647692f) * (u2 - T(0.5f));
    z1 = radius * cos(angle);
    z2 = radius * sin(angle);
  }
  DMT_HD static void normals(rng_site site, std::uint32_t first_particle, int dim, T* z) {
    for (int b = 0; 4 * b < dim; ++b) {
      T u[4], n[4];
      uniforms(site, first_particle, static_cast<std::uint32_t>(b), u);
      box_muller(u[0], u[1], n[0], n[1]);
      box_muller(u[2], u[3], n[2], n[3]);
      for (int j = 0; j < 4 && 4 * b + j < dim; ++j) z[4 * b + j] = n[j];
    }
  }
};

// Fills z[0..dim) with standard normals for the lanes<T> particles starting at first_particle:
// coordinate i comes from block i / 4, outputs (0,1) and (2,3) paired by Box-Muller.
template <class T>
DMT_HD inline void normal_vector(rng_site site, std::uint32_t first_particle, int dim, T* z) {
  random_source<T>::normals(site, first_particle, dim, z);
}

// One uniform (0,1) per lane: output 0 of block 0.
template <class T>
DMT_HD inline T uniform_scalar(rng_site site, std::uint32_t first_particle) {
  T u[4];
  random_source<T>::uniforms(site, first_particle, 0u, u);
  return u[0];
}

}  // namespace dmt
