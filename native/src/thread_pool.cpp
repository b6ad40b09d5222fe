#include "dmt/native/thread_pool.hpp"

#include <stdexcept>

namespace dmt {

thread_pool::thread_pool(int threads) {
  if (threads < 1) throw std::invalid_argument("thread count must be at least 1");
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

thread_pool::~thread_pool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void thread_pool::worker_loop() {
  std::size_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    const_cast<thread_pool*>(this)->drain(seen);
  }
}

// Takes tasks of the current generation until none are left.
void thread_pool::drain(std::size_t generation) {
  for (;;) {
    std::size_t i;
    const std::function<void(std::size_t)>* task;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (generation != generation_ || next_ >= n_tasks_) return;
      i = next_++;
      task = task_;
    }
    std::exception_ptr err;
    try {
      (*task)(i);
    } catch (...) {
      err = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (err && (!error_ || i < error_index_)) {
      error_ = err;
      error_index_ = i;
    }
    if (++finished_ == n_tasks_) done_.notify_all();
  }
}

void thread_pool::parallel_for(std::size_t n_tasks, const std::function<void(std::size_t)>& task) const {
  if (n_tasks == 0) return;
  if (workers_.empty() || n_tasks == 1) {
    executor::parallel_for(n_tasks, task);
    return;
  }
  std::size_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    n_tasks_ = n_tasks;
    next_ = finished_ = 0;
    error_ = nullptr;
    generation = ++generation_;
  }
  wake_.notify_all();
  const_cast<thread_pool*>(this)->drain(generation);
  std::exception_ptr err;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return finished_ == n_tasks_; });
    err = error_;
    task_ = nullptr;
  }
  if (err) std::rethrow_exception(err);
}

}  // namespace dmt
