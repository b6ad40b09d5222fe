#include "dmt/nn/gemm.hpp"

#include <Eigen/Core>
#include <atomic>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace dmt {
namespace {

#if defined(EIGEN_DONT_VECTORIZE)
std::atomic<gemm_kernel> g_kernel{gemm_kernel::simd};
#else
std::atomic<gemm_kernel> g_kernel{gemm_kernel::eigen};
#endif

template <class T>
void gemm_eigen(int m, int n, int k, const T* a, int lda, const T* b, int ldb, T* c, int ldc, bool accumulate) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Mat, 0, Stride> A(a, m, k, Stride(lda));
  Eigen::Map<const Mat, 0, Stride> B(b, k, n, Stride(ldb));
  Eigen::Map<Mat, 0, Stride> C(c, m, n, Stride(ldc));
  if (accumulate)
    C.noalias() += A * B;
  else
    C.noalias() = A * B;
}

// Register-blocked kernel: a tile of 2 batches of rows x 4 columns of C lives in 8 registers;
// each step over k loads two row batches of A and broadcasts four entries of B. Every element
// of C is the sum over p = 0..k-1 in order, whatever the tile, so the result does not depend on
// the blocking.
void gemm_simd(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
               bool accumulate) {
  using B = xsimd::batch<float>;
  constexpr int L = static_cast<int>(B::size);
  constexpr int MR = 2 * L, NR = 4;
  int i = 0;
  for (; i + MR <= m; i += MR) {
    int j = 0;
    for (; j + NR <= n; j += NR) {
      B acc[2][NR];
      for (int r = 0; r < 2; ++r)
        for (int q = 0; q < NR; ++q)
          acc[r][q] = accumulate ? B::load_unaligned(c + i + r * L + (j + q) * ldc) : B(0.0f);
      const float* b0 = b + j * ldb;
      for (int p = 0; p < k; ++p) {
        const B a0 = B::load_unaligned(a + i + p * lda);
        const B a1 = B::load_unaligned(a + i + L + p * lda);
        for (int q = 0; q < NR; ++q) {
          const B bq(b0[p + q * ldb]);
          acc[0][q] = xsimd::fma(a0, bq, acc[0][q]);
          acc[1][q] = xsimd::fma(a1, bq, acc[1][q]);
        }
      }
      for (int r = 0; r < 2; ++r)
        for (int q = 0; q < NR; ++q) acc[r][q].store_unaligned(c + i + r * L + (j + q) * ldc);
    }
    for (; j < n; ++j) {
      B acc0 = accumulate ? B::load_unaligned(c + i + j * ldc) : B(0.0f);
      B acc1 = accumulate ? B::load_unaligned(c + i + L + j * ldc) : B(0.0f);
      for (int p = 0; p < k; ++p) {
        const B bq(b[p + j * ldb]);
        acc0 = xsimd::fma(B::load_unaligned(a + i + p * lda), bq, acc0);
        acc1 = xsimd::fma(B::load_unaligned(a + i + L + p * lda), bq, acc1);
      }
      acc0.store_unaligned(c + i + j * ldc);
      acc1.store_unaligned(c + i + L + j * ldc);
    }
  }
  for (; i + L <= m; i += L) {
    for (int j = 0; j < n; ++j) {
      B acc = accumulate ? B::load_unaligned(c + i + j * ldc) : B(0.0f);
      for (int p = 0; p < k; ++p) acc = xsimd::fma(B::load_unaligned(a + i + p * lda), B(b[p + j * ldb]), acc);
      acc.store_unaligned(c + i + j * ldc);
    }
  }
  // Fewer than L rows left (e.g. a 2-D drift): vectorise over k instead.
  for (; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      const float* bj = b + j * ldb;
      float s = 0.0f;
      for (int p = 0; p < k; ++p) s = xsimd::fma(a[i + p * lda], bj[p], s);
      c[i + j * ldc] = accumulate ? c[i + j * ldc] + s : s;
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
    gemm_simd(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
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
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Mat, 0, Stride> A(a, k, m, Stride(lda));
  Eigen::Map<const Mat, 0, Stride> B(b, k, n, Stride(ldb));
  Eigen::Map<Mat, 0, Stride> C(c, m, n, Stride(ldc));
  if (accumulate)
    C.noalias() += A.transpose() * B;
  else
    C.noalias() = A.transpose() * B;
}

template <class T>
void gemm_nt_eigen(int m, int n, int k, const T* a, int lda, const T* b, int ldb, T* c, int ldc, bool accumulate) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const Mat, 0, Stride> A(a, m, k, Stride(lda));
  Eigen::Map<const Mat, 0, Stride> B(b, n, k, Stride(ldb));
  Eigen::Map<Mat, 0, Stride> C(c, m, n, Stride(ldc));
  if (accumulate)
    C.noalias() += A * B.transpose();
  else
    C.noalias() = A * B.transpose();
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
  thread_local std::vector<float> bt;
  transpose_into(n, k, b, ldb, bt);  // bt is k x n
  gemm(m, n, k, a, lda, bt.data(), k, c, ldc, accumulate, gemm_kernel::simd);
}

void gemm_nt(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
             bool accumulate) {
  if (m <= 0 || n <= 0) return;
  gemm_nt_eigen(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

}  // namespace dmt
