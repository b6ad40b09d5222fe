// libFuzzer: `dmt fit` / `dmt select` configs -- the keys, then the plan: model and algorithms built,
// every setting completed and checked (nothing run).
#include "dmt/config/fit_request.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dmt::fuzz::refused_or_accepted([&] {
    const auto j = nlohmann::json::parse(dmt::fuzz::text(data, size), nullptr, false);
    if (j.is_discarded()) return;
    dmt::plan_fit(dmt::fit_request_from_json(j));
  });
}
