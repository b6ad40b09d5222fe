#include "dmt/targets/cox_process.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "dmt/data.hpp"
#include "dmt/registry.hpp"

namespace dmt {

std::vector<double> pines_counts(int grid) {
  const auto pts = parse_csv_numbers(embedded_file("finpines.csv"), 1);
  std::vector<double> counts(static_cast<std::size_t>(grid) * grid, 0.0);
  for (const auto& p : pts) {
    // window x in [-5, 5], y in [-8, 2] -> unit square
    const double u = (p[0] + 5.0) / 10.0, v = (p[1] + 8.0) / 10.0;
    const int i = std::clamp(static_cast<int>(std::floor(u * grid)), 0, grid - 1);
    const int j = std::clamp(static_cast<int>(std::floor(v * grid)), 0, grid - 1);
    counts[i * grid + j] += 1.0;
  }
  return counts;
}

namespace {

class cox_process_target final : public kernel_target<cox_process_kernel> {
 public:
  cox_process_target(int grid, double variance, double beta) : kernel_target("lgcp", grid * grid) {
    const int d = dim_;
    const std::vector<double> y = pines_counts(grid);
    double total = 0.0;
    for (double c : y) total += c;
    Eigen::MatrixXd k(d, d);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) {
        const double di = a / grid - b / grid, dj = a % grid - b % grid;
        k(a, b) = variance * std::exp(-std::sqrt(di * di + dj * dj) / (grid * beta));
      }
    Eigen::LLT<Eigen::MatrixXd> llt(k);
    if (llt.info() != Eigen::Success) throw input_error("lgcp: prior covariance is not positive definite");
    const Eigen::MatrixXd prec = llt.solve(Eigen::MatrixXd::Identity(d, d));
    double log_det = 0.0;
    for (int i = 0; i < d; ++i) log_det += 2.0 * std::log(llt.matrixLLT()(i, i));
    precision_.resize(static_cast<std::size_t>(d) * d);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) precision_[static_cast<std::size_t>(a) * d + b] = static_cast<float>(prec(a, b));
    counts_.assign(y.begin(), y.end());
    kernel_ = {d,
               precision_.data(),
               counts_.data(),
               static_cast<float>(std::log(total) - 0.5 * variance),
               static_cast<float>(1.0 / d),
               static_cast<float>(-0.5 * (log_det + d * std::log(2.0 * M_PI)))};
    resolved_.set("grid", double(grid)).set("variance", variance).set("beta", beta);
  }

 private:
  std::vector<float> precision_, counts_;
};

}  // namespace

std::unique_ptr<target> make_cox_process(const params& p) {
  const long grid = p.integer("grid");
  const double variance = p.number("variance"), beta = p.number("beta");
  if (grid < 2 || grid > 64) throw input_error("lgcp: grid must be in [2, 64]");
  if (!(variance > 0) || !(beta > 0)) throw input_error("lgcp: variance and beta must be positive");
  return std::make_unique<cox_process_target>(static_cast<int>(grid), variance, beta);
}

DMT_REGISTER_COMPONENTS(cox_process_targets) {
  r.add({.kind = component_kind::target,
         .name = "lgcp",
         .summary = "log-Gaussian Cox process on the Finnish pines, grid x grid cells (dim 1600); log Z unknown",
         .parameters = {integer_param("grid", 40, "cells per side"),
                        number_param("variance", 1.91, "prior marginal variance"),
                        number_param("beta", 1.0 / 33.0, "prior length scale on the unit square (1/33)")},
         .caps = {.cuda = true},
         .listing_order = 120,
         .make_target = make_cox_process});
}

}  // namespace dmt
