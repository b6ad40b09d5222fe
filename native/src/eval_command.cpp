#include "dmt/native/eval_command.hpp"

#include "dmt/config/evaluation_json.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/native/trained_model.hpp"

namespace dmt {

nlohmann::ordered_json run_eval(const std::string& model_path, int samples, int steps, std::uint64_t seed,
                                int threads) {
  const trained_model m = load_trained_model(model_path);
  if (samples <= 1) throw input_error("--samples must be at least 2");
  const int T = steps > 0 ? steps : m.training_steps();
  thread_pool pool(thread_count(threads));
  const auto reference = reference_samples(*m.tgt, samples, seed + kReferenceSeedOffset);
  const auto ev = evaluate_sampler(*m.model, *m.tgt, samples, T, seed + kReferenceSeedOffset, reference, pool);
  nlohmann::ordered_json j;
  j["model"] = model_path;
  j["iteration"] = std::stol(m.file.header.count("iteration") ? m.file.header.at("iteration") : "0");
  j["target"] = m.target_json;
  j.update(evaluation_json(ev));
  return j;
}

}  // namespace dmt
