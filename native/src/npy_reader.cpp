// Reading NPY files (npy.hpp): the header's Python literal parsed token by token, every size checked
// before it is used.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>

#include "dmt/native/npy.hpp"
#include "dmt/params.hpp"

namespace dmt {
namespace {

constexpr std::size_t kMaxHeader = 1 << 20;  // a header is a few hundred bytes; refuse anything over 1 MiB

struct layout {
  std::size_t item = 4;  // bytes per value: 4 (float32) or 8 (float64)
  bool big_endian = false, fortran = false;
  std::vector<std::size_t> dims;
  std::size_t count = 1;  // product of dims
  std::size_t offset = 0;  // where the data start
};

// The header dictionary {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }: values are
// strings, True / False, or tuples of non-negative integers.
class header_parser {
 public:
  header_parser(const std::string& text, const std::function<input_error(const std::string&)>& bad)
      : t_(text), bad_(bad) {}

  std::map<std::string, std::string> strings;
  std::map<std::string, bool> flags;
  std::map<std::string, std::vector<std::size_t>> tuples;

  void parse() {
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      skip();
      if (strings.count(key) || flags.count(key) || tuples.count(key)) throw bad_("header repeats '" + key + "'");
      if (peek() == '\'' || peek() == '"') {
        strings[key] = string_literal();
      } else if (peek() == '(') {
        tuples[key] = int_tuple();
      } else {
        const std::string word = identifier();
        if (word == "True") flags[key] = true;
        else if (word == "False") flags[key] = false;
        else throw bad_("header value of '" + key + "' is not a string, True/False or a tuple");
      }
      skip();
      if (peek() == ',') ++i_;
      else if (peek() != '}') throw bad_("malformed header (expected ',' or '}')");
    }
    ++i_;
    skip();  // NumPy pads with spaces and ends with a newline; nothing else may follow
    if (i_ != t_.size()) throw bad_("malformed header (text after its closing '}')");
  }

 private:
  char peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  void skip() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  void expect(char c) {
    skip();
    if (peek() != c) throw bad_(std::string("malformed header (expected '") + c + "')");
    ++i_;
  }
  std::string string_literal() {
    skip();
    const char q = peek();
    if (q != '\'' && q != '"') throw bad_("malformed header (expected a quoted key or value)");
    const std::size_t end = t_.find(q, i_ + 1);
    if (end == std::string::npos) throw bad_("malformed header (unterminated string)");
    std::string s = t_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return s;
  }
  std::string identifier() {
    const std::size_t start = i_;
    while (i_ < t_.size() && std::isalpha(static_cast<unsigned char>(t_[i_]))) ++i_;
    return t_.substr(start, i_ - start);
  }
  std::vector<std::size_t> int_tuple() {
    expect('(');
    std::vector<std::size_t> v;
    while (true) {
      skip();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) throw bad_("shape entries must be non-negative integers");
      std::size_t x = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const std::size_t digit = static_cast<std::size_t>(t_[i_++] - '0');
        if (x > (SIZE_MAX - digit) / 10) throw bad_("a shape entry overflows");
        x = 10 * x + digit;
      }
      if (peek() == 'L') ++i_;  // Python 2's long suffix
      v.push_back(x);
      skip();
      if (peek() == ',') ++i_;
      else if (peek() != ')') throw bad_("malformed shape (expected ',' or ')')");
      if (v.size() > 32) throw bad_("shape has more than 32 dimensions");
    }
    ++i_;
    return v;
  }

  const std::string t_;
  std::function<input_error(const std::string&)> bad_;
  std::size_t i_ = 0;
};

// Where the header starts and how long it is, from the magic and version (empty: not an NPY file or
// an unknown version; the caller names the problem).
struct header_extent {
  std::size_t offset = 0, length = 0;
};
std::optional<header_extent> extent_of(const std::string& head) {
  if (head.size() < 10 || head.compare(0, 6, "\x93NUMPY") != 0) return std::nullopt;
  const int major = static_cast<unsigned char>(head[6]);
  header_extent e;
  if (major == 1) {
    e.length = static_cast<unsigned char>(head[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(head[9])) << 8);
    e.offset = 10;
  } else if (major == 2 || major == 3) {
    if (head.size() < 12) return std::nullopt;
    for (int k = 3; k >= 0; --k) e.length = (e.length << 8) | static_cast<unsigned char>(head[8 + k]);
    e.offset = 12;
  } else {
    return std::nullopt;
  }
  return e;
}

// The layout from the first bytes of a file (at least the magic, version and header) of `total` bytes.
layout parse_layout(const std::string& head, std::uint64_t total, bool allow_f64,
                    const std::function<input_error(const std::string&)>& bad) {
  if (head.size() < 10 || head.compare(0, 6, "\x93NUMPY") != 0) throw bad("missing NPY magic");
  const int major = static_cast<unsigned char>(head[6]);
  if (major < 1 || major > 3) throw bad("unsupported NPY version " + std::to_string(major));
  const auto extent = extent_of(head);
  if (!extent) throw bad("truncated header");
  const std::size_t header_len = extent->length, offset = extent->offset;
  if (header_len > kMaxHeader) throw bad("header of " + std::to_string(header_len) + " bytes (at most 1 MiB)");
  if (head.size() < offset + header_len) throw bad("truncated header");
  header_parser p(head.substr(offset, header_len), bad);
  p.parse();
  for (const char* key : {"descr", "fortran_order", "shape"})
    if (!p.strings.count(key) && !p.flags.count(key) && !p.tuples.count(key)) throw bad(std::string("header has no '") + key + "'");
  if (!p.strings.count("descr")) throw bad("header's 'descr' is not a string");
  if (!p.flags.count("fortran_order")) throw bad("header's 'fortran_order' is not True or False");
  if (!p.tuples.count("shape")) throw bad("header's 'shape' is not a tuple");
  layout l;
  const std::string& descr = p.strings["descr"];
  const std::string kinds = allow_f64 ? "float32 or float64 ('<f4', '>f4', '<f8', '>f8')" : "float32 ('<f4' or '>f4')";
  if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '>' && descr[0] != '=') || descr[1] != 'f' ||
      (descr[2] != '4' && !(allow_f64 && descr[2] == '8')))
    throw bad("dtype '" + descr + "' is not " + kinds);
  l.item = descr[2] == '8' ? 8 : 4;
  l.big_endian = descr[0] == '>';
  l.fortran = p.flags["fortran_order"];
  l.dims = p.tuples["shape"];
  for (std::size_t d : l.dims)
    if (__builtin_mul_overflow(l.count, d, &l.count)) throw bad("the shape's element count overflows");
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(l.count, l.item, &bytes) || bytes > kNpyMaxBytes)
    throw bad("the shape asks for more than 2^34 bytes (16 GiB), the reader's limit");
  l.offset = offset + header_len;
  if (total - l.offset != bytes)
    throw bad("data size does not match the shape (" + std::to_string(total - l.offset) + " bytes for " +
              std::to_string(bytes) + ")");
  return l;
}

// The values as T, in C order (row-major over dims).
template <class T>
std::vector<T> values(const std::string& bytes, const layout& l) {
  std::vector<T> v(l.count);
  const char* p = bytes.data() + l.offset;
  for (std::size_t i = 0; i < l.count; ++i) {
    char b[8];
    std::memcpy(b, p + i * l.item, l.item);
    if (l.big_endian) {  // x86 / wasm: little-endian
      if (l.item == 8) std::reverse(b, b + 8);
      else std::reverse(b, b + 4);
    }
    if (l.item == 8) {
      double x;
      std::memcpy(&x, b, 8);
      v[i] = static_cast<T>(x);
    } else {
      float f;
      std::memcpy(&f, b, 4);
      v[i] = f;
    }
  }
  if (l.fortran && l.dims.size() == 2) {  // column-major (rows, cols) -> row-major
    const std::size_t r = l.dims[0], c = l.dims[1];
    std::vector<T> t(v.size());
    for (std::size_t i = 0; i < r; ++i)
      for (std::size_t j = 0; j < c; ++j) t[i * c + j] = v[j * r + i];
    v.swap(t);
  }
  return v;
}

std::function<input_error(const std::string&)> complaint(const std::string& name) {
  return [name](const std::string& why) { return input_error("'" + name + "' is not a usable NPY file: " + why); };
}

std::string read_file_checked(const std::string& path, bool allow_f64) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw input_error("cannot read '" + path + "'");
  const auto total = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  // the layout from the header alone, so that a file that lies about its size is refused unread
  std::string head(static_cast<std::size_t>(std::min<std::uint64_t>(total, 12)), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (const auto e = extent_of(head); e && e->length <= kMaxHeader && e->offset + e->length <= total) {
    head.resize(e->offset + e->length);
    in.seekg(0);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
  }
  parse_layout(head, total, allow_f64, complaint(path));  // throws on any inconsistency
  std::string bytes(static_cast<std::size_t>(total), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != total) throw input_error("cannot read '" + path + "'");
  return bytes;
}

npy_array array_of(const std::string& bytes, const std::string& name) {
  const auto bad = complaint(name);
  const layout l = parse_layout(bytes, bytes.size(), false, bad);
  if (l.dims.size() != 2)
    throw bad("expected a 2-D array (particles, dim), got " + std::to_string(l.dims.size()) + "-D");
  npy_array a;
  a.rows = l.dims[0];
  a.cols = l.dims[1];
  a.data = values<float>(bytes, l);
  return a;
}

npy_matrix matrix_of(const std::string& bytes, const std::string& name) {
  const auto bad = complaint(name);
  const layout l = parse_layout(bytes, bytes.size(), true, bad);
  if (l.dims.size() != 1 && l.dims.size() != 2)
    throw bad("expected a 1-D or 2-D array, got " + std::to_string(l.dims.size()) + "-D");
  npy_matrix m;
  m.rows = l.dims[0];
  m.cols = l.dims.size() == 2 ? l.dims[1] : 1;
  m.data = values<double>(bytes, l);
  return m;
}

}  // namespace

npy_array npy_array_from_bytes(const std::string& bytes, const std::string& name) { return array_of(bytes, name); }
npy_matrix npy_matrix_from_bytes(const std::string& bytes, const std::string& name) { return matrix_of(bytes, name); }
npy_array read_npy(const std::string& path) { return array_of(read_file_checked(path, false), path); }
npy_matrix read_npy_matrix(const std::string& path) { return matrix_of(read_file_checked(path, true), path); }

}  // namespace dmt
