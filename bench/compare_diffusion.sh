#!/usr/bin/env bash
# dmt against PyTorch on one TB training iteration of the gfn-diffusion policy on gmm25 (batch 300,
# T = 100, hidden 64, one thread), run side by side and alternating, pinned to core 0; prints each
# side's median ms/iteration, the ratio, the network GFLOP/s of dmt and both peak memories.
# Usage: bench/compare_diffusion.sh [rounds=5]
# Needs the native preset built (cmake --build --preset native) and python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
bench=./build/native/bench/dmt_bench
[[ -x $bench ]] || { echo "build the native preset first: cmake --build --preset native"; exit 1; }
dmt=() torch=() gflops=() dmt_mem=() torch_mem=()
for ((r = 0; r < rounds; r++)); do
  out=$(taskset -c 0 /usr/bin/time -f "%M" -o /tmp/dmt_mem.$$ "$bench" --benchmark_filter='BM_TrainTB/64/300/1' \
    --benchmark_min_time=3 --benchmark_format=json 2>/dev/null)
  dmt+=("$(echo "$out" | /usr/bin/python3 -c "import json,sys; b=json.load(sys.stdin)['benchmarks'][0]; print(b['real_time'])")")
  gflops+=("$(echo "$out" | /usr/bin/python3 -c "import json,sys; b=json.load(sys.stdin)['benchmarks'][0]; print(b['network_GFLOPs'])")")
  dmt_mem+=("$(cat /tmp/dmt_mem.$$)")
  t=$(taskset -c 0 /usr/bin/python3 bench/torch_diffusion.py --iterations 8 --threads 1)
  torch+=("$(echo "$t" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['ms_per_iteration'])")")
  torch_mem+=("$(echo "$t" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['peak_rss_mb'])")")
done
rm -f /tmp/dmt_mem.$$
/usr/bin/python3 - "${dmt[*]}" "${torch[*]}" "${gflops[*]}" "${dmt_mem[*]}" "${torch_mem[*]}" <<'PY'
import statistics, sys
d, t, g, dm, tm = (list(map(float, a.split())) for a in sys.argv[1:6])
md, mt = statistics.median(d), statistics.median(t)
print(f"TB iteration, gmm25, batch 300, T 100, hidden 64, 1 thread: dmt {md:.1f} ms, pytorch {mt:.0f} ms "
      f"(medians of {len(d)}), ratio {mt/md:.1f}x; dmt network {statistics.median(g):.1f} GFLOP/s; "
      f"peak RSS dmt {statistics.median(dm)/1024:.0f} MB (whole benchmark process), pytorch {statistics.median(tm):.0f} MB")
print(f"dmt runs {[round(x,1) for x in d]}, pytorch runs {[round(x) for x in t]}")
PY
