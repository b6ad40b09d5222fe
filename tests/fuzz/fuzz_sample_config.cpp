// libFuzzer: `dmt sample` configs -- the file's keys, then the target and sampler resolved against
// the registry and the sampler built for a few particles (its parameters parsed and checked).
#include "dmt/config/sampling_setup.hpp"
#include "dmt/native/sample_command.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dmt::fuzz::refused_or_accepted([&] {
    const dmt::sample_request r = dmt::sample_config_from_text(dmt::fuzz::text(data, size), "fuzz.json");
    dmt::run_context run;
    run.steps = r.steps;
    const dmt::sampling_setup s = dmt::setup_sampling(r.target, r.sampler, run);
    s.make(4, r.seed);
  });
}
