// Bayesian logistic regression with a learned prior mean on the original Wisconsin breast-cancer
// data (Kuntz, Lim & Johansen 2023, section 3.1): latent weights x in R^9, x ~ N(theta 1, v I)
// (v = 5), labels l_r ~ Bernoulli(sigmoid(f_r . x)) on the 546 training rows. Model
// "blr_wisconsin" (docs/mmle.md, model 2); predictions on the papers' 137 test rows.
#pragma once
#include <vector>

namespace dmt {

struct wisconsin_data {
  int features = 0;
  std::vector<double> train_x, test_x;  // rows x features, standardised over all 683 rows
  std::vector<double> train_y, test_y;  // 0 / 1
};

// data/breast_cancer_wisconsin_original.csv: features standardised with the mean and population
// standard deviation over all rows, split by its test_split column.
const wisconsin_data& wisconsin_original();

}  // namespace dmt
