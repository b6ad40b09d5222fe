#!/usr/bin/env bash
# `dmt fit`, `dmt select`, `dmt models`: the files a fit writes and what they hold, the metrics'
# settings with the model's defaults filled in, a config file equal to the flags, thread-count
# invariance, select's ranking, the listing, and every user-facing error (one line, exit 2, out/
# left empty).
# Usage: fit_cli.sh path/to/dmt
source "$(dirname "$0")/harness.sh" "$1"
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1
  shift
  if "$@" >check.txt 2>&1; then
    echo "ok   $name"; passes=$((passes + 1))
  else
    echo "FAIL $name"; cat check.txt; failures=$((failures + 1))
  fi
}
expect_error() {
  local name=$1 regex=$2
  shift 2
  rm -rf out && mkdir out
  "$DMT" "$@" >stdout.txt 2>stderr.txt
  local rc=$? lines leftovers
  lines=$(wc -l <stderr.txt)
  leftovers=$(ls -A out)
  if [[ $rc -ne 2 || $lines -ne 1 ]] || ! grep -Eq "^dmt: error: .*$regex" stderr.txt || [[ -n $leftovers ]]; then
    echo "FAIL $name: exit $rc, stderr:"; cat stderr.txt; echo "left: $leftovers"; failures=$((failures + 1)); return
  fi
  echo "ok   $name: $(cat stderr.txt)"
  passes=$((passes + 1))
}

# --- a BLR fit with three algorithms, the issue's command
"$DMT" fit --model blr_wisconsin --algorithm pgd,pqn,pmgd --particles 100 --steps 400 --step-size 0.01 --seed 1 \
  --out run --threads 1 2>/dev/null
check "fit writes every file" bash -c 'for a in pgd pqn pmgd; do test -s run/theta_$a.csv && test -s run/theta_$a.npy && test -s run/particles_$a.npy || exit 1; done; test -s run/metrics.json && test -s run/report.svg && ! ls run | grep -q tmp'
check "theta CSV has K + 1 rows and starts at theta0 = 0" /usr/bin/python3 -c '
import csv; rows = list(csv.reader(open("run/theta_pgd.csv")))
assert rows[0] == ["step", "prior_mean"], rows[0]
assert len(rows) == 402 and float(rows[1][1]) == 0.0, len(rows)'
check "NPY shapes" /usr/bin/python3 -c '
import numpy as np
t = np.load("run/theta_pqn.npy"); p = np.load("run/particles_pqn.npy")
assert t.shape == (401, 1) and t.dtype == np.float64, t.shape
assert p.shape == (100, 9), p.shape'
check "metrics echo settings, theta, test scores" /usr/bin/python3 -c '
import json; m = json.load(open("run/metrics.json"))
assert m["model"]["name"] == "blr_wisconsin" and m["model"]["parameters"]["prior_variance"] == 5
a = {x["name"]: x for x in m["algorithms"]}
assert set(a) == {"pgd", "pqn", "pmgd"}
s = a["pgd"]["settings"]; assert (s["particles"], s["steps"], s["step_size"], s["burn_in"], s["seed"]) == (100, 400, 0.01, 200, 1), s
for x in a.values():
    t = x["test"]; assert t["rows"] == 137 and -0.1 < t["lppd"] < -0.09 and 0 < t["error_pooled_predictive"] < 0.06, t
    assert 0.5 < x["theta_mean_after_burn_in"][0] < 1.5'
check "report.svg names every algorithm" bash -c 'grep -q ">pgd<" run/report.svg && grep -q ">pqn<" run/report.svg && grep -q ">pmgd<" run/report.svg'

# --- the same run from a config file, and with 2 threads: the same numbers
cat >fit.json <<'JSON'
{"model": {"name": "blr_wisconsin"}, "algorithms": ["pgd", "pqn", "pmgd"], "particles": 100, "steps": 400,
 "step_size": 0.01, "seed": 1, "out": "run_config", "threads": 2}
JSON
"$DMT" fit --config fit.json 2>/dev/null
check "config file and 2 threads give the flags' numbers" cmp run/theta_pmgd.csv run_config/theta_pmgd.csv
check "config file and 2 threads: particles" cmp run/particles_pgd.npy run_config/particles_pgd.npy

# --- defaults come from the model's reference experiment (toy: ParEM's h = 2/(2+D), N = 10, K = 300)
"$DMT" fit --model toy_hierarchical --algorithm pgd --out toy 2>/dev/null
check "toy defaults" /usr/bin/python3 -c '
import json; m = json.load(open("toy/metrics.json")); s = m["algorithms"][0]["settings"]
assert (s["particles"], s["steps"], s["burn_in"]) == (10, 300, 150) and abs(s["step_size"] - 2 / 102) < 1e-15, s
mle = m["model"]["theta_mle_exact"][0]; th = m["algorithms"][0]["theta_mean_after_burn_in"][0]
assert abs(th - mle) < 0.1, (th, mle)'

# --- JALA-EM: log Z beside the exact marginal; repeats give a spread
"$DMT" fit --model linear_gaussian --algorithm jala_em --repeats 3 --out lin 2>/dev/null
check "jala_em log Z, exact value and repeats" /usr/bin/python3 -c '
import json; a = json.load(open("lin/metrics.json"))["algorithms"][0]
assert abs(a["log_z"] - a["log_marginal_exact_at_theta_final"]) < 0.6, a
r = a["repeats"]["log_z"]; assert len(r["values"]) == 3 and r["sd"] < 0.6, r'

# --- select: Student-t data pick the Student-t model
"$DMT" select --models linear_gaussian,linear_student_t --model-param truth_noise=student_t --out select.json \
  >select.txt 2>/dev/null
check "select ranks the Student-t model first on Student-t data" /usr/bin/python3 -c '
import json; t = json.load(open("select.json"))
assert t[0]["model"] == "linear_student_t" and t[0]["rank"] == 1 and t[0]["log_z"] > t[1]["log_z"], t'
check "select prints a table" grep -q "^1 *linear_student_t" select.txt
"$DMT" select --models "linear_gaussian:design=polynomial:order=1,linear_gaussian:design=polynomial:order=2" \
  --model-param true_order=2 --model-param truth_noise_variance=7.5 --out order.json >/dev/null 2>&1
check "select takes per-candidate parameters" /usr/bin/python3 -c '
import json; t = json.load(open("order.json")); assert {r["model"] for r in t} == {"linear_gaussian:design=polynomial:order=1", "linear_gaussian:design=polynomial:order=2"}, t'

# --- the listing
check "models lists models and algorithms" bash -c '"$0" models | grep -q "^blr_wisconsin" && "$0" models | grep -q "^jala_em"' "$DMT"
check "models --json" bash -c '"$0" models --json | /usr/bin/python3 -c "
import json, sys; j = json.load(sys.stdin)
assert [m[\"name\"] for m in j[\"models\"]] == [\"toy_hierarchical\", \"blr_wisconsin\", \"linear_gaussian\", \"linear_student_t\"]
assert [a[\"name\"] for a in j[\"algorithms\"]] == [\"pgd\", \"pqn\", \"pmgd\", \"ipla\", \"soul\", \"jala_em\"]
assert j[\"algorithms\"][5][\"capabilities\"][\"log_z_estimate\"] is True"' "$DMT"

# --- bad input
expect_error "unknown model" "unknown model 'toy' \(known: toy_hierarchical" fit --model toy --algorithm pgd --out out/r
expect_error "unknown algorithm" "unknown algorithm 'em' \(known: pgd, pqn" fit --model toy_hierarchical --algorithm em --out out/r
expect_error "no model" "no model given" fit --algorithm pgd --out out/r
expect_error "no algorithm" "no algorithm given" fit --model toy_hierarchical --out out/r
expect_error "no out" "no output directory given" fit --model toy_hierarchical --algorithm pgd
expect_error "h <= 0" "step size must be positive" fit --model toy_hierarchical --algorithm pgd --step-size 0 --out out/r
expect_error "h NaN" "step size must be positive" fit --model toy_hierarchical --algorithm pgd --step-size nan --out out/r
expect_error "non-finite theta0" "parameter 'theta0' must be finite" fit --model toy_hierarchical --model-param theta0=inf --algorithm pgd --out out/r
expect_error "unknown model parameter" "unknown parameter 'depth' for model toy_hierarchical" fit --model toy_hierarchical --model-param depth=3 --algorithm pgd --out out/r
expect_error "unknown algorithm parameter" "unknown parameter 'lr' for algorithm pgd" fit --model toy_hierarchical --algorithm pgd --algorithm-param lr=1 --out out/r
expect_error "divergence names step and particle" "pmgd: particle 0 diverged at step [0-9]+" fit --model toy_hierarchical --algorithm pmgd --step-size 1.5 --steps 3000 --out out/r
expect_error "burn-in beyond steps" "burn-in must be in \[0, steps\]" fit --model toy_hierarchical --algorithm pgd --steps 10 --burn-in 11 --out out/r
expect_error "zero particles" "particles must be at least 1" fit --model toy_hierarchical --algorithm pgd --particles 0 --out out/r
expect_error "bad init" "init must be zero or posterior" fit --model toy_hierarchical --model-param init=prior --algorithm pgd --out out/r
expect_error "bad precision" "blr_wisconsin: precision must be float64 or float32 \(got 'half'\)" fit --model blr_wisconsin --model-param precision=half --algorithm pgd --out out/r
echo '{"model": "toy_hierarchical", "algorithm": "pgd", "stepsize": 1}' >out/bad.json
mv out/bad.json bad.json
expect_error "unknown config key" "fit config: unknown key 'stepsize'" fit --config bad.json --out out/r
echo '{"model": ' >malformed.json
expect_error "malformed config" "malformed JSON in 'malformed.json'" fit --config malformed.json --out out/r
expect_error "missing config" "cannot read config 'nope.json'" fit --config nope.json --out out/r
touch out_file
expect_error "out is a file" "--out 'out_file' exists and is not a directory" fit --model toy_hierarchical --algorithm pgd --out out_file
expect_error "select needs a weighted algorithm" "algorithm 'pgd' has none \(use jala_em\)" select --models linear_gaussian,linear_student_t --algorithm pgd
expect_error "select needs two candidates" "needs at least two candidates" select --models linear_gaussian
expect_error "select without a normalised start" "gives no log Z" select --models linear_gaussian,linear_student_t --model-param init=zero

summary
