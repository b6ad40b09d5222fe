#!/usr/bin/env bash
# Issue [diffusion-2]'s CI check and README's numbers: at an equal short budget (2000 iterations, batch
# 300, T = 100, seed 1) TB with exploration, a rank-prioritised replay buffer, both-ways training and
# MALA local search beats plain TB on gmm25. README: Delta log Z_RW (|log Z - log mean w| on 2000
# samples) 0.14 and W2 3.67 against plain TB's 1.26 and 5.55; asserted here to the README's digits
# (seed 1 is deterministic on a given machine; a different float path, e.g. another SIMD width, moves
# them and the README must then be re-measured). Seed-to-seed spread of the same configs (seeds 1..5
# for TB+Expl+LS, 1..4 for TB; configs/quick/*.json with "seed" changed, 2026-12-07):
#   TB+Expl+LS  Delta log Z_RW 0.140 0.162 0.009 0.080 0.064, W2 3.67 3.87 3.50 3.52 3.72
#   TB          Delta log Z_RW 1.257 0.903 1.016 1.001,       W2 5.55 4.78 4.89 4.69
# (when the test was written, 2026-11-23, seed 1 gave 0.184 / 3.82 and 1.214 / 5.49: the code has
# changed since, and the README said the old numbers without a test noticing).
# so the seed-independent claims: TB+Expl+LS Delta log Z_RW < 0.25 and W2 < 4.0, plain TB's W2 > 4.5,
# and Delta log Z_RW at most half of plain TB's.
# Usage: train_exploration.sh path/to/dmt source_dir
set -u
DMT=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for c in gmm25_tb_2000 gmm25_tb_expl_ls_2000; do
  "$DMT" train "$src/configs/quick/$c.json" --out "$work/$c" 2>"$work/$c.log" || { tail -1 "$work/$c.log"; exit 1; }
done
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
last = {c: [json.loads(l) for l in open(f"{w}/{c}/metrics.jsonl")][-1] for c in ("gmm25_tb_2000", "gmm25_tb_expl_ls_2000")}
tb, ls = last["gmm25_tb_2000"], last["gmm25_tb_expl_ls_2000"]
print(f"seed 1, 2000 iterations: Delta log Z_RW TB {tb['delta_log_z_rw']:.3f}, TB+Expl+LS {ls['delta_log_z_rw']:.3f}; "
      f"W2 {tb['w2']:.3f} vs {ls['w2']:.3f} (README: 1.26 / 0.14, 5.55 / 3.67)")
ok = True
def check(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok = ok and cond
check(ls["delta_log_z_rw"] <= 0.5 * tb["delta_log_z_rw"], "exploration + local search at most half plain TB's Delta log Z_RW")
check(ls["delta_log_z_rw"] < 0.25 and ls["w2"] < 4.0, "TB+Expl+LS within its seed spread: Delta log Z_RW < 0.25, W2 < 4.0")
check(tb["w2"] > 4.5, "plain TB's W2 above 4.5 (mode-seeking)")
check(round(ls["delta_log_z_rw"], 2) == 0.14 and round(ls["w2"], 2) == 3.67, "README: TB+Expl+LS 0.14 and W2 3.67")
check(round(tb["delta_log_z_rw"], 2) == 1.26 and round(tb["w2"], 2) == 5.55, "README: plain TB 1.26 and W2 5.55")
sys.exit(0 if ok else 1)
PY
