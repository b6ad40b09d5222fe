// NPY files. Written: NumPy format 1.0, little-endian float32 (or float64), C order. Read
// (npy_reader.cpp): format 1.0 to 3.0, float32 or float64 in either byte order, C or Fortran order;
// the header is parsed as the Python literal it is, the shape's product is checked for overflow and
// against kNpyMaxBytes and the file's length before anything is allocated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dmt {

// Writes atomically: to `path` + ".tmp-XXXXXX" first, then renames. Throws input_error.
void write_npy(const std::string& path, const float* data, std::size_t rows, std::size_t cols);
// The bytes write_npy would write.
std::string npy_bytes(const float* data, std::size_t rows, std::size_t cols);

// The largest payload read: 2^34 bytes (16 GiB); a header that asks for more is refused unread.
constexpr std::uint64_t kNpyMaxBytes = std::uint64_t(1) << 34;

struct npy_array {
  std::size_t rows = 0, cols = 0;
  std::vector<float> data;
};
// Reads a 2-D float32 array (rows, cols); throws input_error naming the file and the problem.
npy_array read_npy(const std::string& path);
// The same from the file's bytes (`name` for the messages): what the fuzz harness drives.
npy_array npy_array_from_bytes(const std::string& bytes, const std::string& name);

// A 1-D (n -> n x 1) or 2-D array of float32 or float64, as double (row-major).
struct npy_matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> data;
};
npy_matrix read_npy_matrix(const std::string& path);
npy_matrix npy_matrix_from_bytes(const std::string& bytes, const std::string& name);
// Writes a float64 array of any shape atomically.
void write_npy_f64(const std::string& path, const double* data, const std::vector<std::size_t>& shape);

}  // namespace dmt
