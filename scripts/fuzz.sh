#!/usr/bin/env bash
# Fuzzes dmt's parsers with libFuzzer (clang, ASan + UBSan: the fuzz preset).
#   scripts/fuzz.sh [SECONDS] [NAME...]   build the fuzz preset and run each harness (default: all,
#                                         60 s each); NAME is one of tests/fuzz/fuzz_NAME.cpp
#   scripts/fuzz.sh --harness BIN CORPUS SECONDS   run one built harness (what the ctest tests call)
# The seed corpus is copied, never changed; new inputs and any crash go to build/fuzz/runs/NAME/.
# A crash, sanitizer report, leak, timeout (10 s per input) or out-of-memory (2 GiB) exits non-zero
# and names the input that causes it: reproduce with `BIN INPUT`, then add a regression test.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${1:-} == --harness ]]; then
  bin=$2 corpus=$3 seconds=$4
  name=$(basename "$bin")
  run=$(dirname "$bin")/runs/$name
  rm -rf "$run" && mkdir -p "$run/corpus" "$run/artifacts"
  cp "$corpus"/* "$run/corpus/" 2>/dev/null
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$run/artifacts/" "$run/corpus" >"$run/log.txt" 2>&1
  rc=$?
  grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$run/log.txt" | tr '\n' ' '
  echo "($name, ${seconds} s)"
  if ((rc != 0)); then
    grep -E 'ERROR|SUMMARY|Test unit written|deadly|uncaught|runtime error' "$run/log.txt" | head -20
    echo "$name: FAILED (exit $rc); full log $run/log.txt"
    exit 1
  fi
  exit 0
fi
seconds=${1:-60}
shift || true
cd "$root"
cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j "$(nproc)" || exit 1
names=("$@")
((${#names[@]})) || names=(npy model_file sample_config train_config fit_config ot_config wasm_entry)
failed=()
for n in "${names[@]}"; do
  bash "$0" --harness "build/fuzz/tests/fuzz/fuzz_$n" "tests/fuzz/corpus/$n" "$seconds" || failed+=("$n")
done
((${#failed[@]} == 0)) || { echo "FAILED: ${failed[*]}"; exit 1; }
echo "all ${#names[@]} harnesses ran ${seconds} s without a finding"
