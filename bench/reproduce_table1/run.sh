#!/usr/bin/env bash
# Trains the rows of Sendera et al.'s Table 1 (make_configs.py) with dmt train and prints a markdown
# table of the last evaluation (Delta log Z, Delta log Z_RW, W2 on 2000 samples) beside the published
# means (ALGORITHMS.md 4) and the wall time.
# Usage: bash bench/reproduce_table1/run.sh path/to/dmt OUTDIR [ROW_FILTER] [--iterations N] [--seed S]
#   ROW_FILTER: a regular expression on "target_row" (default: every row), e.g. 'gmm25|_ls$'.
set -euo pipefail
dmt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
filter=${3:-.}
shift 3 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 "$here/make_configs.py" "$out/configs" "$@"
failed=0
for cfg in "$out"/configs/*.json; do
  name=$(basename "$cfg" .json)
  [[ $name =~ $filter ]] || continue
  [[ -s $out/$name/metrics.jsonl ]] && continue  # done before
  start=$(date +%s)
  "$dmt" train "$cfg" --out "$out/$name" 2>"$out/$name.log" || {
    echo "$name failed: $(tail -1 "$out/$name.log")"
    failed=$((failed + 1))
    continue
  }
  echo "$(( $(date +%s) - start ))" >"$out/$name/wall_seconds"
done
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
published = {  # Sendera et al., Table 1 (5 seeds): Delta log Z, Delta log Z_RW, W2
    "gmm25_tb": (1.176, 1.071, 4.83), "gmm25_tb_expl": (0.560, 0.422, 3.61),
    "gmm25_vargrad_expl": (0.615, 0.487, 3.89), "gmm25_tb_expl_ls": (0.171, 0.004, 1.25),
    "gmm25_pis": (1.769, 1.274, 6.37), "funnel_tb": (0.690, 0.239, 22.4),
    "funnel_tb_expl_ls": (0.653, 0.285, 21.9), "funnel_pis": (0.534, 0.262, 22.0),
    "manywell_tb": (4.01, 2.67, 6.14), "manywell_tb_expl_ls": (4.57, 0.19, 5.66),
}
print("| run | iterations | Delta log Z | Delta log Z_RW | W2 | published | wall (s) |")
print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
for name in sorted(os.listdir(out)):
    m = os.path.join(out, name, "metrics.jsonl")
    if not os.path.isfile(m):
        continue
    last = [json.loads(l) for l in open(m) if l.strip()][-1]
    wall = open(os.path.join(out, name, "wall_seconds")).read().strip() if os.path.exists(os.path.join(out, name, "wall_seconds")) else "?"
    pub = "/".join(str(v) for v in published[name]) if name in published else "—"
    f = lambda k: f"{last[k]:.3f}" if isinstance(last.get(k), (int, float)) else "—"
    print(f"| {name} | {last['iteration']} | {f('delta_log_z')} | {f('delta_log_z_rw')} | {f('w2')} | {pub} | {wall} |")
PY
((failed == 0)) || { echo "$failed rows failed"; exit 1; }
