// Bayesian linear regression with learned noise and prior scales, Gaussian or Student-t noise
// (JALA-EM, arXiv 2505.18427, App. C.4 and Table 1; docs/mmle.md, models 3 and 4):
//   w ~ N(0, e^{-phi_2} I),  y_r = Phi_r . w + e_r,  e_r ~ N(0, e^{phi_1}) or e^{phi_1 / 2} t_nu,
// theta = (phi_1, phi_2) = (log noise variance, log prior precision). Models "linear_gaussian"
// (log p_theta(y) = log N(y; 0, e^{phi_1} I + e^{-phi_2} Phi Phi^T) exact) and "linear_student_t".
// The design Phi is Gaussian (rows x dim, N(0, 1) entries) or polynomial (Phi_rj = u_r^j,
// j = 0..order, u ~ U[-2.5, 2.5]); the data come from a truth of either noise kind.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dmt {

struct regression_data_spec {
  std::string design = "gaussian";    // gaussian | polynomial
  long rows = 500;                    // d_y
  long dim = 8;                       // gaussian design: d_x
  long order = 2;                     // polynomial design: the candidate's order (d_x = order + 1)
  long true_order = 2;                // polynomial design: the truth's order
  std::string truth_noise = "gaussian";  // gaussian | student_t
  double truth_nu = 4.0;
  double truth_noise_variance = 1.0;  // sigma*^2
  double truth_prior_precision = 1.0; // alpha*: w* ~ N(0, I / alpha*)
  std::uint64_t data_seed = 0;
};

struct regression_data {
  long rows = 0, dim = 0;
  std::vector<double> design;  // rows x dim (the candidate's design)
  std::vector<double> y;       // rows
};

// The data of a spec, keyed by data_seed (candidates of different orders share u, w*, e and y).
regression_data make_regression_data(const regression_data_spec& spec);

}  // namespace dmt
