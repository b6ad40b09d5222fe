#!/usr/bin/env bash
# Training quality in CI (fixed seeds, short schedules; see README "Training diffusion samplers"):
#   gmm25       TB with the Langevin parametrisation, configs/quick/gmm25_tb_lp.json (3000 iterations):
#               |log Z - log Z_RW| < 0.3 and all 25 modes covered (each mode holds at least 10% of its
#               equal share of the 2000 evaluation samples within 3 standard deviations);
#   manywell8   TB + LP on manywell with d = 8, configs/quick/manywell8_tb_lp.json (2000 iterations):
#               |log Z - ELBO| < 1.0 (log Z = 41.1739 from the target's quadrature).
# Usage: train_quality.sh path/to/dmt {gmm25|manywell8} source_dir
set -u
DMT=$1
case=$2
src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $case in
  gmm25) config=$src/configs/quick/gmm25_tb_lp.json ;;
  manywell8) config=$src/configs/quick/manywell8_tb_lp.json ;;
  *) echo "unknown case $case"; exit 1 ;;
esac
echo "config $config (seed fixed in the file)"
"$DMT" train "$config" --out "$work/run" || exit 1
/usr/bin/python3 - "$work/run/metrics.jsonl" "$case" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
case = sys.argv[2]
for j in lines:
    print(f"iteration {j['iteration']:5d}  loss {j['loss']:.4f}  ELBO {j['elbo']:.4f}  log Z_RW {j['log_z_rw']:.4f}  "
          f"EUBO {j['eubo']:.4f}  true {j['log_z_true']:.4f}  ESS/K {j['ess_fraction']:.3f}  W2 {j['w2']:.3f}  "
          f"coverage {j['mode_coverage']}")
last = lines[-1]
ok = True
if case == "gmm25":
    ok = last["delta_log_z_rw"] < 0.3 and last["mode_coverage"] == 1.0
    print(f"gmm25: |log Z - log Z_RW| = {last['delta_log_z_rw']:.4f} (need < 0.3), mode coverage "
          f"{last['mode_coverage']} (need 1.0): {'ok' if ok else 'FAIL'}")
else:
    ok = last["delta_log_z"] < 1.0
    print(f"manywell8: |log Z - ELBO| = {last['delta_log_z']:.4f} (need < 1.0): {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
