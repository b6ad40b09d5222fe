// Entropic OT between Gaussian mixtures and kernel density estimates (arXiv 2505.12412: Sinkhorn
// converges exponentially for such models). Two discretisations feed the point-cloud Sinkhorn:
//  - on the components: each component N(m_k, S_k) carries a tensor Gauss-Hermite rule (q nodes
//    per axis, q^d nodes, mapped through the Cholesky factor of S_k) with weights w_k times the
//    rule's weights; the discrete Sinkhorn is then a Nystrom discretisation of the continuous
//    Sinkhorn equations, spectrally accurate in q for smooth problems (d <= 4);
//  - sample-based: n draws from each mixture, uniform weights (any d).
// The result carries the observed contraction rate of the marginal errors.
#pragma once
#include <cstdint>
#include <vector>

#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/sinkhorn.hpp"

namespace dmt {

struct gaussian_mixture {
  std::vector<double> weights;  // non-negative, summing to 1
  std::vector<gaussian> components;
};

// The KDE (1/n) sum_i N(x_i, h^2 I) of the rows of `points`.
gaussian_mixture kernel_density(const Eigen::MatrixXd& points, double bandwidth);
// Refuses mismatched weights/components, weights not summing to 1, bad covariances (input_error).
void check_mixture(const gaussian_mixture& m, const char* name);

// Probabilists' Gauss-Hermite rule (weight N(0, 1)) with q nodes, by Golub-Welsch.
void gauss_hermite(int q, std::vector<double>& nodes, std::vector<double>& weights);

weighted_cloud quadrature_cloud(const gaussian_mixture& m, int nodes_per_dim);
weighted_cloud sample_cloud(const gaussian_mixture& m, std::size_t n, std::uint64_t seed);

struct mixture_ot_settings {
  int nodes_per_dim = 0;    // > 0: Gauss-Hermite on the components
  std::size_t samples = 0;  // otherwise: sample-based with this many draws per mixture
  std::uint64_t seed = 1;
};
sinkhorn_result mixture_sinkhorn(const gaussian_mixture& a, const gaussian_mixture& b, const mixture_ot_settings& m,
                                 const sinkhorn_options& options);

}  // namespace dmt
