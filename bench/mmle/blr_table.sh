#!/usr/bin/env bash
# ParEM's Table 1 (Kuntz, Lim & Johansen 2023) with dmt fit: the Wisconsin logistic regression, N = 100,
# K = 400, h = 1e-2, theta_0 = 0, X_0 = 0, 100 runs per algorithm (seeds 1..100). Test LPPD and errors
# from the clouds of steps 200..400 pooled; the stationary variance of theta (variance of theta_200..400)
# after ParEM's warm start (400 steps of single-particle PMGD, one warm start shared by the 100 runs;
# WARM_SEEDS of them, default "1 2", since that one point decides PGD's and PQN's values).
# Usage: bash bench/mmle/blr_table.sh   (needs the native preset built)
set -euo pipefail
cd "$(dirname "$0")/../.."
dmt=./build/native/native/dmt
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf "%-8s %-22s %-22s %-22s %s\n" algorithm "test LPPD" "error (pooled)" "error (per particle)" "wall s / run"
for a in pgd pqn pmgd soul ipla jala_em; do
  "$dmt" fit --model blr_wisconsin --algorithm $a --repeats 100 --threads 1 --out "$out/$a" 2>/dev/null
  /usr/bin/python3 - "$out/$a/metrics.json" "$a" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["algorithms"][0]; r = a["repeats"]
f = lambda k: f'{r[k]["mean"]:.5f} +- {r[k]["sd"]:.5f}'
print(f'{sys.argv[2]:<8} {f("test_lppd"):<22} {f("test_error_pooled_predictive"):<22} {f("test_error_per_particle"):<22} {a["wall_time_s"] / 100:.3f}')
PY
done
for s in ${WARM_SEEDS:-1 2}; do
  printf "stationary variance of theta, warm start seed %s:" "$s"
  for a in pgd pqn pmgd soul; do
    "$dmt" fit --model blr_wisconsin --algorithm $a --warm-start 400 --repeats 100 --seed "$s" --threads 1 \
      --out "$out/w$a" 2>/dev/null
    /usr/bin/python3 -c "
import json; r = json.load(open('$out/w$a/metrics.json'))['algorithms'][0]['repeats']['theta_variance_after_burn_in']['prior_mean']
print(f'  $a {r[\"mean\"]:.3g} +- {r[\"sd\"]:.2g}', end='')"
  done
  echo
done
