// Writing output files so that nothing half-written is ever left behind: content goes to a
// temporary file beside the destination, which is renamed over it only on commit().
#pragma once
#include <string>

namespace dmt {

class atomic_file {
 public:
  // Creates the temporary file now, so an unwritable destination fails early (input_error).
  explicit atomic_file(std::string path);
  ~atomic_file();  // removes the temporary file unless committed
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;

  void write(const std::string& bytes);  // replaces the temporary file's content
  void commit();                         // renames the temporary file onto the destination
  const std::string& path() const { return path_; }

 private:
  std::string path_, temp_;
  bool committed_ = false;
};

}  // namespace dmt
