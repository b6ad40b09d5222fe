// Shared inputs of the OT tests: Gaussian-weighted grids, random clouds, POT's recorded values.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/sinkhorn.hpp"

namespace dmt_test {

// n grid points on [m - w sd, m + w sd] with normalised N(m, sd^2) weights.
inline dmt::weighted_cloud gaussian_grid(double m, double sd, int n, double w = 9.0) {
  dmt::weighted_cloud c;
  c.points.resize(n, 1);
  c.weights.resize(n);
  for (int i = 0; i < n; ++i) {
    const double x = m - w * sd + 2.0 * w * sd * i / (n - 1);
    c.points(i, 0) = x;
    c.weights(i) = std::exp(-0.5 * (x - m) * (x - m) / (sd * sd));
  }
  c.weights /= c.weights.sum();
  return c;
}

inline dmt::gaussian gauss1(double m, double var) {
  dmt::gaussian g;
  g.mean = Eigen::VectorXd::Constant(1, m);
  g.cov = Eigen::MatrixXd::Constant(1, 1, var);
  return g;
}

inline dmt::weighted_cloud random_cloud(int n, int d, double shift, std::mt19937& gen, bool weighted) {
  std::normal_distribution<double> nd;
  dmt::weighted_cloud c;
  c.points.resize(n, d);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) c.points(i, k) = nd(gen) + shift * (k + 1);
  if (weighted) {
    std::uniform_real_distribution<double> u(0.2, 1.0);
    c.weights.resize(n);
    for (int i = 0; i < n; ++i) c.weights(i) = u(gen);
    c.weights /= c.weights.sum();
  }
  return c;
}

// Values recorded from POT 0.8.2 by tests/reference/pot_sinkhorn.py (inputs in the same file).
inline nlohmann::json pot_reference() {
  std::ifstream in(std::string(DMT_SOURCE_DIR) + "/tests/reference/pot_sinkhorn.json");
  return nlohmann::json::parse(in);
}

inline Eigen::MatrixXd to_matrix(const nlohmann::json& j) {
  Eigen::MatrixXd m(j.size(), j[0].size());
  for (std::size_t i = 0; i < j.size(); ++i)
    for (std::size_t k = 0; k < j[i].size(); ++k) m(i, k) = j[i][k].get<double>();
  return m;
}

inline Eigen::VectorXd to_vector(const nlohmann::json& j) {
  Eigen::VectorXd v(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) v(i) = j[i].get<double>();
  return v;
}

}  // namespace dmt_test
