// Equal-weight mixtures of isotropic Gaussians: gmm25, gmm9 and gmm40 (normalised: log Z = 0).
#pragma once
#include <memory>

#include "dmt/targets/gaussian_mixture_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

// gmm25: means {-10,-5,0,5,10}^2, variance 0.3. gmm9: means {-5,0,5}^2, std 0.5477.
// gmm40: params dim (2), seed (0): 40 means uniform in [-40,40]^dim, unit variance;
// the dim = 2 means are recorded in data/gmm40_means.csv and checked by a test.
std::unique_ptr<target> make_gmm25(const params& p);
std::unique_ptr<target> make_gmm9(const params& p);
std::unique_ptr<target> make_gmm40(const params& p);
std::vector<double> gmm40_means(int dim, std::uint64_t seed);

}  // namespace dmt
