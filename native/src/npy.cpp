#include "dmt/native/npy.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

#include "dmt/native/atomic_file.hpp"
#include "dmt/params.hpp"

namespace dmt {

std::string npy_bytes(const float* data, std::size_t rows, std::size_t cols) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  out.append(reinterpret_cast<const char*>(data), rows * cols * sizeof(float));  // x86/wasm: little-endian
  return out;
}

void write_npy(const std::string& path, const float* data, std::size_t rows, std::size_t cols) {
  atomic_file f(path);
  f.write(npy_bytes(data, rows, cols));
  f.commit();
}

npy_array read_npy(const std::string& path) {
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
  if (descr.find("'<f4'") == std::string::npos && descr.find("'float32'") == std::string::npos)
    throw bad("dtype must be little-endian float32 ('<f4')");
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
  if (dims.size() != 2) throw bad("expected a 2-D array (particles, dim), got " + std::to_string(dims.size()) + "-D");
  npy_array a;
  a.rows = dims[0];
  a.cols = dims[1];
  const std::size_t need = a.rows * a.cols * sizeof(float);
  if (bytes.size() - offset - header_len != need) throw bad("data size does not match the shape");
  a.data.resize(a.rows * a.cols);
  std::memcpy(a.data.data(), bytes.data() + offset + header_len, need);
  return a;
}

}  // namespace dmt
