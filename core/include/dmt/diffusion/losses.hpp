// Training objectives of diffusion samplers on a batch of B trajectories held fixed (off-policy
// allowed). Each returns its value and adds its partial derivatives w.r.t. log p_F (B x T),
// log F (B x (T + 1)) and log Z to `grad`; backprop() turns those into parameter gradients.
// Conventions (gfn-diffusion's, with a mean over the batch):
//   tb       0.5 mean_b (log Z - log w_b)^2                       (learned log Z)
//   vargrad  mean_b (log w_b - mean(log w))^2                     (the batch variance of log w)
//   db       0.5 mean_b sum_k (log F_k + log p_F,k - log F_{k+1} - log p_B,k)^2
//            with log F_0 = log Z and log F_T = log R(x_T)
//   subtb    0.5 mean_b sum_{i<j} w_ij (log F_i + sum_{k=i}^{j-1} (log p_F,k - log p_B,k) - log F_j)^2,
//            w_ij = lambda^(j-i) / sum_{j'>i} lambda^(j'-i)  (geometric weights normalised per start i)
//   pis      -mean_b log w_b, differentiated through the trajectory (diffusion/pis.hpp; not by
//            evaluate_loss, which works on trajectories held fixed)
// The variance form of vargrad makes its gradient, for on-policy trajectories, exactly twice the
// score-function estimate of grad KL(p_F || p_B R / Z) with the batch-mean baseline.
#pragma once
#include <string>
#include <vector>

#include "dmt/diffusion/trajectory.hpp"
#include "dmt/params.hpp"

namespace dmt {

enum class loss_kind { tb, vargrad, db, subtb, pis };

struct loss_spec {
  loss_kind kind = loss_kind::tb;
  double weight = 1.0;
  double lambda = 2.0;  // subtb
};

loss_kind parse_loss_kind(const std::string& name);  // input_error for unknown names
// A loss from its registry name and parameters (weight; subtb: lambda), the registry's defaults for
// those not given.
loss_spec parse_loss(const std::string& name, const params& given);
const char* loss_name(loss_kind k);
bool loss_needs_flow(loss_kind k);

template <class T>
struct loss_gradient {
  typename trajectory_batch<T>::Mat d_log_pf, d_log_f;
  T d_log_z = T(0);
  void reset(int batch, int steps) {
    d_log_pf.setZero(batch, steps);
    d_log_f.setZero(batch, steps + 1);
    d_log_z = T(0);
  }
};

// Value of weight * loss; adds weight * its derivatives to grad (sized by grad.reset first).
template <class T>
double evaluate_loss(const loss_spec& spec, const trajectory_batch<T>& traj, T log_z, loss_gradient<T>& grad);

}  // namespace dmt
