#include "dmt/native/npy.hpp"


#include "dmt/native/atomic_file.hpp"
#include "dmt/params.hpp"

namespace dmt {

namespace {

std::string header_bytes(const char* descr, const std::vector<std::size_t>& shape) {
  std::string dims;
  for (std::size_t k = 0; k < shape.size(); ++k)
    dims += std::to_string(shape[k]) + (shape.size() == 1 || k + 1 < shape.size() ? ", " : "");
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  return out;
}

}  // namespace

std::string npy_bytes(const float* data, std::size_t rows, std::size_t cols) {
  std::string out = header_bytes("<f4", {rows, cols});
  out.append(reinterpret_cast<const char*>(data), rows * cols * sizeof(float));  // x86/wasm: little-endian
  return out;
}

void write_npy(const std::string& path, const float* data, std::size_t rows, std::size_t cols) {
  atomic_file f(path);
  f.write(npy_bytes(data, rows, cols));
  f.commit();
}

void write_npy_f64(const std::string& path, const double* data, const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  std::string bytes = header_bytes("<f8", shape);
  bytes.append(reinterpret_cast<const char*>(data), count * sizeof(double));
  atomic_file f(path);
  f.write(bytes);
  f.commit();
}

}  // namespace dmt
