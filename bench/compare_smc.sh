#!/usr/bin/env bash
# dmt's smc sampler against the same SMC loop in vectorised PyTorch (bench/torch_smc.py):
# manywell-32, 1e5 particles, a linear schedule of 100 temperatures, one MALA move each, one thread
# (taskset -c 0), alternating, ROUNDS rounds (default 3); medians of wall time and the ratio. dmt runs with
# keep_gradients=false (grad log R evaluated again per level instead of kept: half the memory traffic).
# Needs the native preset built and python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dmt=./build/native/native/dmt
[[ -x $dmt ]] || { echo "build the native preset first: cmake --build --preset native"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
d=() t=() dz=() tz=()
for ((r = 0; r < rounds; r++)); do
  taskset -c 0 "$dmt" sample --target manywell --sampler smc --sampler-param schedule=linear --sampler-param levels=100 \
    --sampler-param moves=1 --sampler-param keep_gradients=false --particles 100000 --steps 100 --threads 1 --reference-samples 2 --metrics "$out/m.json" \
    2>/dev/null >/dev/null
  d+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/m.json'))['wall_time_s'])")")
  dz+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/m.json'))['log_z'])")")
  taskset -c 0 /usr/bin/python3 bench/torch_smc.py --particles 100000 --levels 100 --threads 1 > "$out/t.json"
  t+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/t.json'))['wall_time_s'])")")
  tz+=("$(/usr/bin/python3 -c "import json; print(json.load(open('$out/t.json'))['log_z'])")")
done
/usr/bin/python3 - "${d[*]}" "${t[*]}" "${dz[*]}" "${tz[*]}" <<'PY'
import statistics, sys
d, t, dz, tz = (list(map(float, a.split())) for a in sys.argv[1:5])
md, mt = statistics.median(d), statistics.median(t)
print(f"SMC manywell-32, 1e5 particles x 100 temperatures x 1 MALA move, 1 thread: dmt {md:.2f} s, PyTorch {mt:.2f} s "
      f"(medians of {len(d)}), ratio {mt / md:.1f}x; log Z dmt {dz[0]:.3f}, PyTorch {tz[0]:.3f} (exact 164.6957)")
print(f"  dmt runs {d}, PyTorch runs {t}")
PY
