#!/usr/bin/env bash
# Builds the CUDA preset and prints one table of GPU throughput (bench/gpu/gpu_bench.cpp says what
# is counted). Needs nvcc and a GPU: `bash bench/gpu/run.sh [--quick]`. A prebuilt binary can be
# given with DMT_GPU_BENCH=path (the device machine has no Debian packages to build with).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${DMT_GPU_BENCH:-}
if [[ -z "$bin" ]]; then
  cmake --preset cuda >/dev/null
  cmake --build --preset cuda -j "$(nproc)" --target dmt_gpu_bench >/dev/null
  bin=build/cuda/bench/gpu/dmt_gpu_bench
fi
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader || true
"$bin" "$@"
