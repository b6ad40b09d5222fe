// A one-line progress bar with ETA on stderr, drawn only when stderr is a terminal.
#pragma once
#include <chrono>
#include <string>

namespace dmt {

class progress_bar {
 public:
  progress_bar(long total, std::string label);
  void update(long done);
  // Extra text after the bar (e.g. "loss 1.23  log Z -0.4"), shown from the next update.
  void set_status(std::string status) { status_ = std::move(status); }
  void finish();  // clears the line

 private:
  long total_;
  std::string label_, status_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace dmt
