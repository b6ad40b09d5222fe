#!/usr/bin/env bash
# `dmt ot`: outputs against independent numpy computations (ALGORITHMS.md 6 formulas written
# out here), file formats, and every user-facing error (one line, exit 2, nothing left in out/).
# Usage: ot_cli.sh path/to/dmt
source "$(dirname "$0")/harness.sh" "$1"
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1
  shift
  if "$@" >check.txt 2>&1; then
    echo "ok   $name $(tr '\n' ' ' <check.txt)"; passes=$((passes + 1))
  else
    echo "FAIL $name: $(cat check.txt)"; failures=$((failures + 1))
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
  if [[ $rc -ne 2 ]]; then echo "FAIL $name: exit code $rc, expected 2 ($(cat stderr.txt))"; failures=$((failures + 1)); return; fi
  if [[ $lines -ne 1 ]]; then echo "FAIL $name: $lines stderr lines:"; cat stderr.txt; failures=$((failures + 1)); return; fi
  if ! grep -Eq "^dmt: error: .*$regex" stderr.txt; then
    echo "FAIL $name: message '$(cat stderr.txt)' does not match '$regex'"; failures=$((failures + 1)); return
  fi
  if [[ -n $leftovers ]]; then echo "FAIL $name: left behind: $leftovers"; failures=$((failures + 1)); return; fi
  echo "ok   $name: $(cat stderr.txt)"
  passes=$((passes + 1))
}

cat >a.json <<'J'
{"mean": [0.5, -1.0, 2.0], "cov": [[1.0, 0.3, 0.1], [0.3, 0.8, -0.2], [0.1, -0.2, 1.5]]}
J
cat >b.json <<'J'
{"mean": [1.0, 0.0, -1.0], "cov": [[0.6, 0.1, 0.0], [0.1, 1.2, 0.3], [0.0, 0.3, 0.9]]}
J
"$DMT" ot gaussian --a a.json --b b.json --reg 0.5 --iterations 500 >g.json
check "gaussian closed form vs numpy" $PY - <<'PY'
import json, numpy as np
def sq(m):
    w, v = np.linalg.eigh(m); return v @ np.diag(np.sqrt(np.maximum(w, 0))) @ v.T
a, b, out = json.load(open("a.json")), json.load(open("b.json")), json.load(open("g.json"))
A, B = np.array(a["cov"]), np.array(b["cov"]); ma, mb = np.array(a["mean"]), np.array(b["mean"])
s = np.sqrt(0.5 / 2); d = 3
Ah = sq(A); D = sq(4 * Ah @ B @ Ah + s**4 * np.eye(d))
C = 0.5 * Ah @ D @ np.linalg.inv(Ah) - s**2 / 2 * np.eye(d)
ot = np.sum((ma - mb)**2) + np.trace(A) + np.trace(B) - np.trace(D) + d * s**2 * (1 - np.log(2 * s**2)) \
     + s**2 * np.log(np.linalg.det(D + s**2 * np.eye(d)))
w2 = np.sum((ma - mb)**2) + np.trace(A) + np.trace(B) - 2 * np.trace(sq(Ah @ B @ Ah))
assert abs(out["cost"] - ot) < 1e-10, (out["cost"], ot)
assert np.abs(np.array(out["cross_covariance"]) - C).max() < 1e-10
assert np.abs(np.array(out["map"]["matrix"]) - C.T @ np.linalg.inv(A)).max() < 1e-10
assert abs(out["bures"]["w2_squared"] - w2) < 1e-10
assert out["ipf"]["converged"] and np.abs(np.array(out["ipf"]["cross_covariance"]) - C).max() < 1e-10
print("cost", out["cost"], "W2^2", w2, "IPF sweeps", len(out["ipf"]["iterates"]))
PY
"$DMT" ot bridge --a a.json --b b.json --reg 0.5 --times 0,0.3,1 --paths 20000 --seed 3 --out paths.npy >br.json
check "bridge paths: shape, end points, t = 0.3 covariance within 5 standard errors" $PY - <<'PY'
import json, numpy as np
p, out = np.load("paths.npy"), json.load(open("br.json"))
assert p.shape == (20000, 3, 3) and p.dtype == np.float64, p.shape
m = out["marginals"][1]; assert m["t"] == 0.3
emp = np.cov(p[:, 1, :].T)
cov = np.array(m["cov"])
se = np.sqrt((cov**2 + np.outer(np.diag(cov), np.diag(cov))) / 20000)  # Wishart entry standard errors
assert np.all(np.abs(emp - cov) < 5 * se), (emp, cov)
assert np.abs(p[:, 0, :].mean(0) - [0.5, -1, 2]).max() < 5 * np.sqrt(1.5 / 20000)
print("max |emp - exact| / se at t = 0.3:", float(np.max(np.abs(emp - cov) / se)))
PY
$PY - <<'PY'
import numpy as np
r = np.random.default_rng(5)
np.save("x.npy", r.normal(size=(60, 2)))
np.save("y.npy", (r.normal(size=(45, 2)) * 0.7 + 1).astype(np.float32))
w = r.uniform(0.5, 1, 60); np.save("wa.npy", w / w.sum()); np.save("wbad.npy", w)
np.save("x3.npy", r.normal(size=(10, 3)))
x = r.normal(size=(60, 2)); x[7, 1] = np.nan; np.save("xnan.npy", x)
np.save("empty.npy", np.zeros((0, 2)))
np.save("ints.npy", np.zeros((4, 2), np.int64))
PY
"$DMT" ot sinkhorn --x x.npy --y y.npy --a wa.npy --reg 0.3 --tolerance 1e-12 --plan --out plan.npy >s.json
check "sinkhorn plan vs numpy Sinkhorn-Knopp" $PY - <<'PY'
import json, numpy as np
x, y, a = np.load("x.npy"), np.load("y.npy").astype(np.float64), np.load("wa.npy")
b = np.full(45, 1 / 45)
K = np.exp(-((x[:, None, :] - y[None, :, :])**2).sum(-1) / 0.3)
u, v = np.ones(60), np.ones(45)
for _ in range(5000):
    u = a / (K @ v); v = b / (K.T @ u)
P = u[:, None] * K * v[None, :]
out, Q = json.load(open("s.json")), np.load("plan.npy")
M = ((x[:, None, :] - y[None, :, :])**2).sum(-1)
assert Q.shape == (60, 45) and np.abs(Q - P).max() < 1e-12, np.abs(Q - P).max()
assert abs(out["transport"] - (P * M).sum()) < 1e-10
assert abs(out["cost"] - ((P * M).sum() + 0.3 * (P * np.log(P / np.outer(a, b))).sum())) < 1e-10
print("cost", out["cost"], "iterations", out["iterations"])
PY
"$DMT" ot sinkhorn --x x.npy --y y.npy --reg 0.3 --out fg.npy --threads 1 >s1.json
"$DMT" ot sinkhorn --x x.npy --y y.npy --reg 0.3 --out fg2.npy --threads 2 --divergence >s2.json
check "potentials file, thread independence, divergence" $PY - <<'PY'
import json, numpy as np
f1, f2 = np.load("fg.npy"), np.load("fg2.npy")
assert f1.shape == (105, 1) and np.array_equal(f1, f2)
s2 = json.load(open("s2.json"))
assert abs(s2["divergence"] - (s2["ot_xy"] - 0.5 * (s2["ot_xx"] + s2["ot_yy"]))) < 1e-12 and s2["divergence"] > 0
print("divergence", s2["divergence"])
PY
"$DMT" ot sinkhorn --x x.npy --y y.npy --reg 0.01 --iterations 30 --tolerance 0 --out fp.npy >p1.json
"$DMT" ot sinkhorn --x x.npy --y y.npy --reg 0.01 --iterations 30 --tolerance 0 --out fnp.npy --no-prune >p2.json
check "--no-prune: the same potentials, every pair evaluated" $PY - <<'PY'
import json, numpy as np
p1, p2 = json.load(open("p1.json")), json.load(open("p2.json"))
assert p2["evaluated_pairs"] == 1.0 and 0 < p1["evaluated_pairs"] <= 1, (p1["evaluated_pairs"], p2["evaluated_pairs"])
assert np.abs(np.load("fp.npy") - np.load("fnp.npy")).max() < 1e-12
print("evaluated", p1["evaluated_pairs"])
PY
"$DMT" ot sinkhorn --x x.npy --y y.npy --reg 0.01 --iterations 30 --tolerance 0 --out fk.npy --storage kernel >k1.json
"$DMT" ot sinkhorn --x x.npy --y y.npy --reg 0.01 --iterations 30 --tolerance 0 --out fo.npy --storage online >k2.json
check "--storage kernel / online: the same potentials" $PY - <<'PY'
import json, numpy as np
k1, k2 = json.load(open("k1.json")), json.load(open("k2.json"))
assert k1["stored_kernel"] and k1["kernel_iterations"] == 29, k1
assert not k2["stored_kernel"] and k2["kernel_iterations"] == 0, k2
d = np.abs(np.load("fk.npy") - np.load("fo.npy")).max()
assert d < 1e-11, d
print("max |difference|", d)
PY
expect_error "sinkhorn: unknown storage" "--storage must be auto, kernel or online \\(got 'disk'\\)" ot sinkhorn --x x.npy --y y.npy --reg 0.1 --storage disk --out out/f.npy

echo '[{"mean": [0], "cov": [[1]]}, {"mean": [1, 2], "cov": [[1, 0.2], [0.2, 2]]}]' >batch_a.json
echo '[{"mean": [1], "cov": [[2]]}, {"mean": [0, 0], "cov": [[1, 0], [0, 1]]}]' >batch_b.json
echo '[{"mean": [0.5], "cov": [[1.5]]}, {"mean": [1], "cov": [[0.3]]}, {"mean": [-2], "cov": [[4]]}]' >b1.json
echo '[{"mean": [0], "cov": [[1]]}, {"mean": [0], "cov": [[2]]}, {"mean": [1], "cov": [[1]]}]' >b2.json
"$DMT" ot gaussian --a b1.json --b b2.json --reg 0.5 >batch.json
check "batched gaussian vs the 1-D formula" $PY - <<'PY'
import json, numpy as np
a, b, out = json.load(open("b1.json")), json.load(open("b2.json")), json.load(open("batch.json"))
s2 = 0.25
for p, (ga, gb) in enumerate(zip(a, b)):
    A, B = ga["cov"][0][0], gb["cov"][0][0]
    D = np.sqrt(4 * A * B + s2**2)
    ot = (ga["mean"][0] - gb["mean"][0])**2 + A + B - D + s2 * (1 - np.log(2 * s2)) + s2 * np.log(D + s2)
    assert abs(out["costs"][p] - ot) < 1e-12, (p, out["costs"][p], ot)
print("costs", out["costs"])
PY
echo '{"weights": [1.0], "components": [{"mean": [0.5, -1.0], "cov": [[1.0, 0.3], [0.3, 0.8]]}]}' >m1.json
echo '{"weights": [1.0], "components": [{"mean": [1.0, 0.0], "cov": [[0.6, 0.1], [0.1, 1.2]]}]}' >m2.json
echo '{"mean": [0.5, -1.0], "cov": [[1.0, 0.3], [0.3, 0.8]]}' >g1.json
echo '{"mean": [1.0, 0.0], "cov": [[0.6, 0.1], [0.1, 1.2]]}' >g2.json
"$DMT" ot mixture --a m1.json --b m2.json --reg 0.5 --nodes 32 --tolerance 1e-12 >mix.json
"$DMT" ot gaussian --a g1.json --b g2.json --reg 0.5 >mixg.json
check "one-component mixture by quadrature = Gaussian closed form" $PY - <<'PY'
import json
m, g = json.load(open("mix.json")), json.load(open("mixg.json"))
assert abs(m["cost"] - g["cost"]) < 1e-6 and 0 < m["contraction"] < 1, (m["cost"], g["cost"], m["contraction"])
print("mixture", m["cost"], "closed form", g["cost"], "contraction", m["contraction"])
PY
echo '{"weights": [0.5, 0.6], "components": [{"mean": [0], "cov": [[1]]}, {"mean": [1], "cov": [[1]]}]}' >mbad.json
expect_error "mixture: weights" "'mbad.json': the weights sum to 1.1" ot mixture --a mbad.json --b mbad.json --reg 0.5 --nodes 8
expect_error "mixture: both discretisations" "give exactly one of --nodes and --samples" ot mixture --a m1.json --b m2.json --reg 0.5 --nodes 8 --samples 100
echo '{"kde": {"points": [[0, 0], [1]], "bandwidth": 0.5}}' >kbad.json
expect_error "mixture: ragged KDE" "'kbad.json': KDE points must all have the same dimension" ot mixture --a kbad.json --b m2.json --reg 0.5 --nodes 8
expect_error "gaussian: batch of mixed dimensions" "pair 1 of the batch has a different dimension" ot gaussian --a batch_a.json --b batch_b.json --reg 0.5
expect_error "gaussian: missing file" "cannot read 'nosuch.json'" ot gaussian --a nosuch.json --b b.json --reg 0.5
printf '{"mean": [1, 2' >broken.json
expect_error "gaussian: malformed JSON" "'broken.json' is not valid JSON" ot gaussian --a broken.json --b b.json --reg 0.5
echo '{"mean": [0, 0], "cov": [[1, 0.5], [0.2, 1]]}' >asym.json
expect_error "gaussian: non-symmetric covariance" "'asym.json': the covariance is not symmetric \(largest \|C - C\^T\| entry 0.3" ot gaussian --a asym.json --b asym.json --reg 0.5
echo '{"mean": [0, 0], "cov": [[1, 2], [2, 1]]}' >indef.json
expect_error "gaussian: indefinite covariance" "'indef.json': the covariance is not positive definite \(smallest eigenvalue -1\)" ot gaussian --a indef.json --b indef.json --reg 0.5
echo '{"mean": [0, 0], "cov": [[1, 0], [0, 1]]}' >two.json
expect_error "gaussian: dimension mismatch" "'a.json' and 'two.json' have different dimensions \(3 and 2\)" ot gaussian --a a.json --b two.json --reg 0.5
echo '{"mean": [0, 0, 0], "cov": [[1, 0], [0, 1]]}' >shape.json
expect_error "gaussian: covariance shape" "'shape.json': \"cov\" must be a 3 x 3 array" ot gaussian --a shape.json --b a.json --reg 0.5
echo '{"mu": [0]}' >keys.json
expect_error "gaussian: missing keys" "'keys.json': expected \{\"mean\"" ot gaussian --a keys.json --b a.json --reg 0.5
expect_error "gaussian: negative reg" "--reg must be finite and non-negative" ot gaussian --a a.json --b b.json --reg -1
expect_error "gaussian: NaN reg" "--reg must be finite and non-negative" ot gaussian --a a.json --b b.json --reg nan
expect_error "gaussian: IPF at reg 0" "--iterations needs --reg > 0" ot gaussian --a a.json --b b.json --reg 0 --iterations 5
expect_error "sinkhorn: zero reg" "--reg must be positive and finite" ot sinkhorn --x x.npy --y y.npy --reg 0 --out out/f.npy
expect_error "sinkhorn: NaN in cloud" "'xnan.npy': point 7 has a non-finite coordinate" ot sinkhorn --x xnan.npy --y y.npy --reg 0.1 --out out/f.npy
expect_error "sinkhorn: empty cloud" "'empty.npy' is empty" ot sinkhorn --x empty.npy --y y.npy --reg 0.1 --out out/f.npy
expect_error "sinkhorn: dimension mismatch" "'x.npy' and 'x3.npy' have different dimensions \(2 and 3\)" ot sinkhorn --x x.npy --y x3.npy --reg 0.1 --out out/f.npy
expect_error "sinkhorn: weights not summing to 1" "'x.npy': the weights sum to [0-9.]+, not 1 \(they are not renormalised\)" ot sinkhorn --x x.npy --a wbad.npy --y y.npy --reg 0.1 --out out/f.npy
expect_error "sinkhorn: weights of the wrong length" "'y.npy': 60 weights for 45 points" ot sinkhorn --x x.npy --y y.npy --b wa.npy --reg 0.1 --out out/f.npy
expect_error "sinkhorn: integer NPY" "dtype '<i8' is not float32 or float64" ot sinkhorn --x ints.npy --y y.npy --reg 0.1 --out out/f.npy
expect_error "sinkhorn: unknown cost" "unknown cost 'cosine'" ot sinkhorn --x x.npy --y y.npy --reg 0.1 --cost cosine --out out/f.npy
expect_error "sinkhorn: bad lp" "cost 'lp:0.3': p must be a number >= 1" ot sinkhorn --x x.npy --y y.npy --reg 0.1 --cost lp:0.3 --out out/f.npy
expect_error "sinkhorn: zero iterations" "--iterations must be at least 1" ot sinkhorn --x x.npy --y y.npy --reg 0.1 --iterations 0 --out out/f.npy
expect_error "sinkhorn: plan without out" "--plan needs --out" ot sinkhorn --x x.npy --y y.npy --reg 0.1 --plan
expect_error "sinkhorn: unwritable out" "out/missing/f.npy" ot sinkhorn --x x.npy --y y.npy --reg 0.1 --out out/missing/f.npy
expect_error "bridge: bad times" "--times: 'abc' is not a number" ot bridge --a a.json --b b.json --reg 0.5 --times 0,abc,1 --out out/p.npy
expect_error "bridge: decreasing times" "bridge times must increase strictly within \[0, 1\]" ot bridge --a a.json --b b.json --reg 0.5 --times 0,0.5,0.2 --out out/p.npy
expect_error "bridge: zero reg" "--reg must be positive and finite" ot bridge --a a.json --b b.json --reg 0 --out out/p.npy
expect_error "bridge: zero paths" "--paths must be between 1 and" ot bridge --a a.json --b b.json --reg 0.5 --paths 0 --out out/p.npy
expect_error "bridge: indefinite" "'indef.json': the covariance is not positive definite" ot bridge --a indef.json --b indef.json --reg 0.5 --out out/p.npy
expect_error "ot: no subcommand" "A subcommand is required" ot

summary
