// libFuzzer: `dmt ot` input files -- a Gaussian {"mean", "cov"} (ot gaussian, ot bridge) and a
// mixture or KDE (ot mixture); the first byte picks which.
#include "dmt/native/ot_command.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string t = dmt::fuzz::text(data + 1, size - 1);
  return dmt::fuzz::refused_or_accepted([&] {
    if (data[0] & 1)
      dmt::mixture_from_json_text(t, "fuzz.json");
    else
      dmt::gaussian_from_json_text(t, "fuzz.json");
  });
}
