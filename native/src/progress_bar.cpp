#include "dmt/native/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

namespace dmt {

progress_bar::progress_bar(long total, std::string label)
    : total_(total),
      label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_() {}

void progress_bar::update(long done) {
  if (!enabled_ || total_ <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double frac = double(done) / double(total_);
  const double eta = frac > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
  const int width = 30, filled = static_cast<int>(frac * width);
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %3d%% %ld/%ld  %.1fs elapsed, ETA %.1fs %s\033[K", label_.c_str(), bar.c_str(),
               static_cast<int>(100 * frac), done, total_, elapsed, eta, status_.c_str());
  std::fflush(stderr);
}

void progress_bar::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace dmt
