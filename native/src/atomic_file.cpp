#include "dmt/native/atomic_file.hpp"

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

void atomic_file::write(const std::string& bytes) {
  FILE* f = std::fopen(temp_.c_str(), "wb");
  if (!f) throw input_error("cannot write '" + path_ + "': " + std::strerror(errno));
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) throw input_error("cannot write '" + path_ + "': write failed");
}

void atomic_file::commit() {
  if (std::rename(temp_.c_str(), path_.c_str()) != 0)
    throw input_error("cannot write '" + path_ + "': " + std::strerror(errno));
  committed_ = true;
}

}  // namespace dmt
