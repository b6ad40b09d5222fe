#!/usr/bin/env bash
# WebAssembly (node, SIMD128) against native SSE2 and native -march=native builds of the same
# kernels (bench/kernels/kernel_times.cpp): ULA on manywell-32, the width-64 network forward +
# backward, a Sinkhorn half-iteration. One core (taskset -c 0), the three sides alternated, ROUNDS
# rounds (default 3), medians; ratios = native time / wasm time (the goal: wasm >= 0.6x SSE2).
# Usage: bench/wasm_vs_native.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
export NODE_PATH=/usr/share/nodejs
cmake --preset native >/dev/null && cmake --build build/native -j "$(nproc)" --target dmt_kernel_times >/dev/null
cmake --preset wasm >/dev/null && cmake --build build/wasm -j "$(nproc)" --target dmt_kernel_times >/dev/null
cmake -S . -B build/native-sse2 -DCMAKE_BUILD_TYPE=Release -DDMT_NATIVE_ARCH=OFF -DDMT_CUDA=OFF -DDMT_BUILD_TESTS=OFF \
  -DDMT_BUILD_BENCH=OFF >/dev/null
cmake --build build/native-sse2 -j "$(nproc)" --target dmt_kernel_times >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  taskset -c 0 node --no-experimental-fetch build/wasm/bench/kernels/dmt_kernel_times.js > "$out/wasm.$r.json"
  taskset -c 0 build/native-sse2/bench/kernels/dmt_kernel_times > "$out/sse2.$r.json"
  taskset -c 0 build/native/bench/kernels/dmt_kernel_times > "$out/best.$r.json"
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
runs = {k: [json.load(open(f"{out}/{k}.{r}.json")) for r in range(1, rounds + 1)] for k in ("wasm", "sse2", "best")}
med = lambda k, key: statistics.median(j[key] for j in runs[k])
lanes = {k: runs[k][0]["simd_lanes"] for k in runs}
print(f"float lanes: wasm {lanes['wasm']}, native SSE2 {lanes['sse2']}, native best {lanes['best']}; {rounds} rounds, medians")
print(f"{'kernel':44s} {'wasm':>10s} {'SSE2':>10s} {'best':>10s} {'wasm/SSE2 speed':>16s} {'wasm/best speed':>16s}")
for key, name in [("ula_manywell32_ns_per_particle_step", "ULA manywell-32 (ns / particle-step)"),
                  ("mlp64_fwd_bwd_ns_per_column", "network width 64 fwd+bwd (ns / column)"),
                  ("sinkhorn_half_iteration_ms", "Sinkhorn 2000x2000 f32 half-iteration (ms)")]:
    w, s, b = med("wasm", key), med("sse2", key), med("best", key)
    print(f"{name:44s} {w:10.3f} {s:10.3f} {b:10.3f} {s / w:16.2f} {b / w:16.2f}")
PY
