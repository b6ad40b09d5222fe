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
  ctest --preset "$p" -j "$jobs" || failed+=("$p (tests)")
done
if ((${#failed[@]})); then
  # the failed tests' names and the end of their output again, so that the end of the log says why
  for f in "${failed[@]}"; do
    [[ $f == *"(tests)" ]] || continue
    dir=build/${f%% *}/Testing/Temporary
    [[ -f $dir/LastTestsFailed.log ]] || continue
    while IFS=: read -r _ name; do
      echo "=== ${f%% *}: $name failed; the end of its output:"
      awk -v t="$name" '$0 ~ "^[0-9]+/[0-9]+ Testing: " t "$" {on = 1; next} on && /^<end of output>/ {exit} on' \
        "$dir/LastTest.log" | tail -n 40
    done <"$dir/LastTestsFailed.log"
  done
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all presets passed: ${presets[*]}"
