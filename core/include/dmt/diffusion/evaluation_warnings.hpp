// When a trained sampler's evaluation should not be trusted (`dmt train`, `dmt eval`, the wasm
// Trainer's metrics()): one line per failed diagnostic, with its threshold and why.
//   ESS/K of the importance weights (target over model path) below 1 %: log Z_RW and every weighted
//     statistic rest on fewer than one sample in a hundred (the same level as weight_diagnostics.hpp).
//   log Z_RW - ELBO above 1 nat: the gap is an estimate of the KL divergence from the model's path
//     measure to the target's (Jensen: ELBO = log Z - KL when log Z_RW is accurate); above 1 nat the
//     samples are far from the target and log Z_RW itself is an importance estimate with heavy weights.
//   EUBO - ELBO above 2 nats, where exact target samples give the EUBO: the sandwich ELBO <= log Z <=
//     EUBO is then too loose to pin log Z down to a nat either side (a sampler that misses modes has a
//     large EUBO even when ELBO and log Z_RW agree).
#pragma once
#include <string>
#include <vector>

#include "dmt/diffusion/trainer.hpp"

namespace dmt {

std::vector<std::string> evaluation_warnings(const evaluation& ev);

}  // namespace dmt
