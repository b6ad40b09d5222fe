#!/usr/bin/env bash
# The main job: set up, build the native preset, and train a diffusion sampler on gmm25 (TB with
# the Langevin parametrisation, 3000 iterations, a few minutes on 2 cores). Writes runs/gmm25/:
# model.dmt, metrics.jsonl, loss.csv, samples.npy and report.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset native >/dev/null
cmake --build --preset native -j "$(nproc)" --target dmt
# DMT_MAIN_ITERATIONS and DMT_MAIN_OUT cut the run short and move it (the test main_script does both)
out=${DMT_MAIN_OUT:-runs/gmm25}
args=()
[[ -n ${DMT_MAIN_ITERATIONS:-} ]] && args=(--iterations "$DMT_MAIN_ITERATIONS")
./build/native/native/dmt train configs/quick/gmm25_tb_lp.json --out "$out" "${args[@]}"
echo
echo "final evaluation ($out/metrics.jsonl, last line):"
tail -n 1 "$out/metrics.jsonl"
echo "report: $out/report.svg (open it in a browser); model: $out/model.dmt"
echo "sample it on a finer grid: ./build/native/native/dmt sample --model $out/model.dmt --particles 5000 --steps 200 --out s.npy"
