// A trained sampler's evaluation as JSON, one function for `dmt train` (metrics.jsonl), `dmt eval`
// and the wasm Trainer's metrics() (which renames the keys to the JS API's camelCase).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

#include "dmt/diffusion/trainer.hpp"

namespace dmt {

// Added to the training seed for an evaluation's reference and model samples: `dmt train`'s
// evaluations, `dmt eval` and the wasm Trainer's metrics() use the same.
constexpr std::uint64_t kReferenceSeedOffset = 0x5EED0001ull;

// snake_case keys; non-finite values as null.
nlohmann::ordered_json evaluation_json(const evaluation& ev);
// "log_z_rw" -> "logZRw"-style renames for the JS API (the names it documents: logZRW, mmd2, ...).
nlohmann::ordered_json camel_case_evaluation(const nlohmann::ordered_json& snake);

}  // namespace dmt
