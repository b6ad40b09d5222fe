#!/usr/bin/env bash
# dmt's OT kernels beside POT (Sinkhorn) and numpy (batched closed-form Gaussian OT), one thread,
# pinned to core 0, the two sides alternating; prints medians and ratios.
# Sinkhorn, N = 1000 and 2000: per iteration over k = 100 iterations (the difference of a 101- and a
# 1-iteration run, both sides), dmt's stored-kernel path (what `dmt ot sinkhorn` runs at these sizes)
# and its online log-domain path, beside POT's sinkhorn_log and sinkhorn_stabilized; dmt's k = 10
# rows too. N = 10 000: k = 2 for POT, 10 for dmt (online: the kernel would be 400 MB).
# Usage: bench/compare_ot.sh [rounds=3]   (needs the native preset built and python3-pot)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bench=./build/native/bench/dmt_bench
[[ -x $bench ]] || { echo "build the native preset first: cmake --build --preset native"; exit 1; }
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
py=/usr/bin/python3
declare -A res npy dg32 dg64
pot_ms() { taskset -c 0 $py bench/pot_sinkhorn.py "$@" | $py -c "import json,sys; print(json.load(sys.stdin)['ms_per_iteration'])"; }
for ((r = 0; r < rounds; r++)); do
  for n in 1000 2000 10000; do
    if ((n < 10000)); then
      res[$n,potlog]+=" $(pot_ms --n $n --iterations 100 --method log)"
      res[$n,potstab]+=" $(pot_ms --n $n --iterations 100 --method stabilized)"
    else
      res[$n,potlog]+=" $(pot_ms --n $n --iterations 2 --method log)"
    fi
    out=$(taskset -c 0 "$bench" --benchmark_filter="BM_SinkhornIteration/$n/3/" --benchmark_format=json 2>/dev/null)
    # name: BM_SinkhornIteration/N/d/float32/storage/k/manual_time
    for key in 1/0/10 0/0/10 1/1/10 0/1/10 1/1/100 0/1/100 1/0/100; do
      v=$(echo "$out" | $py -c "import json,sys; b=[b['real_time'] for b in json.load(sys.stdin)['benchmarks'] if '/'.join(b['name'].split('/')[3:6])=='$key']; print(b[0] if b else 'nan')")
      res[$n,$key]+=" $v"
    done
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
  for n in 1000 2000 10000; do
    for key in potlog potstab 1/0/10 0/0/10 1/1/10 0/1/10 1/1/100 0/1/100 1/0/100; do echo "S $n $key ${res[$n,$key]:-}"; done
  done
  for d in 2 4 8 16; do echo "G $d ${npy[$d]} | ${dg32[$d]} | ${dg64[$d]}"; done
} | $py -c "
import statistics as st, sys
exp_bound = float(sys.argv[1])
names = {'1/0/10': 'online f32, k = 10', '0/0/10': 'online f64, k = 10', '1/1/10': 'kernel f32, k = 10',
         '0/1/10': 'kernel f64, k = 10', '1/1/100': 'kernel f32, k = 100', '0/1/100': 'kernel f64, k = 100',
         '1/0/100': 'online f32, k = 100'}
S, G = {}, []
for line in sys.stdin:
    parts = line.split()
    if parts[0] == 'S':
        vals = [float(v) for v in parts[3:] if v != 'nan']
        S[(int(parts[1]), parts[2])] = st.median(vals) if vals else None
    else:
        G.append(line)
print(f'exp bound (the kernel exp alone, one per pair, BM_ExpBound): {exp_bound/1e9:.2f}e9 /s')
print('Sinkhorn, d = 3, reg 0.05, ms per iteration (an f- and a g-update, 2 N^2 pairs); x = POT sinkhorn_log / dmt')
for n in (1000, 2000, 10000):
    log, stab = S.get((n, 'potlog')), S.get((n, 'potstab'))
    head = f'N = {n:5d}: POT sinkhorn_log {log:8.2f}' + (f', sinkhorn_stabilized {stab:7.2f}' if stab else '')
    print(head)
    for key, name in names.items():
        v = S.get((n, key))
        if not v: continue
        extra = f', {stab / v:5.1f}x stabilized' if stab and '/1/' in key else ''
        rate = f', {2 * n * n / (v / 1e3) / 1e9:.2f}e9 pairs/s' if '/0/' in key and key.startswith('1') else ''
        print(f'    dmt {name:20s} {v:8.3f} ms ({log / v:6.1f}x{extra}{rate})')
print('closed-form Gaussian OT, 4096 pairs, cost + C | numpy us/pair | dmt f32 (x) | dmt f64 (x)')
for line in G:
    kind, key, rest = line.split(' ', 2)
    a, b, c = ([float(x) for x in part.split()] for part in rest.split('|'))
    ma, mb, mc = st.median(a), st.median(b), st.median(c)
    print(f'd = {key:2s} | {ma:7.2f} | {mb:6.3f} ({ma/mb:5.1f}x) | {mc:6.3f} ({ma/mc:5.1f}x)')
" "$exp_bound"
