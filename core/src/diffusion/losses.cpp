#include "dmt/diffusion/losses.hpp"

#include <cmath>
#include <stdexcept>

#include "dmt/diffusion/flow_losses.hpp"
#include "dmt/params.hpp"
#include "dmt/registry.hpp"

namespace dmt {

loss_kind parse_loss_kind(const std::string& name) {
  if (name == "tb") return loss_kind::tb;
  if (name == "vargrad") return loss_kind::vargrad;
  if (name == "db") return loss_kind::db;
  if (name == "subtb") return loss_kind::subtb;
  if (name == "pis") return loss_kind::pis;
  throw input_error("unknown loss '" + name + "' (tb, vargrad, db, subtb, pis)");
}

loss_spec parse_loss(const std::string& name, const params& given) {
  loss_spec s;
  s.kind = parse_loss_kind(name);
  const params p = resolve_params(component_kind::loss, name, given);
  s.weight = p.number("weight");
  if (s.kind == loss_kind::subtb) {
    s.lambda = p.number("lambda");
    if (!(s.lambda > 0)) throw input_error("subtb's lambda must be positive");
  }
  p.reject_unused("loss " + name);
  return s;
}

DMT_REGISTER_COMPONENTS(losses) {
  const loss_spec d;  // weight and lambda as the C++ struct holds them (a test checks they agree)
  auto add = [&](const char* name, const char* summary, double order, bool lambda) {
    component_spec c;
    c.kind = component_kind::loss;
    c.name = name;
    c.summary = summary;
    c.parameters = {number_param("weight", d.weight, "weight of this loss in the sum")};
    if (lambda)
      c.parameters.push_back(
          number_param("lambda", d.lambda, "geometric weights lambda^(j-i) of the sub-trajectories"));
    c.caps.cuda = true;
    c.listing_order = order;
    c.validate = [name](const params& p) { parse_loss(name, p); };
    r.add(std::move(c));
  };
  add("tb", "trajectory balance: 1/2 mean (log Z_theta - log w)^2 with a learned log Z", 10, false);
  add("vargrad", "VarGrad: the batch variance of log w", 20, false);
  add("db", "detailed balance with a flow network (log F_0 = log Z, log F_T = log R)", 30, false);
  add("subtb", "sub-trajectory balance: geometric weights lambda^(j-i), normalised per start", 40, true);
  add("pis", "path integral sampler: reverse KL -mean log w through the simulated trajectory (alone)", 50, false);
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
