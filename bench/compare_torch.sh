#!/usr/bin/env bash
# dmt against vectorised PyTorch on the same ULA / MALA loops (manywell-32, 1e5 particles), run
# side by side and alternating, pinned to the same cores; prints each side's median particle-steps/s
# and the ratio. Usage: bench/compare_torch.sh [rounds=5] [threads=1]
# Needs the native preset built (cmake --build --preset native) and python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
threads=${2:-1}
cores=0
[[ $threads -ge 2 ]] && cores=0-$((threads - 1))
bench=./build/native/bench/dmt_bench
[[ -x $bench ]] || { echo "build the native preset first: cmake --build --preset native"; exit 1; }
for sampler in ula mala; do
  dmt=() torch=()
  for ((r = 0; r < rounds; r++)); do
    d=$(taskset -c "$cores" "$bench" --benchmark_filter="BM_Sampler/${sampler}_manywell32/${threads}/" \
      --benchmark_min_time=1 --benchmark_format=json 2>/dev/null |
      /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['benchmarks'][0]['particle_steps_per_s'])")
    t=$(taskset -c "$cores" /usr/bin/python3 bench/torch_langevin.py --sampler "$sampler" --particles 100000 \
      --steps 30 --threads "$threads" |
      /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['particle_steps_per_s'])")
    dmt+=("$d") torch+=("$t")
  done
  /usr/bin/python3 - "$sampler" "$threads" "${dmt[*]}" "${torch[*]}" <<'PY'
import statistics, sys
sampler, threads, d, t = sys.argv[1], sys.argv[2], list(map(float, sys.argv[3].split())), list(map(float, sys.argv[4].split()))
md, mt = statistics.median(d), statistics.median(t)
print(f"{sampler:4s} manywell-32, 1e5 particles, {threads} thread(s): dmt {md/1e6:.2f}M  pytorch {mt/1e6:.2f}M "
      f"particle-steps/s (medians of {len(d)}), ratio {md/mt:.1f}x;  dmt runs {[round(x/1e6,2) for x in d]}, "
      f"pytorch runs {[round(x/1e6,2) for x in t]}")
PY
done
