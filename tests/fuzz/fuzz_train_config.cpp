// libFuzzer: `dmt train` configs -- every key and its range, then the target built.
#include "dmt/config/json_params.hpp"
#include "dmt/config/train_config.hpp"
#include "dmt/targets/registry.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dmt::fuzz::refused_or_accepted([&] {
    const auto j = nlohmann::json::parse(dmt::fuzz::text(data, size), nullptr, false);
    if (j.is_discarded()) return;
    const dmt::train_request r = dmt::parse_train_config(j, "fuzz.json");
    dmt::make_target(r.target["name"].get<std::string>(), dmt::params_from_json(r.target, "target", {"name"}));
  });
}
