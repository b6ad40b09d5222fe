#include "dmt/native/trained_model.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "dmt/config/json_params.hpp"
#include "dmt/targets/registry.hpp"

namespace dmt {

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error("cannot read " + what + " '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

trained_model load_trained_model(const std::string& path) {
  trained_model m;
  m.file = parse_model(read_text_file(path, "model file"), path);
  m.config = read_model_config(m.file, path);
  try {
    m.target_json = nlohmann::json::parse(m.file.header.at("target"));
    m.train_config = nlohmann::json::parse(m.file.header.at("config"));
  } catch (const std::exception&) {
    throw input_error("model file '" + path + "' has a malformed target or config in its header");
  }
  m.tgt = make_target(m.target_json.at("name").get<std::string>(), params_from_json(m.target_json, "target", {"name"}));
  if (m.tgt->dim() != m.config.dim)
    throw input_error("model file '" + path + "' is for dimension " + std::to_string(m.config.dim) +
                      " but its target '" + m.tgt->name() + "' has dimension " + std::to_string(m.tgt->dim()));
  m.model = std::make_unique<diffusion_model<float>>(m.config);
  load_parameters(m.file, *m.model, path);
  return m;
}

std::vector<float> reference_samples(const target& t, int n, std::uint64_t seed) {
  std::vector<float> ref;
  if (!t.has_exact_sampler()) return ref;
  ref.resize(static_cast<std::size_t>(n) * t.dim());
  t.sample_exact(seed, static_cast<std::size_t>(n), ref.data());
  return ref;
}

int thread_count(int requested) {
  if (requested < 0) throw input_error("thread count must be non-negative");
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace dmt
