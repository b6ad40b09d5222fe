#include "dmt/nn/model_file.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

#include "dmt/fnv1a.hpp"
#include "dmt/params.hpp"

namespace dmt {
namespace {

constexpr char kMagic[8] = {'D', 'M', 'T', 'M', 'O', 'D', 'E', 'L'};

template <class U>
void put(std::string& out, U v) {
  char b[sizeof(U)];
  std::memcpy(b, &v, sizeof(U));
  out.append(b, sizeof(U));
}

class reader {
 public:
  reader(const std::string& bytes, std::size_t end, const std::string& source) : s_(bytes), end_(end), source_(source) {}
  template <class U>
  U get() {
    need(sizeof(U));
    U v;
    std::memcpy(&v, s_.data() + pos_, sizeof(U));
    pos_ += sizeof(U);
    return v;
  }
  std::string str(std::size_t n) {
    need(n);
    std::string v = s_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  void floats(float* out, std::size_t n) {
    if (n == 0) return;  // out may be null (an empty tensor's data())
    need(n * sizeof(float));
    std::memcpy(out, s_.data() + pos_, n * sizeof(float));
    pos_ += n * sizeof(float);
  }
  std::size_t pos() const { return pos_; }

 private:
  void need(std::size_t n) {
    if (n > end_ - pos_) throw input_error("model file '" + source_ + "' is truncated");
  }
  const std::string& s_;
  std::size_t end_, pos_ = 0;
  const std::string& source_;
};

std::string fmt(double v) {
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

}  // namespace

void write_model_config(const model_config& c, std::map<std::string, std::string>& h) {
  h["dim"] = std::to_string(c.dim);
  h["sigma2"] = fmt(c.sigma2);
  h["learned_variance"] = std::to_string(int(c.learned_variance));
  h["log_var_range"] = fmt(c.log_var_range);
  h["hidden"] = std::to_string(c.hidden);
  h["harmonics"] = std::to_string(c.harmonics);
  h["layers"] = std::to_string(c.layers);
  h["activation"] = std::string(activation_name(c.act));
  h["flow"] = std::to_string(int(c.flow));
  h["forward_looking"] = std::to_string(int(c.forward_looking));
  h["langevin"] = std::to_string(int(c.langevin));
  h["lgv_layers"] = std::to_string(c.lgv_layers);
  h["lgv_clip"] = fmt(c.lgv_clip);
  h["drift_clip"] = fmt(c.drift_clip);
  if (c.learned_backward) {  // only when on: files written before it existed stay readable
    h["learned_backward"] = "1";
    h["pb_scale_range"] = fmt(c.pb_scale_range);
  }
}

model_config read_model_config(const std::map<std::string, std::string>& h, const std::string& source) {
  auto get = [&](const char* key) -> const std::string& {
    const auto it = h.find(key);
    if (it == h.end()) throw input_error("model file '" + source + "' has no '" + key + "' in its header");
    return it->second;
  };
  auto number = [&](const char* key) {
    const std::string& v = get(key);
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(d))
      throw input_error("model file '" + source + "' has a malformed '" + key + "' (" + v + ")");
    return d;
  };
  auto integer = [&](const char* key) {  // a whole number in int's range, before the cast
    const double d = number(key);
    if (d != std::floor(d) || std::abs(d) > 1e9)
      throw input_error("model file '" + source + "' has a malformed '" + key + "' (" + get(key) + ")");
    return static_cast<int>(d);
  };
  model_config c;
  c.dim = integer("dim");
  c.sigma2 = number("sigma2");
  c.learned_variance = number("learned_variance") != 0;
  c.log_var_range = number("log_var_range");
  c.hidden = integer("hidden");
  c.harmonics = integer("harmonics");
  c.layers = integer("layers");
  c.act = parse_activation(get("activation"));
  c.flow = number("flow") != 0;
  c.forward_looking = number("forward_looking") != 0;
  c.langevin = number("langevin") != 0;
  c.lgv_layers = integer("lgv_layers");
  c.lgv_clip = number("lgv_clip");
  c.drift_clip = number("drift_clip");
  if (h.count("learned_backward")) {
    c.learned_backward = number("learned_backward") != 0;
    c.pb_scale_range = number("pb_scale_range");
  }
  if (c.dim <= 0 || c.hidden <= 0 || c.harmonics <= 0 || c.layers < 0 || c.lgv_layers < 0 || !(c.sigma2 > 0))
    throw input_error("model file '" + source + "' has impossible settings");
  if (!(c.pb_scale_range >= 0 && c.pb_scale_range < 1))
    throw input_error("model file '" + source + "' has impossible settings (pb_scale_range)");
  return c;
}

model_config read_model_config(const model_file& f, const std::string& source) {
  const model_config c = read_model_config(f.header, source);
  // The policy network alone has at least H^2 (1 + layers) + 2 H dim + 2 H harmonics parameters; a
  // header that asks for more than the file holds is refused before a model is built from it.
  const double h = c.hidden, smallest = h * h * (1.0 + c.layers) + 2.0 * h * (c.dim + c.harmonics);
  if (smallest > static_cast<double>(f.params.values.size()))
    throw input_error("model file '" + source + "' has settings for more parameters than it holds");
  return c;
}

std::string serialize_model(const std::map<std::string, std::string>& header, const parameter_store<float>& params,
                            const adam<float>* optimiser) {
  std::string out(kMagic, 8);
  put<std::uint32_t>(out, kModelFormatVersion);
  std::string h;
  for (const auto& [k, v] : header) {
    if (k.find('=') != std::string::npos || k.find('\n') != std::string::npos || v.find('\n') != std::string::npos)
      throw std::logic_error("model header entries must not contain newlines or '=' in keys");
    h.append(k);
    h.push_back('=');
    h.append(v);
    h.push_back('\n');
  }
  put<std::uint32_t>(out, static_cast<std::uint32_t>(h.size()));
  out += h;
  put<std::uint32_t>(out, static_cast<std::uint32_t>(params.tensors.size()));
  for (const auto& t : params.tensors) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.name.size()));
    out += t.name;
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.rows));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.cols));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.group.size()));
    out += t.group;
  }
  out.append(reinterpret_cast<const char*>(params.values.data()), params.values.size() * sizeof(float));
  const bool with_opt = optimiser && optimiser->m.size() == params.values.size();
  out.push_back(with_opt ? 1 : 0);
  if (with_opt) {
    put<std::uint64_t>(out, static_cast<std::uint64_t>(optimiser->steps));
    out.append(reinterpret_cast<const char*>(optimiser->m.data()), optimiser->m.size() * sizeof(float));
    out.append(reinterpret_cast<const char*>(optimiser->v.data()), optimiser->v.size() * sizeof(float));
  }
  put<std::uint64_t>(out, fnv1a(out.data(), out.size()));
  return out;
}

model_file parse_model(const std::string& bytes, const std::string& source) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw input_error("'" + source + "' is not a dmt model file (no DMTMODEL magic)");
  if (bytes.size() < 8 + 4 + 8) throw input_error("model file '" + source + "' is truncated");
  reader r(bytes, bytes.size() - 8, source);
  r.str(8);
  const auto version = r.get<std::uint32_t>();
  if (version != kModelFormatVersion)
    throw input_error("model file '" + source + "' has format version " + std::to_string(version) +
                      "; this build reads version " + std::to_string(kModelFormatVersion));
  model_file f;
  const auto hn = r.get<std::uint32_t>();
  std::istringstream lines(r.str(hn));
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw input_error("model file '" + source + "' has a malformed header line");
    f.header[line.substr(0, eq)] = line.substr(eq + 1);
  }
  const auto count = r.get<std::uint32_t>();
  if (count > 100000) throw input_error("model file '" + source + "' is corrupted (tensor count)");
  std::size_t total = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    tensor_info t;
    t.name = r.str(r.get<std::uint32_t>());
    t.rows = static_cast<int>(r.get<std::uint32_t>());
    t.cols = static_cast<int>(r.get<std::uint32_t>());
    t.group = r.str(r.get<std::uint32_t>());
    t.offset = total;
    if (t.rows < 0 || t.cols < 0 || t.size() > (std::size_t(1) << 30))
      throw input_error("model file '" + source + "' is corrupted (tensor shape)");
    total += t.size();
    if (total > bytes.size() / sizeof(float))  // before allocating: the floats must be in the file
      throw input_error("model file '" + source + "' is truncated");
    f.params.tensors.push_back(t);
  }
  f.params.values.resize(total);
  f.params.grads.assign(total, 0.0f);
  r.floats(f.params.values.data(), total);
  const auto with_opt = r.get<std::uint8_t>();
  if (with_opt) {
    f.has_optimiser = true;
    f.optimiser.steps = static_cast<long>(r.get<std::uint64_t>());
    f.optimiser.m.resize(total);
    f.optimiser.v.resize(total);
    r.floats(f.optimiser.m.data(), total);
    r.floats(f.optimiser.v.data(), total);
  }
  if (r.pos() != bytes.size() - 8) throw input_error("model file '" + source + "' has trailing bytes");
  std::uint64_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (stored != fnv1a(bytes.data(), bytes.size() - 8))
    throw input_error("model file '" + source + "' is corrupted (checksum mismatch)");
  return f;
}

void load_parameters(const model_file& file, diffusion_model<float>& model, const std::string& source) {
  const auto& want = model.store.tensors;
  const auto& have = file.params.tensors;
  if (want.size() != have.size())
    throw input_error("model file '" + source + "' holds " + std::to_string(have.size()) + " tensors; expected " +
                      std::to_string(want.size()));
  for (std::size_t i = 0; i < want.size(); ++i)
    if (want[i].name != have[i].name || want[i].rows != have[i].rows || want[i].cols != have[i].cols)
      throw input_error("model file '" + source + "' tensor '" + have[i].name + "' (" + std::to_string(have[i].rows) +
                        "x" + std::to_string(have[i].cols) + ") does not match '" + want[i].name + "' (" +
                        std::to_string(want[i].rows) + "x" + std::to_string(want[i].cols) + ")");
  model.store.values = file.params.values;
}

}  // namespace dmt
