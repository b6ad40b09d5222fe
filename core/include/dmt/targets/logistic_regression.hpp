// blr: Bayesian logistic regression on the breast-cancer data (569 rows, 30 standardised
// features + bias: dim 31). Prior N(0, prior_scale^2 I) on (bias, weights); Bernoulli-logit
// likelihood. log R includes the prior's normaliser, so Z is the marginal likelihood (unknown).
#pragma once
#include <memory>

#include "dmt/targets/kernel_target.hpp"
#include "dmt/targets/logistic_regression_kernel.hpp"

namespace dmt {

std::unique_ptr<target> make_logistic_regression(const params& p);

}  // namespace dmt
