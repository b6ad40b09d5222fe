// lgcp: log-Gaussian Cox process on the Finnish pines (Moller et al. 1998; the benchmark of
// Girolami & Calderhead 2011 and the SMC/diffusion-sampler literature). The window is rescaled to
// the unit square and binned into a grid x grid lattice (default 40: dim 1600), counts y_i, cell
// area a = 1/dim. Prior x ~ N(mu 1, K), K_ij = variance exp(-|u_i - u_j| / (grid beta)) with u
// the integer cell indices, beta = 1/33, variance 1.91, mu = ln 126 - variance/2.
// log R = log N(x; mu 1, K) + sum_i (x_i y_i - a exp(x_i)); log Z unknown.
#pragma once
#include <memory>

#include "dmt/targets/cox_process_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

std::unique_ptr<target> make_cox_process(const params& p);
// The binned counts of the pines (grid * grid, row = x cell, column = y cell).
std::vector<double> pines_counts(int grid);

}  // namespace dmt
