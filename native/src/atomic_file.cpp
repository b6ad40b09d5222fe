#include "dmt/native/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dmt/params.hpp"

namespace dmt {

atomic_file::atomic_file(std::string path) : path_(std::move(path)) {
  std::vector<char> name(path_.begin(), path_.end());
  const char suffix[] = ".tmp-XXXXXX";
  name.insert(name.end(), suffix, suffix + sizeof(suffix));
  const int fd = mkstemp(name.data());
  if (fd < 0) throw input_error("cannot write '" + path_ + "': " + std::strerror(errno));
  // mkstemp creates mode 0600; give the file the permissions an ordinary create would (0666 & ~umask)
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temp_ = name.data();
}

atomic_file::~atomic_file() {
  if (!committed_) std::remove(temp_.c_str());
}

namespace {

// DMT_TEST_WRITE_PAUSE_MS (tests only): sleep this long half-way through every write, so that a
// test can kill the process while a file is half-written (tests/cli/train_crash.sh).
long test_write_pause_ms() {
  const char* v = std::getenv("DMT_TEST_WRITE_PAUSE_MS");
  return v ? std::strtol(v, nullptr, 10) : 0;
}

}  // namespace

void atomic_file::write(const std::string& bytes) {
  const int fd = ::open(temp_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw input_error("cannot write '" + path_ + "': " + std::strerror(errno));
  auto fail = [&](int err) {
    ::close(fd);
    throw input_error("cannot write '" + path_ + "': " + std::strerror(err));
  };
  const long pause = test_write_pause_ms();
  const std::size_t half = pause > 0 ? bytes.size() / 2 : bytes.size();
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (done == half && pause > 0) ::usleep(static_cast<useconds_t>(pause) * 1000);
    const std::size_t chunk = (done < half ? half : bytes.size()) - done;
    const ssize_t n = ::write(fd, bytes.data() + done, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    if (n == 0) fail(EIO);
    done += static_cast<std::size_t>(n);
  }
  // on disk before the rename makes it visible: a crash leaves the old file or the whole new one
  if (::fsync(fd) != 0) fail(errno);
  if (::close(fd) != 0) throw input_error("cannot write '" + path_ + "': " + std::strerror(errno));
}

void atomic_file::commit() {
  if (std::rename(temp_.c_str(), path_.c_str()) != 0)
    throw input_error("cannot write '" + path_ + "': " + std::strerror(errno));
  committed_ = true;
  // the rename itself made durable (best effort: some file systems refuse fsync on a directory)
  const std::string dir = path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/') + 1);
  const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0) {
    ::fsync(d);
    ::close(d);
  }
}

}  // namespace dmt
