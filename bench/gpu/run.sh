#!/usr/bin/env bash
# Builds the CUDA preset and prints the GPU throughput table (bench/gpu/gpu_bench.cpp says what is
# counted) and its peer, the same loops in PyTorch on the same GPU (bench/gpu/torch_peer.py), the
# two alternated twice. Needs nvcc and a GPU: `bash bench/gpu/run.sh [--quick]`. A prebuilt binary
# can be given with DMT_GPU_BENCH=path (the device machines have no Debian packages to build with).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${DMT_GPU_BENCH:-}
if [[ -z "$bin" ]]; then
  cmake --preset cuda >/dev/null
  cmake --build --preset cuda -j "$(nproc)" --target dmt_gpu_bench >/dev/null
  bin=build/cuda/bench/gpu/dmt_gpu_bench
fi
python=${PYTHON:-python3}
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader || true
for round in 1 2; do
  echo "--- round $round: dmt"
  "$bin" "$@"
  echo "--- round $round: PyTorch"
  "$python" bench/gpu/torch_peer.py "$@"
done
