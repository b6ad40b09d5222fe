// How core code runs independent tasks. core/ has no threads of its own: native/ supplies a
// thread pool, wasm and tests may use the serial default. Tasks must not depend on the order in
// which they run; results are reduced by the caller in task order, so they never depend on the
// number of threads.
#pragma once
#include <cstddef>
#include <functional>

namespace dmt {

class executor {
 public:
  virtual ~executor() = default;
  // Calls task(i) once for every i in [0, n_tasks), possibly concurrently; returns when all are
  // done. An exception thrown by a task is rethrown here (the first one by task index).
  virtual void parallel_for(std::size_t n_tasks, const std::function<void(std::size_t)>& task) const {
    for (std::size_t i = 0; i < n_tasks; ++i) task(i);
  }
  virtual int threads() const { return 1; }
};

inline const executor& serial_executor() {
  static const executor e;
  return e;
}

}  // namespace dmt
