#!/usr/bin/env bash
# The main job: set up, build the native preset, and sample the funnel with MALA; writes
# out/samples.npy and out/metrics.json and prints the metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset native >/dev/null
cmake --build --preset native -j "$(nproc)" --target dmt
mkdir -p out
./build/native/native/dmt sample --target funnel --sampler mala --particles 10000 --steps 2000 \
  --step-size 0.05 --seed 1 --out out/samples.npy --metrics out/metrics.json
cat out/metrics.json
echo "samples: out/samples.npy (10000 x 10 float32), metrics: out/metrics.json"
