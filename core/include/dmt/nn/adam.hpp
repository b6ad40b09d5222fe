// Adam (Kingma and Ba) and AdamW (decoupled weight decay, Loshchilov and Hutter), with PyTorch's
// arithmetic (torch.optim.Adam / AdamW, foreach=False), per-group learning rates and optional
// clipping of the global gradient norm (torch.nn.utils.clip_grad_norm_).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dmt/nn/adam_update.hpp"
#include "dmt/nn/parameter_store.hpp"

namespace dmt {

struct adam_settings {
  double lr = 1e-3;                         // default learning rate
  std::map<std::string, double> group_lr;   // overrides per group, e.g. {"log_z", 0.1}
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled = false;  // AdamW when true, else L2 added to the gradient (Adam)
  double clip_norm = 0.0;  // clip the global gradient norm to this (0: no clipping)
  double lr_for(const std::string& group) const {
    const auto it = group_lr.find(group);
    return it == group_lr.end() ? lr : it->second;
  }
};

// The update coefficients of one parameter group at bias corrections bc1 = 1 - beta1^t,
// bc2 = 1 - beta2^t, rounded to T as torch does.
template <class T>
adam_coefficients<T> coefficients(const adam_settings& s, const std::string& group, double bc1, double bc2);

template <class T>
class adam {
 public:
  // One update from store.grads (which it may rescale when clipping). Returns the gradient norm
  // before clipping.
  double step(parameter_store<T>& store, const adam_settings& s);

  long steps = 0;
  std::vector<T> m, v;
};

}  // namespace dmt
