// libFuzzer: the JSON the wasm module's classes take, through the functions their bindings call
// (wasm/*_bindings.cpp), built natively: the first byte picks the entry point --
//   0 new Sampler(settings): target and sampler resolved, an open-ended run, built for 4 particles
//   1 new Trainer(config): the training config and its target
//   2 new Fit(config): the fit plan
//   3 new Target(name, params): {"name": ..., params...}
#include "dmt/config/fit_request.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/config/sampling_setup.hpp"
#include "dmt/config/train_config.hpp"
#include "dmt/targets/registry.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto j = nlohmann::json::parse(dmt::fuzz::text(data + 1, size - 1), nullptr, false);
  if (j.is_discarded()) return 0;
  return dmt::fuzz::refused_or_accepted([&] {
    switch (data[0] % 4) {
      case 0: {
        if (!j.is_object()) throw dmt::input_error("sampler config must be an object");
        dmt::run_context run;
        run.open_ended = true;
        const auto s = dmt::setup_sampling(j.contains("target") ? j["target"] : nlohmann::json(),
                                           j.contains("sampler") ? j["sampler"] : nlohmann::json("mala"), run);
        s.make(4, 1);
        break;
      }
      case 1: {
        const dmt::train_request r = dmt::parse_train_config(j, "the trainer config");
        dmt::make_target(r.target["name"].get<std::string>(), dmt::params_from_json(r.target, "target", {"name"}));
        break;
      }
      case 2:
        dmt::plan_fit(dmt::fit_request_from_json(j));
        break;
      default: {
        const nlohmann::json o = dmt::component_object(j, "target");
        dmt::make_target(o["name"].get<std::string>(), dmt::params_from_json(o, "target", {"name"}));
      }
    }
  });
}
