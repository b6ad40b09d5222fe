#!/usr/bin/env bash
# dmt's OT kernels beside POT (log-domain Sinkhorn) and numpy (batched closed-form Gaussian OT),
# one thread, pinned to core 0, the two sides alternating; prints medians and ratios.
# Usage: bench/compare_ot.sh [rounds=3]   (needs the native preset built and python3-pot)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bench=./build/native/bench/dmt_bench
[[ -x $bench ]] || { echo "build the native preset first: cmake --build --preset native"; exit 1; }
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
py=/usr/bin/python3
declare -A dmt32 dmt64 pot npy dg32 dg64
for ((r = 0; r < rounds; r++)); do
  for n in 1000 2000 10000; do
    its=$((n >= 10000 ? 2 : 10))
    pot[$n]+=" $(taskset -c 0 $py bench/pot_sinkhorn.py --n $n --iterations $its | $py -c "import json,sys; print(json.load(sys.stdin)['ms_per_iteration'])")"
    out=$(taskset -c 0 "$bench" --benchmark_filter="BM_SinkhornIteration/$n/3/" --benchmark_format=json 2>/dev/null)
    dmt32[$n]+=" $(echo "$out" | $py -c "import json,sys; print([b['real_time'] for b in json.load(sys.stdin)['benchmarks'] if b['name'].split('/')[3]=='1'][0])")"
    dmt64[$n]+=" $(echo "$out" | $py -c "import json,sys; b=[b['real_time'] for b in json.load(sys.stdin)['benchmarks'] if b['name'].split('/')[3]=='0']; print(b[0] if b else 'nan')")"
  done
  for d in 2 4 8 16; do
    npy[$d]+=" $(taskset -c 0 $py bench/numpy_gaussian_ot.py --d $d | $py -c "import json,sys; print(json.load(sys.stdin)['us_per_pair'])")"
    out=$(taskset -c 0 "$bench" --benchmark_filter="BM_GaussianOtBatch/$d/" --benchmark_format=json 2>/dev/null)
    dg64[$d]+=" $(echo "$out" | $py -c "import json,sys; print([b['us_per_pair'] for b in json.load(sys.stdin)['benchmarks'] if b['name'].endswith('/0')][0])")"
    dg32[$d]+=" $(echo "$out" | $py -c "import json,sys; print([b['us_per_pair'] for b in json.load(sys.stdin)['benchmarks'] if b['name'].endswith('/1')][0])")"
  done
done
exp_bound=$(taskset -c 0 "$bench" --benchmark_filter=BM_ExpBound --benchmark_format=json 2>/dev/null | $py -c "import json,sys; print(json.load(sys.stdin)['benchmarks'][0]['exp_per_s'])")
{
  for n in 1000 2000 10000; do echo "S $n ${pot[$n]} | ${dmt32[$n]} | ${dmt64[$n]}"; done
  for d in 2 4 8 16; do echo "G $d ${npy[$d]} | ${dg32[$d]} | ${dg64[$d]}"; done
} | $py -c "
import statistics as st, sys
exp_bound = float(sys.argv[1])
print(f'exp bound (the kernel exp alone, one per pair, BM_ExpBound): {exp_bound/1e9:.2f}e9 /s')
print('Sinkhorn iteration (2 N^2 pairs), d = 3, reg 0.05 | POT ms | dmt f32 ms (x POT, pairs/s, of exp bound) | dmt f64 ms (x POT)')
for line in sys.stdin:
    kind, key, rest = line.split(' ', 2)
    a, b, c = ([float(x) for x in part.split() if x != 'nan'] for part in rest.split('|'))
    ma, mb, mc = st.median(a), st.median(b), (st.median(c) if c else float('nan'))
    if kind == 'S':
        n = int(key); rate = 2 * n * n / (mb / 1e3)
        print(f'N = {n:6d} | {ma:8.1f} | {mb:7.2f} ({ma/mb:5.1f}x, {rate/1e9:.2f}e9/s, {rate/exp_bound:.0%}) | {mc:7.2f} ({ma/mc:5.1f}x)')
    else:
        if key == '2': print('closed-form Gaussian OT, 4096 pairs, cost + C | numpy us/pair | dmt f32 (x) | dmt f64 (x)')
        print(f'd = {key:2s} | {ma:7.2f} | {mb:6.3f} ({ma/mb:5.1f}x) | {mc:6.3f} ({ma/mc:5.1f}x)')
" "$exp_bound"
