#!/usr/bin/env bash
# `dmt sample` happy paths: NPY readable by numpy with the right shape and dtype, metrics JSON
# with the documented keys, --config equal to the same flags, thread count not changing a bit,
# and the listing commands.
set -eu
DMT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }
checks=0

"$DMT" sample --target funnel --sampler mala --particles 1000 --steps 200 --step-size 0.05 --seed 1 \
  --threads 1 --out a.npy --metrics a.json
cat >cfg.json <<'JSON'
{"target": {"name": "funnel"}, "sampler": {"name": "mala", "step_size": 0.05}, "particles": 1000,
 "steps": 200, "seed": 1, "threads": 2, "out": "b.npy", "metrics": "b.json"}
JSON
"$DMT" sample --config cfg.json
cmp a.npy b.npy || fail "--config run differs from the flag run (or the thread count changed the samples)"
checks=$((checks + 1))
ls -A | grep -q tmp && fail "temporary files left behind: $(ls -A)"
touch plain
[[ $(stat -c %a a.npy) == $(stat -c %a plain) && $(stat -c %a a.json) == $(stat -c %a plain) ]] ||
  fail "outputs have mode $(stat -c %a a.npy), an ordinary new file $(stat -c %a plain)"
checks=$((checks + 1))

/usr/bin/python3 - <<'PY' || fail "numpy could not read the outputs as documented"
import json, numpy as np
x = np.load("a.npy")
assert x.shape == (1000, 10) and x.dtype == np.float32 and x.flags["C_CONTIGUOUS"], (x.shape, x.dtype)
assert np.isfinite(x).all()
m = json.load(open("a.json"))
for k in ["target", "sampler", "particles", "steps", "seed", "threads", "wall_time_s", "acceptance_rate",
          "final_step_size", "chain_ess_x0", "log_normaliser", "vs_exact"]:
    assert k in m, k
assert m["target"]["name"] == "funnel" and m["target"]["dim"] == 10 and m["sampler"]["name"] == "mala"
assert m["seed"] == 1 and m["particles"] == 1000 and m["steps"] == 200
# every sampler parameter echoed with the value used, the run-dependent default computed (steps / 2)
assert m["sampler"]["adapt_steps"] == 100 and m["sampler"]["target_accept"] == 0.574, m["sampler"]
assert sorted(m["sampler"]) == sorted(["name", "step_size", "init", "init_scale", "simd", "trace_particles",
                                       "adapt_steps", "target_accept"]), m["sampler"]
assert 0.3 < m["acceptance_rate"] < 0.8
for k in ["mean_error", "covariance_error", "sliced_w2", "mmd2_rbf", "energy_distance"]:
    assert k in m["vs_exact"], k
PY
checks=$((checks + 1))

# from the exact law every mode stays covered; a sampler that never moved would too, so the chains
# must also have accepted moves (adapted MALA: 0.3 to 0.9) and left their start (the same draw at 0 steps)
"$DMT" sample --target gmm25 --sampler mala --sampler-param init=exact --particles 2000 --steps 50 --metrics g.json --out g.npy
"$DMT" sample --target gmm25 --sampler mala --sampler-param init=exact --particles 2000 --steps 0 --out g0.npy --metrics g0.json
/usr/bin/python3 - <<'PY' || fail "gmm25 from exact init should cover all modes, and move"
import json, numpy as np
m = json.load(open("g.json"))
assert m["vs_exact"]["mode_coverage"] == 1.0, m
assert 0.3 < m["acceptance_rate"] < 0.9, m["acceptance_rate"]
moved = np.median(np.linalg.norm(np.load("g.npy") - np.load("g0.npy"), axis=1))
assert moved > 0.27, moved  # half a mode's sd, sqrt(0.3)
PY
checks=$((checks + 1))

# smc: weights next to the samples (OUT_weights.npy), log Z and its history in the metrics
"$DMT" sample --target gmm25 --sampler smc --sampler-param reference_scale=8 --particles 1000 --steps 40 --out smc.npy \
  --metrics smc.json || fail "dmt sample --sampler smc"
/usr/bin/python3 - <<'PY' || fail "smc outputs"
import json, numpy as np
m = json.load(open("smc.json"))
w = np.load("smc_weights.npy")
x = np.load("smc.npy")
assert w.shape == (1000, 1) and x.shape == (1000, 2), (w.shape, x.shape)
assert abs(w.sum() - 1) < 1e-4 and (w >= 0).all()
assert abs(m["ess"] - 1 / (w.astype(float) ** 2).sum()) < 1e-2 * m["ess"]
assert m["final_beta"] == 1 and m["temperatures"] >= 1 and len(m["ess_history"]) == 40
# gmm25 is normalised: log Z = 0 (1000 particles: a few hundredths)
assert abs(m["log_z"]) < 0.2 and m["log_z_error"] == m["log_z"], m["log_z"]
assert m["energy_evaluations"] == 1000 * (1 + 40 * 5), m["energy_evaluations"]  # 5 moves per step (default)
PY
checks=$((checks + 1))

# --repeats K: K independent runs on seeds SEED .. SEED+K-1; the first run's samples and log Z, the
# K log Z values (the second must equal a separate run with the next seed), their mean and the
# standard error of the mean (sample standard deviation / sqrt(K), recomputed here)
"$DMT" sample --target gmm25 --sampler smc --sampler-param reference_scale=8 --particles 500 --steps 20 --seed 7 \
  --repeats 4 --out rep.npy --metrics rep.json --threads 2 2>/dev/null || fail "dmt sample --repeats"
"$DMT" sample --target gmm25 --sampler smc --sampler-param reference_scale=8 --particles 500 --steps 20 --seed 8 \
  --metrics rep8.json --threads 1 2>/dev/null || fail "dmt sample --seed 8"
"$DMT" sample --target gmm25 --sampler smc --sampler-param reference_scale=8 --particles 500 --steps 20 --seed 7 \
  --out one.npy --metrics one.json --threads 1 2>/dev/null || fail "dmt sample --seed 7"
/usr/bin/python3 - <<'PY' || fail "--repeats metrics"
import json, numpy as np
m, m8, one = (json.load(open(f)) for f in ("rep.json", "rep8.json", "one.json"))
z = np.array(m["log_z_repeats"])
assert m["repeats"] == 4 and m["repeat_seeds"] == [7, 8, 9, 10], m["repeat_seeds"]
assert z[0] == m["log_z"] == one["log_z"] and z[1] == m8["log_z"], (z, m8["log_z"], one["log_z"])
assert len(set(z.tolist())) == 4
assert abs(m["log_z_mean"] - z.mean()) < 1e-12 and abs(m["log_z_mean_error"] - z.mean()) < 1e-12
assert abs(m["log_z_standard_error"] - z.std(ddof=1) / 2) < 1e-12, (m["log_z_standard_error"], z.std(ddof=1) / 2)
assert m["energy_evaluations_all_repeats"] == 4 * m["energy_evaluations"]
assert (np.load("rep.npy") == np.load("one.npy")).all()
PY
checks=$((checks + 1))

# pnais on the box-truncated Gaussian: weights beside the samples, every sample inside the box,
# log Z near the exact -1.0397 (2000 particles x 20 iterations: standard error about 0.007)
"$DMT" sample --target box_gaussian --sampler pnais --particles 2000 --steps 20 --out pn.npy --metrics pn.json \
  --threads 2 2>/dev/null || fail "dmt sample --sampler pnais"
/usr/bin/python3 - <<'PY' || fail "pnais outputs"
import json, numpy as np
m, x, w = json.load(open("pn.json")), np.load("pn.npy"), np.load("pn_weights.npy")
assert x.shape == (2000, 2) and w.shape == (2000, 1) and abs(w.sum() - 1) < 1e-4
inside = ((x >= 0) & (x <= 1.5)).all(axis=1)
assert (w[~inside] == 0).all() and inside.sum() > 500, inside.sum()
assert abs(m["log_z"] - m["log_normaliser"]) < 0.05 and abs(m["log_normaliser"] + 1.03966) < 1e-4, m["log_z"]
PY
checks=$((checks + 1))

"$DMT" targets | grep -q '^lgcp ' || fail "dmt targets does not list lgcp"
"$DMT" samplers | grep -q '^skrock ' || fail "dmt samplers does not list skrock"
"$DMT" samplers | grep -q '^smc ' || fail "dmt samplers does not list smc"
"$DMT" targets --json | /usr/bin/python3 -c "import json,sys; d = json.load(sys.stdin); assert len(d) == 14" \
  || fail "dmt targets --json"
checks=$((checks + 1))
# a progress bar with ETA on a terminal (script(1) provides one), none when stderr is a file
script -qec "'$DMT' sample --target gmm25 --sampler ula --particles 2000 --steps 200 --metrics p.json" /dev/null \
  >tty.txt 2>&1 || fail "dmt sample under script(1) failed"
grep -q 'ETA' tty.txt || fail "no progress bar on a terminal: $(head -c 300 tty.txt)"
"$DMT" sample --target gmm25 --sampler ula --particles 2000 --steps 300 --metrics q.json 2>err.txt
# (ula's defaults miss gmm25's modes, which dmt now says in warnings: only those lines may appear)
[[ -z $(grep -v '^dmt: warning: ' err.txt) ]] || fail "stderr is not a terminal, yet dmt wrote: $(head -c 300 err.txt)"
checks=$((checks + 1))
echo "$checks passed, 0 failed"
