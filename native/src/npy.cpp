#include "dmt/native/npy.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

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

namespace {

struct raw_npy {
  bool f64 = false;
  std::vector<std::size_t> dims;
  std::string data;
};

raw_npy read_raw(const std::string& path, bool allow_f64) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error("cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  auto bad = [&](const std::string& why) { return input_error("'" + path + "' is not a usable NPY file: " + why); };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw bad("missing NPY magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw bad("truncated header");
    header_len = 0;
    for (int k = 3; k >= 0; --k) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + k]);
    offset = 12;
  } else {
    throw bad("unsupported version " + std::to_string(major));
  }
  if (bytes.size() < offset + header_len) throw bad("truncated header");
  const std::string header = bytes.substr(offset, header_len);
  auto field = [&](const std::string& key) {
    const std::size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) throw bad("header has no '" + key + "'");
    return header.substr(header.find(':', k) + 1);
  };
  const std::string descr = field("descr");
  raw_npy r;
  if (allow_f64 && descr.find("'<f8'") != std::string::npos)
    r.f64 = true;
  else if (descr.find("'<f4'") == std::string::npos && descr.find("'float32'") == std::string::npos)
    throw bad(allow_f64 ? "dtype must be little-endian float32 or float64 ('<f4', '<f8')"
                        : "dtype must be little-endian float32 ('<f4')");
  if (field("fortran_order").find("False") != 0 && field("fortran_order").find(" False") != 0)
    throw bad("Fortran order is not supported");
  const std::string shape = field("shape");
  const std::size_t open = shape.find('('), close = shape.find(')');
  if (open == std::string::npos || close == std::string::npos) throw bad("malformed shape");
  std::vector<std::size_t> dims;
  std::stringstream sh(shape.substr(open + 1, close - open - 1));
  std::string part;
  while (std::getline(sh, part, ',')) {
    if (part.find_first_not_of(' ') == std::string::npos) continue;
    dims.push_back(std::stoull(part));
  }
  std::size_t count = 1;
  for (auto d : dims) count *= d;
  if (bytes.size() - offset - header_len != count * (r.f64 ? 8 : 4)) throw bad("data size does not match the shape");
  r.dims = dims;
  r.data = bytes.substr(offset + header_len);
  return r;
}

}  // namespace

npy_array read_npy(const std::string& path) {
  const raw_npy r = read_raw(path, false);
  if (r.dims.size() != 2)
    throw input_error("'" + path + "' is not a usable NPY file: expected a 2-D array (particles, dim), got " +
                      std::to_string(r.dims.size()) + "-D");
  npy_array a;
  a.rows = r.dims[0];
  a.cols = r.dims[1];
  a.data.resize(a.rows * a.cols);
  if (!r.data.empty()) std::memcpy(a.data.data(), r.data.data(), r.data.size());
  return a;
}

npy_matrix read_npy_matrix(const std::string& path) {
  const raw_npy r = read_raw(path, true);
  if (r.dims.size() != 1 && r.dims.size() != 2)
    throw input_error("'" + path + "' is not a usable NPY file: expected a 1-D or 2-D array, got " +
                      std::to_string(r.dims.size()) + "-D");
  npy_matrix m;
  m.rows = r.dims[0];
  m.cols = r.dims.size() == 2 ? r.dims[1] : 1;
  m.data.resize(m.rows * m.cols);
  if (r.f64) {
    if (!r.data.empty()) std::memcpy(m.data.data(), r.data.data(), r.data.size());
  } else {
    std::vector<float> f(m.data.size());
    if (!r.data.empty()) std::memcpy(f.data(), r.data.data(), r.data.size());
    for (std::size_t i = 0; i < f.size(); ++i) m.data[i] = f[i];
  }
  return m;
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
