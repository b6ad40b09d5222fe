#include "dmt/diffusion/diffusion_model.hpp"

namespace dmt {
namespace {
network_shape shape_of(const model_config& c, int out) {
  network_shape s;
  s.in = c.dim;
  s.out = out;
  s.hidden = c.hidden;
  s.harmonics = c.harmonics;
  s.layers = c.layers;
  s.act = c.act;
  return s;
}
}  // namespace

template <class T>
diffusion_model<T>::diffusion_model(const model_config& c)
    : config(c), policy(shape_of(c, c.learned_variance ? 2 * c.dim : c.dim), store, "policy.", "policy") {
  if (c.flow) flow.emplace(shape_of(c, 1), store, "flow.", "flow");
  if (c.langevin) {
    network_shape s = shape_of(c, 1);
    s.in = 0;
    s.layers = c.lgv_layers;
    scale.emplace(s, store, "langevin.", "policy");
  }
  if (c.learned_backward) back.emplace(shape_of(c, 2 * c.dim), store, "back.", "policy");
  log_z_offset = store.add("log_z", 1, 1, "log_z");
}

template <class T>
void diffusion_model<T>::initialise(std::uint64_t seed) {
  policy.initialise(store, seed, 0x41000001u);
  if (flow) flow->initialise(store, seed, 0x41000002u);
  if (scale) {
    scale->initialise(store, seed, 0x41000003u);
    // gfn-diffusion's zero_init: output weights 0, bias 0.01 (a small Langevin drift at the start)
    store.values[store.find("langevin.joint.out.bias")->offset] = T(0.01);
  }
  if (back) back->initialise(store, seed, 0x41000004u);
  store.values[log_z_offset] = T(0);
}

template struct diffusion_model<float>;
template struct diffusion_model<double>;

}  // namespace dmt
