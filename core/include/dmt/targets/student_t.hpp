// student_t: product of dim Student-t(df) coordinates, scale 1 (normalised: log Z = 0).
// student_t_mixture: 10 equal-weight product Student-t(df) components with locations uniform in
// [-10, 10]^dim from a fixed seed (normalised: log Z = 0).
#pragma once
#include <memory>

#include "dmt/targets/kernel_target.hpp"
#include "dmt/targets/student_t_mixture_kernel.hpp"

namespace dmt {

std::unique_ptr<target> make_student_t(const params& p);
std::unique_ptr<target> make_student_t_mixture(const params& p);

}  // namespace dmt
