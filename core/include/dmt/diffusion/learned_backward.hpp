// The per-particle arithmetic of the learned backward kernel (model_config::learned_backward),
// written once for the CPU trajectories (trajectory.cpp) and the CUDA trainer. At step k >= 1, per
// coordinate j: mean x1_j (1 - a m_j), variance v0 v_j, with a = dt / t_{k+1},
// v0 = (t_k / t_{k+1}) sigma^2 dt, m_j = 1 + tanh(o_j) r, v_j = 1 + tanh(o_{dim+j}) r
// (o: NN_B(x_{k+1}, t_{k+1}), r = pb_scale_range).
#pragma once
#include "dmt/hd.hpp"

namespace dmt {

struct back_step {
  double a, v0;
  DMT_HD back_step(double sigma2, double tk, double tk1) : a((tk1 - tk) / tk1), v0(tk / tk1 * sigma2 * (tk1 - tk)) {}
};

template <class T>
DMT_HD inline double learned_log_pb(int dim, double range, const back_step& st, const T* x, const T* x1, const T* o) {
  using std::log;
  using std::tanh;
  constexpr double log2pi = 1.83787706640934548356;
  double s = 0.0;
  for (int j = 0; j < dim; ++j) {
    const double m = 1.0 + tanh(double(o[j])) * range;
    const double v = st.v0 * (1.0 + tanh(double(o[dim + j])) * range);
    const double r = double(x[j]) - double(x1[j]) * (1.0 - st.a * m);
    s += r * r / v + log2pi + log(v);
  }
  return -0.5 * s;
}

// A draw x from the kernel at x1 with standard normals z (z may alias x).
template <class T>
DMT_HD inline void learned_backward_sample(int dim, double range, const back_step& st, const T* x1, const T* o,
                                           const float* z, T* x) {
  using std::sqrt;
  using std::tanh;
  for (int j = 0; j < dim; ++j) {
    const double m = 1.0 + tanh(double(o[j])) * range;
    const double v = st.v0 * (1.0 + tanh(double(o[dim + j])) * range);
    x[j] = T(double(x1[j]) * (1.0 - st.a * m) + sqrt(v) * double(z[j]));
  }
}

// g d log p_B / d o into d_out (2 dim), the trajectory held fixed.
template <class T>
DMT_HD inline void learned_backward_output_gradient(int dim, double range, const back_step& st, const T* x,
                                                    const T* x1v, const T* o, double g, T* d_out) {
  using std::tanh;
  for (int j = 0; j < dim; ++j) {
    const double tm = tanh(double(o[j])), tv = tanh(double(o[dim + j]));
    const double x1 = double(x1v[j]);
    const double v = st.v0 * (1.0 + tv * range);
    const double r = double(x[j]) - x1 * (1.0 - st.a * (1.0 + tm * range));
    d_out[j] = T(g * (r / v) * (-x1 * st.a) * range * (1.0 - tm * tm));
    d_out[dim + j] = T(g * 0.5 * (r * r / (v * v) - 1.0 / v) * st.v0 * range * (1.0 - tv * tv));
  }
}

}  // namespace dmt
