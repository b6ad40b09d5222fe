// libFuzzer: the NPY reader (both entry points: float32 rows x cols, and 1-D/2-D as double).
#include "dmt/native/npy.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = dmt::fuzz::text(data, size);
  dmt::fuzz::refused_or_accepted([&] {
    const dmt::npy_array a = dmt::npy_array_from_bytes(bytes, "fuzz.npy");
    if (a.data.size() != a.rows * a.cols) __builtin_trap();
  });
  return dmt::fuzz::refused_or_accepted([&] {
    const dmt::npy_matrix m = dmt::npy_matrix_from_bytes(bytes, "fuzz.npy");
    if (m.data.size() != m.rows * m.cols) __builtin_trap();
  });
}
