#!/usr/bin/env bash
# The main job: set up, build the native preset, and train a diffusion sampler on gmm25 (TB with
# the Langevin parametrisation, 3000 iterations, a few minutes on 2 cores). Writes runs/gmm25/:
# model.dmt, metrics.jsonl, loss.csv, samples.npy and report.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset native >/dev/null
cmake --build --preset native -j "$(nproc)" --target dmt
./build/native/native/dmt train configs/quick/gmm25_tb_lp.json --out runs/gmm25
echo
echo "final evaluation (runs/gmm25/metrics.jsonl, last line):"
tail -n 1 runs/gmm25/metrics.jsonl
echo "report: runs/gmm25/report.svg (open it in a browser); model: runs/gmm25/model.dmt"
echo "sample it on a finer grid: ./build/native/native/dmt sample --model runs/gmm25/model.dmt --particles 5000 --steps 200 --out s.npy"
