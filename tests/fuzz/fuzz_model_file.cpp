// libFuzzer: the model-file reader (model.dmt): the container, its header's model settings, and the
// parameters loaded into a model built from them (small models only, as `dmt` would build any).
#include "dmt/nn/model_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dmt::fuzz::refused_or_accepted([&] {
    const dmt::model_file f = dmt::parse_model(dmt::fuzz::text(data, size), "fuzz.dmt");
    const dmt::model_config c = dmt::read_model_config(f, "fuzz.dmt");
    dmt::diffusion_model<float> m(c);
    dmt::load_parameters(f, m, "fuzz.dmt");
  });
}
