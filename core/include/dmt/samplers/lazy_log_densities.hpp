// log R at an unweighted sampler's particles, evaluated on the first request after they changed
// (the annealed samplers do not need it themselves; `dmt sample` and the wasm Sampler ask for it).
#pragma once
#include <vector>

#include "dmt/targets/target.hpp"

namespace dmt {

class lazy_log_densities {
 public:
  void invalidate() { stale_ = true; }
  // log R at the n particles x (n x dim)
  const std::vector<float>& get(const target& t, const std::vector<float>& x, std::size_t n) const {
    if (stale_) {
      values_.resize(n);
      t.evaluate(x.data(), n, values_.data(), nullptr);
      stale_ = false;
    }
    return values_;
  }

 private:
  mutable std::vector<float> values_;
  mutable bool stale_ = true;
};

}  // namespace dmt
