// `dmt eval`: a trained diffusion sampler's evaluation (log Z estimates, ELBO / EUBO, ESS, W2, MMD,
// mode coverage) as JSON.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace dmt {

// Evaluates a model file on `samples` samples and a uniform grid of `steps` steps (0: the training T).
nlohmann::ordered_json run_eval(const std::string& model_path, int samples, int steps, std::uint64_t seed, int threads);

}  // namespace dmt
