// All trainable parameters of a model in one flat array (values and gradients side by side), as
// named tensors. One flat array keeps Adam, gradient clipping, checkpoints and the model file
// simple; each tensor belongs to a group that has its own learning rate ("policy", "flow", "log_z").
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace dmt {

struct tensor_info {
  std::string name;
  int rows = 0, cols = 0;  // column-major
  std::size_t offset = 0;
  std::string group;
  std::size_t size() const { return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols); }
};

template <class T>
class parameter_store {
 public:
  // Appends a zero tensor and returns its offset.
  std::size_t add(const std::string& name, int rows, int cols, const std::string& group) {
    tensor_info t{name, rows, cols, values.size(), group};
    values.resize(values.size() + t.size(), T(0));
    grads.resize(values.size(), T(0));
    tensors.push_back(t);
    return t.offset;
  }
  void zero_grad() { std::fill(grads.begin(), grads.end(), T(0)); }
  T* value(std::size_t offset) { return values.data() + offset; }
  const T* value(std::size_t offset) const { return values.data() + offset; }
  T* grad(std::size_t offset) { return grads.data() + offset; }
  const tensor_info* find(const std::string& name) const {
    for (const auto& t : tensors)
      if (t.name == name) return &t;
    return nullptr;
  }

  std::vector<T> values, grads;
  std::vector<tensor_info> tensors;
};

}  // namespace dmt
