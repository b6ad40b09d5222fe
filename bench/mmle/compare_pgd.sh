#!/usr/bin/env bash
# PGD on the Wisconsin logistic regression: `dmt fit` against numpy, one pinned core (taskset -c 0, one
# thread everywhere: OPENBLAS_NUM_THREADS=1), alternating, ROUNDS rounds; medians and ratios of
# particle-steps per second. Peers (bench/mmle/numpy_pgd_blr.py): ParEM's own pgd() executed from its
# notebook (NOTEBOOK: jax/bayesian_logistic_regression.ipynb of a fetched github:juankuntz/ParEM, e.g.
# `git -C /work/.mirror/juankuntz+ParEM/repo show HEAD:jax/bayesian_logistic_regression.ipynb > nb.ipynb`),
# and the same loop vectorised without ParEM's history (numpy "lean"), each in float64 (ParEM's
# precision) and, as a second pair, dmt's precision=float32 against numpy lean in float32. dmt's time
# is the fit's own wall time from metrics.json (burn-in = K: the test predictions are computed once,
# on the last cloud).
# Usage: bash bench/mmle/compare_pgd.sh NOTEBOOK [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
nb=$1
rounds=${2:-5}
dmt=./build/native/native/dmt
data=data/breast_cancer_wisconsin_original.csv
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1
for spec in 100:400 10000:40; do
  n=${spec%:*} k=${spec#*:}
  d=() f=() l=() s=() p=()
  for ((r = 0; r < rounds; r++)); do
    for prec in float64 float32; do
      taskset -c 0 "$dmt" fit --model blr_wisconsin --model-param precision=$prec --algorithm pgd --particles "$n" \
        --steps "$k" --burn-in "$k" --threads 1 --seed $((r + 1)) --out "$out/d" 2>/dev/null
      t=$(/usr/bin/python3 -c "import json; print(json.load(open('$out/d/metrics.json'))['algorithms'][0]['wall_time_s'])")
      if [[ $prec == float64 ]]; then d+=("$t"); else f+=("$t"); fi
    done
    for dt in float64 float32; do
      t=$(taskset -c 0 /usr/bin/python3 bench/mmle/numpy_pgd_blr.py --data $data --which lean --dtype $dt --particles "$n" --steps "$k" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['wall_time_s'])")
      if [[ $dt == float64 ]]; then l+=("$t"); else s+=("$t"); fi
    done
    p+=("$(taskset -c 0 /usr/bin/python3 bench/mmle/numpy_pgd_blr.py --data $data --notebook "$nb" --which parem --particles "$n" --steps "$k" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['wall_time_s'])")")
  done
  /usr/bin/python3 - "$n" "$k" "${d[*]}" "${f[*]}" "${l[*]}" "${s[*]}" "${p[*]}" <<'PY'
import statistics, sys
n, k = int(sys.argv[1]), int(sys.argv[2])
d, f, l, s, p = (list(map(float, a.split())) for a in sys.argv[3:8])
med = statistics.median
rate = lambda t: n * k / med(t)
print(f"N = {n}, K = {k} (medians of {len(d)}): particle-steps/s")
print(f"  float64: dmt {rate(d):.3g}, numpy lean {rate(l):.3g}, ParEM's pgd {rate(p):.3g}; "
      f"dmt / lean {med(l) / med(d):.1f}x, dmt / ParEM {med(p) / med(d):.1f}x")
print(f"  float32: dmt {rate(f):.3g}, numpy lean {rate(s):.3g}; dmt / lean {med(s) / med(f):.1f}x "
      f"(dmt float32 / numpy lean float64 {med(l) / med(f):.1f}x)")
print(f"  dmt64 s {d}\n  dmt32 s {f}\n  lean64 s {l}\n  lean32 s {s}\n  ParEM s {p}")
PY
done
