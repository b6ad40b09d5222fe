// `dmt ot gaussian | sinkhorn | bridge`: the optimal-transport pieces of core/ot from the command
// line. Results are printed as JSON; arrays go to NPY files written atomically.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/mixture_sinkhorn.hpp"

namespace dmt {

struct ot_gaussian_request {
  std::string a, b;    // JSON files {"mean": [...], "cov": [[...], ...]}
  double reg = -1;     // eps = 2 s^2
  int iterations = 0;  // > 0: also run the Gaussian Sinkhorn (IPF) recursion and print its history
};
nlohmann::ordered_json run_ot_gaussian(const ot_gaussian_request& r);

struct ot_sinkhorn_request {
  std::string x, y, a, b;  // NPY point clouds (n x d) and optional weights (n or n x 1)
  double reg = -1;
  std::string cost = "sqeuclidean";
  int iterations = 1000;
  double tolerance = 1e-9;
  bool eps_scaling = false, divergence = false, plan = false, float32 = false, no_prune = false;
  std::string storage = "auto";  // auto, kernel or online
  int threads = 0;
  std::string out;  // potentials [f; g] ((n + m) x 1) or, with plan, the n x m plan (float64 NPY)
};
nlohmann::ordered_json run_ot_sinkhorn(const ot_sinkhorn_request& r);

struct ot_bridge_request {
  std::string a, b;
  double reg = -1;
  std::string times = "0,0.25,0.5,0.75,1";
  long paths = 100;
  std::uint64_t seed = 1;
  std::string out;  // paths x times x d (float64 NPY)
};
nlohmann::ordered_json run_ot_bridge(const ot_bridge_request& r);

struct ot_mixture_request {
  std::string a, b;  // mixture or KDE JSON
  double reg = -1;
  int nodes = 0;     // Gauss-Hermite nodes per axis on each component
  long samples = 0;  // or sample-based
  std::uint64_t seed = 1;
  int iterations = 1000;
  double tolerance = 1e-9;
  int threads = 0;
};
nlohmann::ordered_json run_ot_mixture(const ot_mixture_request& r);

// The input files' parsers (`name` in the messages), as `dmt ot` reads them; what tests/fuzz drives.
gaussian gaussian_from_json_text(const std::string& text, const std::string& name);
gaussian_mixture mixture_from_json_text(const std::string& text, const std::string& name);

}  // namespace dmt
