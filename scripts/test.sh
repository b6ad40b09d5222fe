#!/usr/bin/env bash
# Every test: set up, build every preset (native, native-debug with ASan+UBSan, wasm, fuzz (the
# parsers under libFuzzer for a minute each), and cuda
# where nvcc exists) and run each preset's tests. Exits non-zero if any preset fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
jobs=$(nproc)
presets=(native native-debug wasm fuzz)
[[ -x /usr/local/cuda/bin/nvcc ]] && presets+=(cuda)
failed=()
for p in "${presets[@]}"; do
  echo "=== preset $p: configure and build"
  if ! { cmake --preset "$p" >/dev/null && cmake --build --preset "$p" -j "$jobs"; }; then
    failed+=("$p (build)")
    continue
  fi
  echo "=== preset $p: test"
  ctest --preset "$p" -j "$jobs" --output-on-failure || failed+=("$p (tests)")
done
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all presets passed: ${presets[*]}"
