// lasso_regression: the Bayesian LASSO posterior of a linear regression on data generated here
// from a fixed seed (lasso_data below): y = X b* + noise e, X and e standard normal,
// b* = (2, -1.5, 1, 0, ..., 0); likelihood N(y; X b, noise^2 I), prior prod_j (lambda / 2)
// exp(-lambda |b_j|). So R(b) = N(y; X b, noise^2 I) prod_j (lambda / 2) exp(-lambda |b_j|) and
// Z = p(y), the evidence (lambda = 0: a flat prior, R = the likelihood). As a composite target:
// f(b) = |y - X b|^2 / (2 noise^2) - (normalisers), g(b) = lambda |b|_1.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "dmt/targets/kernel_target.hpp"
#include "dmt/targets/lasso_regression_kernel.hpp"

namespace dmt {

struct lasso_dataset {
  int rows = 0, dim = 0;
  std::vector<double> x;  // rows x dim, row-major
  std::vector<double> y;  // rows
  std::vector<double> truth;
};
// The generator: X_ij and e_i standard normal from Philox keyed by `seed` (row i, purposes 1 and 2).
lasso_dataset lasso_data(std::uint64_t seed, int rows, int dim, double noise);

// params: dim (5), rows (40), seed (1), noise (1), lambda (1; >= 0).
std::unique_ptr<target> make_lasso_regression(const params& p);

}  // namespace dmt
