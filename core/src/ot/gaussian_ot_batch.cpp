#include "dmt/ot/gaussian_ot_batch.hpp"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>

#include "dmt/params.hpp"

namespace dmt {

template <class T>
void gaussian_entropic_ot_batch(std::size_t pairs, int d, const T* mean_a, const T* cov_a, const T* mean_b,
                                const T* cov_b, double s, T* cost, T* cross, const executor* exec) {
  if (d < 1 || d > kGaussianBatchMaxDim)
    throw input_error("batched Gaussian OT supports 1 <= d <= " + std::to_string(kGaussianBatchMaxDim));
  if (!(s >= 0.0) || !std::isfinite(s)) throw input_error("the regularisation s must be finite and non-negative");
  using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor, kGaussianBatchMaxDim, kGaussianBatchMaxDim>;
  using V = Eigen::Matrix<T, Eigen::Dynamic, 1, 0, kGaussianBatchMaxDim, 1>;
  const std::size_t dd = std::size_t(d) * d;
  const T s2 = T(s * s), s4 = s2 * s2;
  const T entropic = s > 0 ? T(d * s * s * (1.0 - std::log(2.0 * s * s))) : T(0);
  const std::size_t chunk = 64;
  const auto body = [&](std::size_t t) {
    Eigen::SelfAdjointEigenSolver<M> ea(d), em(d);
    M A(d, d), B(d, d), ah(d, d), amh(d, d), D(d, d);
    V la(d), lm(d);
    for (std::size_t p = t * chunk; p < std::min(pairs, (t + 1) * chunk); ++p) {
      A = Eigen::Map<const M>(cov_a + p * dd, d, d);
      B = Eigen::Map<const M>(cov_b + p * dd, d, d);
      ea.compute(A);
      la = ea.eigenvalues().cwiseMax(T(0)).cwiseSqrt();
      ah.noalias() = ea.eigenvectors() * la.asDiagonal() * ea.eigenvectors().transpose();
      em.compute(T(4) * ah * B * ah);
      lm = (em.eigenvalues().cwiseMax(T(0)).array() + s4).sqrt().matrix();  // eigenvalues of D
      T c = (Eigen::Map<const V>(mean_a + p * d, d) - Eigen::Map<const V>(mean_b + p * d, d)).squaredNorm() +
            A.trace() + B.trace() - lm.sum();
      if (s > 0) c += entropic + s2 * (lm.array() + s2).log().sum();
      cost[p] = c;
      if (cross) {
        amh.noalias() = ea.eigenvectors() * la.cwiseInverse().asDiagonal() * ea.eigenvectors().transpose();
        D.noalias() = em.eigenvectors() * lm.asDiagonal() * em.eigenvectors().transpose();
        Eigen::Map<M> C(cross + p * dd, d, d);
        C.noalias() = T(0.5) * ah * D * amh;
        C.diagonal().array() -= T(0.5) * s2;
      }
    }
  };
  (exec ? *exec : serial_executor()).parallel_for((pairs + chunk - 1) / chunk, body);
}

template void gaussian_entropic_ot_batch<float>(std::size_t, int, const float*, const float*, const float*,
                                                const float*, double, float*, float*, const executor*);
template void gaussian_entropic_ot_batch<double>(std::size_t, int, const double*, const double*, const double*,
                                                 const double*, double, double*, double*, const executor*);

}  // namespace dmt
