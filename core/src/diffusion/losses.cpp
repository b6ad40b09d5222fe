#include "dmt/diffusion/losses.hpp"

#include <cmath>
#include <stdexcept>

#include "dmt/diffusion/flow_losses.hpp"
#include "dmt/params.hpp"

namespace dmt {

loss_kind parse_loss_kind(const std::string& name) {
  if (name == "tb") return loss_kind::tb;
  if (name == "vargrad") return loss_kind::vargrad;
  if (name == "db") return loss_kind::db;
  if (name == "subtb") return loss_kind::subtb;
  if (name == "pis") return loss_kind::pis;
  throw input_error("unknown loss '" + name + "' (tb, vargrad, db, subtb, pis)");
}

const char* loss_name(loss_kind k) {
  switch (k) {
    case loss_kind::tb:
      return "tb";
    case loss_kind::vargrad:
      return "vargrad";
    case loss_kind::db:
      return "db";
    case loss_kind::subtb:
      return "subtb";
    case loss_kind::pis:
      return "pis";
  }
  return "?";
}

bool loss_needs_flow(loss_kind k) { return k == loss_kind::db || k == loss_kind::subtb; }

template <class T>
double evaluate_loss(const loss_spec& spec, const trajectory_batch<T>& traj, T log_z, loss_gradient<T>& grad) {
  const int B = traj.batch, T_ = traj.steps;
  const double w = spec.weight, inv_b = 1.0 / B;
  double value = 0.0;
  switch (spec.kind) {
    case loss_kind::pis:
      throw std::logic_error("pis is differentiated through the trajectory (pis_backprop), not by evaluate_loss");
    case loss_kind::tb: {
      double dz = 0.0;
      for (int b = 0; b < B; ++b) {
        const double r = double(log_z) - double(traj.log_w[b]);
        value += 0.5 * r * r * inv_b;
        dz += r * inv_b;
        // log w = ... - sum_k log p_F,k, so d r / d log p_F,k = +1
        for (int k = 0; k < T_; ++k) grad.d_log_pf(b, k) += T(w * r * inv_b);
      }
      grad.d_log_z += T(w * dz);
      break;
    }
    case loss_kind::vargrad: {
      double mean = 0.0;
      for (int b = 0; b < B; ++b) mean += double(traj.log_w[b]) * inv_b;
      for (int b = 0; b < B; ++b) {
        const double r = double(traj.log_w[b]) - mean;
        value += r * r * inv_b;
        // the derivative through the mean vanishes (the residuals sum to zero)
        for (int k = 0; k < T_; ++k) grad.d_log_pf(b, k) += T(-2.0 * w * r * inv_b);
      }
      break;
    }
    case loss_kind::db: {
      if (traj.log_f.cols() != T_ + 1) throw std::logic_error("db needs compute_flows first");
      // per trajectory (flow_losses.hpp, shared with the CUDA trainer): column-major, stride B
      for (int b = 0; b < B; ++b)
        value += db_trajectory(T_, B, traj.log_f.data() + b, traj.log_pf.data() + b, traj.log_pb.data() + b, w, inv_b,
                               grad.d_log_pf.data() + b, grad.d_log_f.data() + b, &grad.d_log_z);
      break;
    }
    case loss_kind::subtb: {
      if (traj.log_f.cols() != T_ + 1) throw std::logic_error("subtb needs compute_flows first");
      if (!(spec.lambda > 0.0)) throw input_error("subtb's lambda must be positive");
      const double log_lambda = std::log(spec.lambda);
      std::vector<double> log_norm(T_), cum(T_ + 1), diff(T_ + 1);
      for (int i = 0; i < T_; ++i) log_norm[i] = subtb_log_norm(T_, i, log_lambda);
      for (int b = 0; b < B; ++b)
        value += subtb_trajectory(T_, B, traj.log_f.data() + b, traj.log_pf.data() + b, traj.log_pb.data() + b,
                                  log_lambda, log_norm.data(), w, inv_b, cum.data(), diff.data(), 1,
                                  grad.d_log_pf.data() + b, grad.d_log_f.data() + b, &grad.d_log_z);
      break;
    }
  }
  return w * value;
}

template double evaluate_loss<float>(const loss_spec&, const trajectory_batch<float>&, float, loss_gradient<float>&);
template double evaluate_loss<double>(const loss_spec&, const trajectory_batch<double>&, double,
                                      loss_gradient<double>&);

}  // namespace dmt

