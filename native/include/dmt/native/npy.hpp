// NPY files (NumPy format 1.0): little-endian float32, C order, 2-D shape (rows, cols).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace dmt {

// Writes atomically: to `path` + ".tmp-XXXXXX" first, then renames. Throws input_error.
void write_npy(const std::string& path, const float* data, std::size_t rows, std::size_t cols);
// The bytes write_npy would write.
std::string npy_bytes(const float* data, std::size_t rows, std::size_t cols);

struct npy_array {
  std::size_t rows = 0, cols = 0;
  std::vector<float> data;
};
// Reads a 2-D little-endian float32 C-order array; throws input_error naming the problem.
npy_array read_npy(const std::string& path);

// A 1-D (n -> n x 1) or 2-D array of float32 or float64, as double (row-major).
struct npy_matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> data;
};
npy_matrix read_npy_matrix(const std::string& path);
// Writes a float64 array of any shape atomically.
void write_npy_f64(const std::string& path, const double* data, const std::vector<std::size_t>& shape);

}  // namespace dmt
