#!/usr/bin/env bash
# PGD on the Wisconsin logistic regression: `dmt fit` against numpy, one pinned core (taskset -c 0, one
# thread everywhere: OPENBLAS_NUM_THREADS=1), alternating, ROUNDS rounds; medians and ratios of
# particle-steps per second. Peers (bench/mmle/numpy_pgd_blr.py): ParEM's own pgd() executed from its
# notebook (NOTEBOOK: jax/bayesian_logistic_regression.ipynb of a fetched github:juankuntz/ParEM, e.g.
# `git -C /work/.mirror/juankuntz+ParEM/repo show HEAD:jax/bayesian_logistic_regression.ipynb > nb.ipynb`),
# and the same loop vectorised without ParEM's history (numpy "lean"). dmt's time is the fit's own wall
# time from metrics.json (burn-in = K: the test predictions are computed once, on the last cloud).
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
  d=() l=() p=()
  for ((r = 0; r < rounds; r++)); do
    taskset -c 0 "$dmt" fit --model blr_wisconsin --algorithm pgd --particles "$n" --steps "$k" --burn-in "$k" \
      --threads 1 --seed $((r + 1)) --out "$out/d" 2>/dev/null
    d+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/d/metrics.json'))['algorithms'][0]['wall_time_s'])")")
    l+=("$(taskset -c 0 /usr/bin/python3 bench/mmle/numpy_pgd_blr.py --data $data --which lean --particles "$n" --steps "$k" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['wall_time_s'])")")
    p+=("$(taskset -c 0 /usr/bin/python3 bench/mmle/numpy_pgd_blr.py --data $data --notebook "$nb" --which parem --particles "$n" --steps "$k" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['wall_time_s'])")")
  done
  /usr/bin/python3 - "$n" "$k" "${d[*]}" "${l[*]}" "${p[*]}" <<'PY'
import statistics, sys
n, k = int(sys.argv[1]), int(sys.argv[2])
d, l, p = (list(map(float, a.split())) for a in sys.argv[3:6])
rate = lambda t: n * k / statistics.median(t)
print(f"N = {n}, K = {k}: particle-steps/s dmt {rate(d):.3g}, numpy lean {rate(l):.3g}, ParEM's pgd {rate(p):.3g}; "
      f"dmt / lean {statistics.median(l) / statistics.median(d):.1f}x, dmt / ParEM {statistics.median(p) / statistics.median(d):.1f}x "
      f"(medians of {len(d)})")
print(f"  dmt s {d}\n  lean s {l}\n  ParEM s {p}")
PY
done
