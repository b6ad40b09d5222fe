#include "dmt/nn/gemm.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace dmt {
namespace {

// The xsimd kernel is the faster one for the networks' shapes natively too (bench/README.md:
// BM_Gemm64, BM_TrainTB); Eigen stays available for comparison.
std::atomic<gemm_kernel> g_kernel{gemm_kernel::simd};

// C (m x n) = op(A) op(B) (+ C) with Eigen; TA / TB: that operand is stored transposed (not both).
template <bool TA, bool TB, class T>
void eigen_product(int m, int n, int k, const T* a, int lda, const T* b, int ldb, T* c, int ldc, bool accumulate) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Mat, 0, Stride> A(a, TA ? k : m, TA ? m : k, Stride(lda));
  Eigen::Map<const Mat, 0, Stride> B(b, TB ? n : k, TB ? k : n, Stride(ldb));
  Eigen::Map<Mat, 0, Stride> C(c, m, n, Stride(ldc));
  auto product = [&](auto&& lhs, auto&& rhs) {
    if (accumulate)
      C.noalias() += lhs * rhs;
    else
      C.noalias() = lhs * rhs;
  };
  if constexpr (TA)
    product(A.transpose(), B);
  else if constexpr (TB)
    product(A, B.transpose());
  else
    product(A, B);
}

template <class T>
void gemm_eigen(int m, int n, int k, const T* a, int lda, const T* b, int ldb, T* c, int ldc, bool accumulate) {
  eigen_product<false, false>(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

// Register-blocked kernel: a tile of RB batches of rows x NR columns of C lives in registers
// (4 x 3 = 12 accumulators for the 64-row layers: enough independent FMAs to cover the FMA
// latency); each step over p loads RB row batches of A and broadcasts NR entries of B. The
// p loop is cut into blocks of KC so that A's block stays in cache while the columns stream
// past; C carries the partial sums between blocks. Every element of C is summed in an order
// fixed by k alone (in p order, or for fewer than L rows in SIMD lanes over p), whatever n and
// the tiling, so a column's result never depends on which other columns share the call.
// BT: B is given transposed, element (p, j) at b[j + p * ldb] (C = A * B^T without a copy).
template <int RB, int NR, bool BT>
inline void tile(int i, int j, int p0, int p1, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
                 bool load_c) {
  using B = xsimd::batch<float>;
  constexpr int L = static_cast<int>(B::size);
  B acc[RB][NR];
  for (int r = 0; r < RB; ++r)
    for (int q = 0; q < NR; ++q)
      acc[r][q] = load_c ? B::load_unaligned(c + i + r * L + static_cast<std::ptrdiff_t>(j + q) * ldc) : B(0.0f);
  const float* bp = BT ? b + j : b + static_cast<std::ptrdiff_t>(j) * ldb;
  for (int p = p0; p < p1; ++p) {
    B ar[RB];
    for (int r = 0; r < RB; ++r) ar[r] = B::load_unaligned(a + i + r * L + static_cast<std::ptrdiff_t>(p) * lda);
    for (int q = 0; q < NR; ++q) {
      const B bq(BT ? bp[q + static_cast<std::ptrdiff_t>(p) * ldb] : bp[p + static_cast<std::ptrdiff_t>(q) * ldb]);
      for (int r = 0; r < RB; ++r) acc[r][q] = xsimd::fma(ar[r], bq, acc[r][q]);
    }
  }
  for (int r = 0; r < RB; ++r)
    for (int q = 0; q < NR; ++q) acc[r][q].store_unaligned(c + i + r * L + static_cast<std::ptrdiff_t>(j + q) * ldc);
}

template <int RB, bool BT>
inline void row_block(int i, int n, int p0, int p1, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
                      bool load_c) {
  int j = 0;
  constexpr int NR = RB == 2 ? 6 : 4;
  for (; j + NR <= n; j += NR) tile<RB, NR, BT>(i, j, p0, p1, a, lda, b, ldb, c, ldc, load_c);
  if constexpr (NR > 4)
    for (; j + 4 <= n; j += 4) tile<RB, 4, BT>(i, j, p0, p1, a, lda, b, ldb, c, ldc, load_c);
  for (; j + 2 <= n; j += 2) tile<RB, 2, BT>(i, j, p0, p1, a, lda, b, ldb, c, ldc, load_c);
  for (; j < n; ++j) tile<RB, 1, BT>(i, j, p0, p1, a, lda, b, ldb, c, ldc, load_c);
}

template <bool BT>
void gemm_simd(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
               bool accumulate) {
  using B = xsimd::batch<float>;
  constexpr int L = static_cast<int>(B::size);
  constexpr int KC = 256;
  // Fewer than L rows left (e.g. the 2-D drift layer): C's rows are short, so vectorise along j
  // when B's rows are contiguous (BT), else along p (dot products of A's row with B's columns).
  const int m_vec = m - m % L;
  std::vector<float> a_row;
  if (m_vec < m && !BT) a_row.resize(static_cast<std::size_t>(k));
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int p1 = std::min(k, p0 + KC);
    const bool load_c = accumulate || p0 > 0;
    int i = 0;
    for (; i + 2 * L <= m; i += 2 * L) row_block<2, BT>(i, n, p0, p1, a, lda, b, ldb, c, ldc, load_c);
    for (; i + L <= m; i += L) row_block<1, BT>(i, n, p0, p1, a, lda, b, ldb, c, ldc, load_c);
    for (; i < m; ++i) {
      if constexpr (BT) {
        int j = 0;
        for (; j + L <= n; j += L) {
          alignas(64) float buf[L];
          for (int q = 0; q < L; ++q) buf[q] = load_c ? c[i + static_cast<std::ptrdiff_t>(j + q) * ldc] : 0.0f;
          B acc = B::load_aligned(buf);
          for (int p = p0; p < p1; ++p)
            acc = xsimd::fma(B(a[i + static_cast<std::ptrdiff_t>(p) * lda]),
                             B::load_unaligned(b + j + static_cast<std::ptrdiff_t>(p) * ldb), acc);
          acc.store_aligned(buf);
          for (int q = 0; q < L; ++q) c[i + static_cast<std::ptrdiff_t>(j + q) * ldc] = buf[q];
        }
        for (; j < n; ++j) {
          float s = load_c ? c[i + static_cast<std::ptrdiff_t>(j) * ldc] : 0.0f;
          for (int p = p0; p < p1; ++p)
            s = xsimd::fma(a[i + static_cast<std::ptrdiff_t>(p) * lda], b[j + static_cast<std::ptrdiff_t>(p) * ldb], s);
          c[i + static_cast<std::ptrdiff_t>(j) * ldc] = s;
        }
      } else {
        for (int p = p0; p < p1; ++p) a_row[p] = a[i + static_cast<std::ptrdiff_t>(p) * lda];
        for (int j = 0; j < n; ++j) {
          const float* bj = b + static_cast<std::ptrdiff_t>(j) * ldb;
          B acc(0.0f);
          int p = p0;
          for (; p + L <= p1; p += L) acc = xsimd::fma(B::load_unaligned(a_row.data() + p), B::load_unaligned(bj + p), acc);
          float s = xsimd::hadd(acc);
          for (; p < p1; ++p) s = xsimd::fma(a_row[p], bj[p], s);
          c[i + static_cast<std::ptrdiff_t>(j) * ldc] = load_c ? c[i + static_cast<std::ptrdiff_t>(j) * ldc] + s : s;
        }
      }
    }
  }
}

}  // namespace

gemm_kernel default_gemm_kernel() { return g_kernel.load(std::memory_order_relaxed); }
void set_default_gemm_kernel(gemm_kernel k) { g_kernel.store(k, std::memory_order_relaxed); }
const char* gemm_kernel_name(gemm_kernel k) { return k == gemm_kernel::eigen ? "eigen" : "simd"; }

void gemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
          bool accumulate, gemm_kernel kernel) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) c[i + j * ldc] = 0.0f;
    return;
  }
  if (kernel == gemm_kernel::eigen)
    gemm_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  else
    gemm_simd<false>(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void gemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
          bool accumulate) {
  gemm(m, n, k, a, lda, b, ldb, c, ldc, accumulate, default_gemm_kernel());
}

void gemm(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
          bool accumulate) {
  if (m <= 0 || n <= 0) return;
  gemm_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

namespace {

template <class T>
void transpose_into(int rows, int cols, const T* a, int lda, std::vector<T>& out) {
  out.resize(static_cast<std::size_t>(rows) * cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) out[static_cast<std::size_t>(j) + static_cast<std::size_t>(i) * cols] = a[i + j * lda];
}

template <class T>
void gemm_tn_eigen(int m, int n, int k, const T* a, int lda, const T* b, int ldb, T* c, int ldc, bool accumulate) {
  eigen_product<true, false>(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

template <class T>
void gemm_nt_eigen(int m, int n, int k, const T* a, int lda, const T* b, int ldb, T* c, int ldc, bool accumulate) {
  eigen_product<false, true>(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

}  // namespace

void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
             bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (default_gemm_kernel() == gemm_kernel::eigen) return gemm_tn_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  thread_local std::vector<float> at;
  transpose_into(k, m, a, lda, at);  // at is m x k
  gemm(m, n, k, at.data(), m, b, ldb, c, ldc, accumulate, gemm_kernel::simd);
}

void gemm_tn(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
             bool accumulate) {
  if (m <= 0 || n <= 0) return;
  gemm_tn_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
             bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (default_gemm_kernel() == gemm_kernel::eigen) return gemm_nt_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  gemm_simd<true>(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void gemm_nt(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
             bool accumulate) {
  if (m <= 0 || n <= 0) return;
  gemm_nt_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

}  // namespace dmt
