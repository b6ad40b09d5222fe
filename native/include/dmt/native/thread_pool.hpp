// A fixed pool of worker threads implementing dmt::executor for particle-parallel loops.
// Tasks are handed out dynamically, but every task writes only its own outputs and callers reduce
// in task order, so results are identical for any thread count.
#pragma once
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "dmt/executor.hpp"

namespace dmt {

class thread_pool final : public executor {
 public:
  explicit thread_pool(int threads);  // threads >= 1; 1 runs everything on the caller
  ~thread_pool() override;
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  void parallel_for(std::size_t n_tasks, const std::function<void(std::size_t)>& task) const override;
  int threads() const override { return static_cast<int>(workers_.size()) + 1; }

 private:
  void worker_loop();
  void drain(std::size_t generation);

  std::vector<std::thread> workers_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_, done_;
  mutable const std::function<void(std::size_t)>* task_ = nullptr;
  mutable std::size_t n_tasks_ = 0, next_ = 0, finished_ = 0, generation_ = 0;
  mutable std::exception_ptr error_;
  mutable std::size_t error_index_ = 0;
  bool stop_ = false;
};

}  // namespace dmt
