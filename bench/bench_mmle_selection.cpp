// The JALA-EM paper's model-selection experiments (arXiv 2505.18427), run through dmt's fit():
//   noise  App. C.4: Gaussian vs Student-t noise model on d_y = 500, d_x = 8 data from a Gaussian or a
//          Student-t (nu* = 4) truth; the fraction of trials where the true noise model has the larger
//          final log Z.
//   order  Table 1: polynomial regression, u ~ U[-2.5, 2.5], sigma*^2 = 7.5, w* ~ N(0, I), true order
//          2 / 5 / 8, candidates 1..10, d_y = 100 / 250 / 500; the mean absolute error of the order
//          with the largest final log Z, beside OLS + BIC (n log(RSS / n) + (order + 1) log n).
// Settings: the models' defaults (N = 50; K = 250, h = 5e-5 / K = 200, h = min(1e-6, 0.25 / L)),
// Adam 5e-3, C = 0; trial t uses data_seed t and fit seed t.
// Usage: dmt_mmle_selection noise|order [trials]
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dmt/mmle/fit.hpp"
#include "dmt/mmle/models/linear_regression.hpp"
#include "dmt/native/thread_pool.hpp"

namespace {

double final_log_z(const std::string& model, const dmt::params& p, std::uint64_t seed, const dmt::executor& exec) {
  const auto m = dmt::make_latent_model(model, p);
  const auto a = dmt::make_mmle_algorithm("jala_em", dmt::params().set("resample_threshold", 0.0));
  const std::string alg = "jala_em";
  const dmt::fit_settings s = dmt::complete_fit_settings(*m, alg, {0, 0, 0.0, 0, seed}, false, false, false, false);
  try {
    return *dmt::fit(*m, *a, s, exec).log_z();
  } catch (const dmt::input_error&) {
    return -INFINITY;  // diverged: ranks last
  }
}

double bic(const dmt::regression_data& d) {
  const Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> X(d.design.data(), d.rows, d.dim);
  const Eigen::Map<const Eigen::VectorXd> y(d.y.data(), d.rows);
  const Eigen::VectorXd w = X.colPivHouseholderQr().solve(y);
  const double rss = (y - X * w).squaredNorm();
  return double(d.rows) * std::log(rss / double(d.rows)) + double(d.dim) * std::log(double(d.rows));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "order";
  const int trials = argc > 2 ? std::atoi(argv[2]) : 100;
  const dmt::thread_pool pool(1);
  if (which == "noise") {
    for (const char* truth : {"gaussian", "student_t"}) {
      int right = 0;
      for (int t = 0; t < trials; ++t) {
        const dmt::params p = dmt::params().set("truth_noise", std::string(truth)).set("data_seed", double(t));
        const double g = final_log_z("linear_gaussian", p, t, pool), s = final_log_z("linear_student_t", p, t, pool);
        right += (std::string(truth) == "gaussian") == (g > s);
      }
      std::printf("truth %-9s: the true noise model chosen in %d / %d trials\n", truth, right, trials);
    }
    return 0;
  }
  std::printf("true order  d_y   JALA-EM MAE   OLS+BIC MAE   (%d trials)\n", trials);
  for (int true_order : {2, 5, 8})
    for (int rows : {100, 250, 500}) {
      double mae = 0.0, mae_bic = 0.0;
      for (int t = 0; t < trials; ++t) {
        int best = 0, best_bic = 0;
        double best_z = -INFINITY, best_b = INFINITY;
        for (int order = 1; order <= 10; ++order) {
          dmt::params p;
          p.set("design", std::string("polynomial")).set("order", double(order)).set("true_order", double(true_order));
          p.set("truth_noise_variance", 7.5).set("rows", double(rows)).set("data_seed", double(t));
          const double z = final_log_z("linear_gaussian", p, t, pool);
          if (z > best_z) best_z = z, best = order;
          dmt::regression_data_spec spec;
          spec.design = "polynomial";
          spec.order = order;
          spec.true_order = true_order;
          spec.truth_noise_variance = 7.5;
          spec.rows = rows;
          spec.data_seed = static_cast<std::uint64_t>(t);
          const double b = bic(dmt::make_regression_data(spec));
          if (b < best_b) best_b = b, best_bic = order;
        }
        mae += std::abs(best - true_order) / double(trials);
        mae_bic += std::abs(best_bic - true_order) / double(trials);
      }
      std::printf("%10d %4d %13.2f %13.2f\n", true_order, rows, mae, mae_bic);
      std::fflush(stdout);
    }
}
