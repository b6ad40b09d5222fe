// Dense matrix products for the networks: C = A * B (+ C), column-major, float or double.
// Two kernels: Eigen's GEMM (vectorised natively; scalar in the wasm build, where Eigen is built
// with EIGEN_DONT_VECTORIZE) and a register-blocked xsimd kernel that is SIMD in every build
// (AVX2/AVX-512 natively, SIMD128 through xsimd's SSE2 path in wasm). The xsimd kernel is the
// default everywhere: it is the faster one on the networks' shapes (bench/bench_train.cpp).
#pragma once
#include <cstddef>

namespace dmt {

enum class gemm_kernel { eigen, simd };

// The kernel used by gemm() for float; double always uses Eigen (tests, finite differences).
gemm_kernel default_gemm_kernel();
void set_default_gemm_kernel(gemm_kernel k);
const char* gemm_kernel_name(gemm_kernel k);

// C (m x n) = A (m x k) * B (k x n), or C += A * B when accumulate; leading dimensions lda, ldb,
// ldc (column-major). Results for a column of C do not depend on n or on which other columns
// are computed in the same call (so partitioning the columns across threads changes no bit).
void gemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
          bool accumulate, gemm_kernel kernel);
void gemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
          bool accumulate);
void gemm(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
          bool accumulate);

}  // namespace dmt

namespace dmt {

// C (m x n) = A^T * B with A stored k x m (lda) and B k x n (ldb).
void gemm_tn(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
             bool accumulate);
void gemm_tn(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
             bool accumulate);
// C (m x n) = A * B^T with A stored m x k (lda) and B n x k (ldb).
void gemm_nt(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
             bool accumulate);
void gemm_nt(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc,
             bool accumulate);

}  // namespace dmt
