// report.svg of `dmt train`: the samples over the target's density contours (2-D targets) or
// pairwise projections beside exact samples (higher dimensions), the training loss, and the
// log Z estimates (learned log Z, ELBO, log Z_RW, EUBO and the true value) against iterations.
#pragma once
#include <string>
#include <vector>

#include "dmt/targets/target.hpp"

namespace dmt {

struct report_point {
  long iteration;
  double loss, log_z, elbo;
};

struct report_eval {
  long iteration;
  double elbo, log_z_rw, log_z_learned, eubo;
};

std::string training_report_svg(const target& t, const float* x, int n, const std::vector<report_point>& curve,
                                const std::vector<report_eval>& evals, double log_z_true, const std::string& title);

}  // namespace dmt
