// Log-domain Sinkhorn for weighted point clouds (ALGORITHMS.md 6). With eps = reg and the ground
// cost c, the entropic problem min_P <P, C> + eps KL(P || a x b) over couplings of a and b has the
// solution P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps), where the dual potentials solve
//   f_i = -eps log sum_j b_j exp((g_j - C_ij) / eps),   g_j = -eps log sum_i a_i exp((f_i - C_ij) / eps).
// This is POT's ot.sinkhorn(a, b, M, reg) / ot.bregman.sinkhorn_log for the same M = C.
//
// Implementation: C_ij is computed on the fly from the coordinates (memory O(N + M)) unless the
// problem is small enough (`storage`, `dense_limit`) for a stored Gibbs kernel
// K_ij = exp((f~_i + g~_j - C_ij) / eps) with absorbed potentials f~, g~ (Schmitzer's stabilised
// scaling): one pass over K per iteration, no exp, the same iterates up to rounding
// (src/ot/gibbs_kernel.hpp). The log-domain path: each half-step is an online
// log-sum-exp over one cloud for every point of the other, vectorised with xsimd (one exp per
// pair: the shift of each row's log-sum-exp is the previous potential, and a row whose shifted sum
// leaves the safe range is recomputed with its exact maximum), rows split over the executor's
// threads (results do not depend on the thread count). The row marginal error of the current plan
// falls out of each f-update: r_i = a_i exp((f_i - f_i^new) / eps) (the column marginal is exact
// after every g-update). Optional eps-scaling (one iteration per stage eps_0 q^k from the cloud's
// diameter down to eps, then iterations at eps) speeds up small eps.
#pragma once
#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "dmt/executor.hpp"

namespace dmt {

enum class ot_cost {
  sqeuclidean,  // |x - y|_2^2 (the default; the Gaussian closed forms use it)
  euclidean,    // |x - y|_2
  lp            // sum_k |x_k - y_k|^p (p >= 1; p = 2 is sqeuclidean)
};
struct ground_cost {
  ot_cost kind = ot_cost::sqeuclidean;
  double p = 2.0;  // only for lp
  double operator()(const double* x, const double* y, std::size_t d) const;
};
// "sqeuclidean", "euclidean", "l1" or "lp:P" (e.g. "lp:1.5"); input_error otherwise.
ground_cost parse_ground_cost(const std::string& text);

struct weighted_cloud {
  Eigen::MatrixXd points;   // n x d, one point per row
  Eigen::VectorXd weights;  // n non-negative weights summing to 1; empty means uniform
};
// Refuses (input_error naming the problem) empty clouds, non-finite coordinates, negative or
// non-finite weights, a weight vector of the wrong length and weights that do not sum to 1 within
// 1e-6 (they are never renormalised silently).
void check_cloud(const weighted_cloud& c, const char* name);

enum class sinkhorn_storage { automatic, dense, online };
enum class sinkhorn_precision { float64, float32 };

struct sinkhorn_options {
  double reg = 0.05;  // eps > 0
  ground_cost cost;
  int max_iterations = 1000;
  double tolerance = 1e-9;  // stop when the L1 marginal error sum_i |r_i - a_i| is below this
  bool eps_scaling = false;
  double scaling_factor = 0.5;  // eps_{k+1} = max(eps, q eps_k), eps_0 = the cost's diameter
  sinkhorn_storage storage = sinkhorn_storage::automatic;
  std::size_t dense_limit = std::size_t(1) << 22;  // automatic: a stored kernel when N M <= this
  sinkhorn_precision precision = sinkhorn_precision::float64;
  // Block-sparse pruning: the clouds are put in k-d tree order, cut into clusters of 32 points,
  // and a half-step skips the cluster pairs whose terms are provably below 2^-27 (float32) /
  // 2^-56 (float64) of every row's sum together: under half an ulp, so the result is that of
  // the full sums up to rounding. Pays off when eps is small against the clouds' spread.
  bool prune = true;
  const executor* exec = nullptr;  // nullptr: serial
};

struct sinkhorn_result {
  Eigen::VectorXd f, g;  // dual potentials (float64 whatever the precision)
  double cost = 0.0;          // primal value <P, C> + eps KL(P || a x b) of the returned plan
  double dual = 0.0;          // <a, f> + <b, g> (equals cost at convergence)
  double transport = 0.0;     // <P, C>
  double marginal_error = 0.0;  // sum_i |r_i - a_i| of the returned plan (columns are exact)
  double contraction = 0.0;   // median ratio of successive marginal errors (linear rate), 0 if too few
  int iterations = 0;         // Sinkhorn iterations (an f- and a g-update each), scaling stages included
  bool converged = false;
  bool dense = false;            // whether the small-problem path ran: a stored Gibbs kernel K (n x m)
                                 // iterated by matrix-vector products with absorption (the first
                                 // iteration at the final eps, and any whose sums K cannot hold, run
                                 // in the log domain)
  int kernel_iterations = 0;     // iterations done with the stored kernel
  int kernel_builds = 0;         // times K was filled (the first time and after each absorption)
  double evaluated = 1.0;        // fraction of the point pairs the log-domain half-steps' bounds kept (pruning;
                                 // rows redone in full after a failed check are not counted)
  std::vector<double> errors;    // the marginal error before each iteration at the final eps
  Eigen::MatrixXd barycentric;   // n x d: the entropic map sum_j P_ij y_j / r_i at each x_i
  Eigen::VectorXd row_marginal;  // r_i
};

sinkhorn_result sinkhorn(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& options);

// The plan P (n x m); input_error when n m exceeds options.dense_limit.
Eigen::MatrixXd sinkhorn_plan(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_result& r,
                              const sinkhorn_options& options);
// Cov(X, Y) under the plan: sum_i r_i (x_i - mean_x) (T(x_i) - mean_y)^T, T the barycentric map.
Eigen::MatrixXd plan_cross_covariance(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_result& r);
// The entropic map at arbitrary points z (rows of `query`), extending the plan's conditional
// expectation: sum_j b_j exp((g_j - c(z, y_j)) / eps) y_j / sum_j b_j exp((g_j - c(z, y_j)) / eps).
Eigen::MatrixXd entropic_map(const Eigen::MatrixXd& query, const weighted_cloud& y, const Eigen::VectorXd& g,
                             const sinkhorn_options& options);

// The debiased Sinkhorn divergence S = OT(a, b) - (OT(a, a) + OT(b, b)) / 2 with the dual values;
// the symmetric problems use the averaged update f <- (f + T(f)) / 2.
struct sinkhorn_divergence_result {
  double value = 0.0, xy = 0.0, xx = 0.0, yy = 0.0;
  int iterations = 0;  // all three problems
  bool converged = false;
};
sinkhorn_divergence_result sinkhorn_divergence(const weighted_cloud& x, const weighted_cloud& y,
                                               const sinkhorn_options& options);
// The same with OT(a, b) already solved (`xy` = sinkhorn(x, y, options)): only the two symmetric
// problems are solved here.
sinkhorn_divergence_result sinkhorn_divergence(const weighted_cloud& x, const weighted_cloud& y,
                                               const sinkhorn_options& options, const sinkhorn_result& xy);

}  // namespace dmt
