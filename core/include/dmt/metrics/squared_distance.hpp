// |a - b|^2 of two dim-vectors of float, accumulated in double (shared by the kernel metrics).
#pragma once

namespace dmt {

inline double squared_distance(const float* a, const float* b, int dim) {
  double s = 0.0;
  for (int j = 0; j < dim; ++j) {
    const double r = double(a[j]) - double(b[j]);
    s += r * r;
  }
  return s;
}

}  // namespace dmt
