// The NPY reader (native/src/npy_reader.cpp) on hand-built files: both byte orders, Fortran order,
// versions 1-3, and every refusal (one message naming the file and the problem), including shapes
// whose element count overflows or exceeds the 16 GiB limit, which must be refused before allocating.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "dmt/native/npy.hpp"
#include "dmt/params.hpp"

namespace {

// magic, version, header length, header, then the payload (little-endian length fields)
std::string npy_file(const std::string& header, const std::string& payload, int major = 1) {
  std::string out("\x93NUMPY", 6);
  out.push_back(static_cast<char>(major));
  out.push_back('\0');
  const std::size_t n = header.size();
  out.push_back(static_cast<char>(n & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  if (major >= 2) {
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>((n >> 24) & 0xff));
  }
  return out + header + payload;
}

template <class T>
std::string bytes_of(const std::vector<T>& v, bool big_endian) {
  std::string s;
  for (T x : v) {
    char b[sizeof(T)];
    std::memcpy(b, &x, sizeof(T));
    if (big_endian) std::reverse(b, b + sizeof(T));
    s.append(b, sizeof(T));
  }
  return s;
}

std::string error_of(const std::string& bytes, bool matrix = false) {
  try {
    if (matrix) dmt::npy_matrix_from_bytes(bytes, "x.npy");
    else dmt::npy_array_from_bytes(bytes, "x.npy");
  } catch (const dmt::input_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(NpyReader, ReadsWhatWriteNpyWrites) {
  const std::vector<float> v = {1.5f, -2.0f, 3.25f, 4.0f, 5.0f, -6.5f};
  const auto a = dmt::npy_array_from_bytes(dmt::npy_bytes(v.data(), 3, 2), "x.npy");
  EXPECT_EQ(a.rows, 3u);
  EXPECT_EQ(a.cols, 2u);
  EXPECT_EQ(a.data, v);
}

TEST(NpyReader, ByteOrdersFortranOrderAndVersions) {
  const std::vector<double> c_order = {1, 2, 3, 4, 5, 6};  // (2, 3) row-major
  const std::vector<double> f_order = {1, 4, 2, 5, 3, 6};  // the same matrix, column-major
  for (int major : {1, 2, 3})
    for (bool big : {false, true}) {
      const std::string e = big ? ">" : "<";
      const auto m = dmt::npy_matrix_from_bytes(
          npy_file("{'descr': '" + e + "f8', 'fortran_order': False, 'shape': (2, 3), }", bytes_of(c_order, big), major),
          "x.npy");
      EXPECT_EQ(m.data, c_order) << major << big;
      const auto f = dmt::npy_matrix_from_bytes(
          npy_file("{'descr': '" + e + "f8', 'fortran_order': True, 'shape': (2, 3), }", bytes_of(f_order, big), major),
          "x.npy");
      EXPECT_EQ(f.data, c_order) << "Fortran order " << major << big;
      const std::vector<float> f32(f_order.begin(), f_order.end());
      const auto a = dmt::npy_array_from_bytes(
          npy_file("{\"descr\": \"" + e + "f4\", \"fortran_order\": True, \"shape\": (2L, 3L)}", bytes_of(f32, big)),
          "x.npy");
      EXPECT_EQ(a.data, std::vector<float>(c_order.begin(), c_order.end()));
    }
  const auto one_d = dmt::npy_matrix_from_bytes(
      npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", bytes_of(std::vector<float>{1, 2, 3}, false)),
      "x.npy");
  EXPECT_EQ(one_d.rows, 3u);
  EXPECT_EQ(one_d.cols, 1u);
}

TEST(NpyReader, RefusesWithOneLineNamingTheProblem) {
  const std::string p = "'x.npy' is not a usable NPY file: ";
  const auto hdr = [](const std::string& descr, const std::string& shape, const std::string& fortran = "False") {
    return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  };
  const std::string four(16, '\0');  // 4 float32 zeros
  EXPECT_EQ(error_of("NUMPY"), p + "missing NPY magic");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(2, 2)"), four, 4)), p + "unsupported NPY version 4");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(2, 2)"), four).substr(0, 30)), p + "truncated header");
  EXPECT_EQ(error_of(npy_file(hdr("<i4", "(2, 2)"), four)), p + "dtype '<i4' is not float32 ('<f4' or '>f4')");
  EXPECT_EQ(error_of(npy_file(hdr("<i4", "(2, 2)"), four), true),
            p + "dtype '<i4' is not float32 or float64 ('<f4', '>f4', '<f8', '>f8')");
  EXPECT_EQ(error_of(npy_file(hdr("<f8", "(2, 2)"), four + four)), p + "dtype '<f8' is not float32 ('<f4' or '>f4')");
  // the old reader looked for '<f4' anywhere after 'descr'
  EXPECT_EQ(error_of(npy_file("{'descr': '>i4', 'fortran_order': False, 'shape': (2, 2), 'x': '<f4'}", four)),
            p + "dtype '>i4' is not float32 ('<f4' or '>f4')");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(2, 2)") + "}", four)), p + "malformed header (text after its closing '}')");
  EXPECT_EQ(error_of(npy_file("{'descr': '<f4' 'fortran_order': False}", four)), p + "malformed header (expected ',' or '}')");
  EXPECT_EQ(error_of(npy_file("{'descr': '<f4', 'shape': (2, 2), }", four)), p + "header has no 'fortran_order'");
  EXPECT_EQ(error_of(npy_file("{'descr': '<f4', 'descr': '<f4'}", four)), p + "header repeats 'descr'");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(2, 2)", "None"), four)),
            p + "header value of 'fortran_order' is not a string, True/False or a tuple");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(-1, 4)"), four)), p + "shape entries must be non-negative integers");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(a, 4)"), four)), p + "shape entries must be non-negative integers");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(99999999999999999999, 1)"), four)), p + "a shape entry overflows");
  // 2^62 x 4 float32s: the count wraps to 0 in 64 bits, which would match an empty payload
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(4611686018427387904, 4)"), "")), p + "the shape's element count overflows");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(4294967296, 2)"), four)),
            p + "the shape asks for more than 2^34 bytes (16 GiB), the reader's limit");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(2, 3)"), four)), p + "data size does not match the shape (16 bytes for 24)");
  EXPECT_EQ(error_of(npy_file(hdr("<f4", "(2, 2, 1)"), four)), p + "expected a 2-D array (particles, dim), got 3-D");
  std::string huge_header = npy_file(hdr("<f4", "(2, 2)"), four, 2);
  huge_header[10] = 0x20;  // header length 2 MiB
  EXPECT_EQ(error_of(huge_header), p + "header of 2097211 bytes (at most 1 MiB)");
}

}  // namespace
