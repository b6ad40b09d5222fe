#!/usr/bin/env bash
# `dmt sample --device cuda` and `dmt train --device cuda` (CUDA preset). Without a GPU: the
# one-line error, exit 2, nothing written; ctest then reports the test as skipped (exit 77), never
# as passed. With a GPU: the same request on cpu (scalar reference path) and cuda writes samples
# that agree (NMSE <= 1e-7, the CUDA unit tests' criterion), and the metrics name the device; a
# 40-iteration training run gives the same loss curve (relative 1e-5, tests/cuda/trainer_test.cpp's
# tolerance) with tb, pis, db, subtb, the Langevin parametrisation (with a learned backward kernel, and with pis),
# and a resumed GPU run continues bit for bit.
# Usage: cuda_device.sh path/to/dmt
set -u
DMT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
args=(sample --target manywell --sampler ula --step-size 0.005 --sampler-param simd=0 --particles 4096 --steps 200 --seed 5)
if ! nvidia-smi -L >/dev/null 2>&1; then
  mkdir out
  "$DMT" "${args[@]}" --device cuda --out out/s.npy --metrics out/m.json 2>err.txt
  rc=$?
  echo "exit $rc: $(cat err.txt)"
  [[ $rc -eq 2 && $(wc -l <err.txt) -eq 1 && -z $(ls -A out) ]] || { echo "FAIL: expected one line, exit 2, no output"; exit 1; }
  grep -q "^dmt: error: --device cuda: no CUDA device available$" err.txt || { echo "FAIL: wrong message"; exit 1; }
  echo "no GPU: the error is right; the GPU comparison is skipped"
  exit 77
fi
"$DMT" "${args[@]}" --device cpu --out cpu.npy --metrics cpu.json || exit 1
"$DMT" "${args[@]}" --device cuda --out gpu.npy --metrics gpu.json || exit 1
grep -q '"device": "cuda"' gpu.json || { echo "FAIL: metrics do not name the device"; exit 1; }
# SMC: the same log Z, and weights written beside the samples
smc=(sample --target gmm9 --sampler smc --sampler-param move=ula --sampler-param schedule=linear
     --sampler-param levels=20 --sampler-param step_size=0.01 --sampler-param simd=0 --particles 2048 --steps 25 --seed 5)
"$DMT" "${smc[@]}" --device cpu --out smc_cpu.npy --metrics smc_cpu.json || exit 1
"$DMT" "${smc[@]}" --device cuda --out smc_gpu.npy --metrics smc_gpu.json || exit 1
[[ -f smc_gpu_weights.npy ]] || { echo "FAIL: no weights from the CUDA SMC"; exit 1; }
python3 - <<'PY' || exit 1
import json
import numpy as np
a, b = np.load("cpu.npy").astype(float), np.load("gpu.npy").astype(float)
e = ((a - b) ** 2).sum() / (a ** 2).sum()
print(f"ula: cpu vs cuda samples: NMSE {e:.3e}")
assert e <= 1e-7
zc, zg = json.load(open("smc_cpu.json"))["log_z"], json.load(open("smc_gpu.json"))["log_z"]
a, b = np.load("smc_cpu.npy").astype(float), np.load("smc_gpu.npy").astype(float)
e = ((a - b) ** 2).sum() / (a ** 2).sum()
print(f"smc: log Z cpu {zc:.9f} cuda {zg:.9f}; samples NMSE {e:.3e}")
assert abs(zc - zg) <= 1e-4 and e <= 1e-7
PY
cat >train.json <<'JSON'
{"target": "gmm25", "sigma2": 5.0, "steps": 20, "batch": 256, "iterations": 40, "losses": ["tb"], "lr": 0.001,
 "lr_log_z": 0.1, "seed": 3, "network": {"hidden": 64}, "eval_every": 0, "eval_samples": 500, "log_every": 1}
JSON
# same_curve NAME: NAME.json trained on the cpu (NAMEcpu) and on the GPU (NAMEgpu, its log in
# NAMEgpu.log) gives 40 iterations whose losses agree to a relative 1e-5
same_curve() {
  "$DMT" train "$1.json" --out "$1cpu" --device cpu 2>"$1cpu.log" || { cat "$1cpu.log"; exit 1; }
  "$DMT" train "$1.json" --out "$1gpu" --device cuda 2>"$1gpu.log" || { cat "$1gpu.log"; exit 1; }
  L=$1 python3 - <<'PY' || exit 1
import os
import numpy as np
l = os.environ["L"]
a = np.loadtxt(f"{l}cpu/loss.csv", delimiter=",", skiprows=1)
b = np.loadtxt(f"{l}gpu/loss.csv", delimiter=",", skiprows=1)
rel = np.abs(a[:, 1] - b[:, 1]) / np.abs(a[:, 1])
print(f"train {l}: {len(a)} iterations, worst relative loss difference cpu vs cuda {rel.max():.2e}")
assert len(a) == len(b) == 40 and rel.max() <= 1e-5
PY
}
same_curve train
grep -q "on the GPU, [0-9]* MiB of device memory" traingpu.log || { echo "FAIL: no device memory report"; cat traingpu.log; exit 1; }
# --resume on the GPU continues exactly: 20 + 20 iterations give the uninterrupted run's loss curve
"$DMT" train train.json --out tres --device cuda --iterations 20 2>/dev/null || exit 1
"$DMT" train train.json --out tres --device cuda --iterations 40 --resume 2>/dev/null || exit 1
cmp tres/loss.csv traingpu/loss.csv || { echo "FAIL: resumed GPU run differs from the uninterrupted one"; exit 1; }
echo "train: a GPU run resumed at iteration 20 reproduces the uninterrupted loss curve bit for bit"
# resumed on the other device (the device is not stored in the model file): 20 iterations on the CPU
# then 20 on the GPU, and the reverse; each half follows its device's uninterrupted curve (the CPU
# half bit for bit, the GPU half to the cpu-vs-cuda tolerance of same_curve)
"$DMT" train train.json --out c2g --iterations 20 2>/dev/null && "$DMT" train train.json --out c2g --device cuda --resume 2>/dev/null || exit 1
"$DMT" train train.json --out g2c --device cuda --iterations 20 2>/dev/null && "$DMT" train train.json --out g2c --resume 2>/dev/null || exit 1
/usr/bin/python3 - <<'PY' || exit 1
import numpy as np
load = lambda p: np.loadtxt(p, delimiter=",", skiprows=1)
cpu, gpu, c2g, g2c = (load(f"{d}/loss.csv") for d in ("traincpu", "traingpu", "c2g", "g2c"))
assert len(c2g) == len(g2c) == 40, (len(c2g), len(g2c))
assert (c2g[:20] == cpu[:20]).all() and (g2c[:20] == gpu[:20]).all(), "the first half differs from its device's run"
for resumed in (c2g, g2c):
    rel = np.abs(resumed[:, 1] - cpu[:, 1]) / np.abs(cpu[:, 1])
    assert rel.max() <= 1e-5, rel.max()
print("train: resumed on the other device (cpu -> cuda, cuda -> cpu) at iteration 20, loss within 1e-5 of the CPU run")
PY
# pis (the adjoint pass through the trajectory), db and subtb (the flow network), the Langevin
# parametrisation with a learned backward kernel, and with pis (Hessian-vector products on the device)
sed 's/"losses": \["tb"\]/"losses": ["pis"]/' train.json >pis.json
sed 's/"losses": \["tb"\]/"losses": ["db"]/' train.json >db.json
sed 's/"losses": \["tb"\]/"losses": [{"name": "subtb", "lambda": 2}]/' train.json >subtb.json
sed 's/"network": {"hidden": 64}/"network": {"hidden": 64, "langevin": 1, "learned_backward": 1}/' train.json >lgvback.json
sed 's/"network": {"hidden": 64}/"network": {"hidden": 64, "langevin": 1}/' pis.json >lgvpis.json
for l in pis db subtb lgvback lgvpis; do same_curve $l; done
# both ways with a replay buffer and local search: the GPU run follows the CPU's loss curve, writes the
# same buffers' sizes, and a resumed GPU run (buffers from the checkpoint) continues bit for bit
cat >bw.json <<'JSON'
{"target": "gmm25", "sigma2": 5.0, "steps": 20, "batch": 256, "iterations": 40, "losses": ["tb"], "lr": 0.001,
 "lr_log_z": 0.1, "seed": 3, "network": {"hidden": 64}, "eval_every": 0, "eval_samples": 500, "log_every": 1,
 "exploration": 0.1, "exploration_iterations": 20, "buffer": {"capacity": 20000}, "both_ways": 1,
 "local_search": {"every": 10, "steps": 20, "burn_in": 10, "step_size": 0.1, "keep": "accepted"}}
JSON
same_curve bw
"$DMT" train bw.json --out bres --device cuda --iterations 20 2>/dev/null || exit 1
"$DMT" train bw.json --out bres --device cuda --iterations 40 --resume 2>/dev/null || exit 1
cmp bres/loss.csv bwgpu/loss.csv || { echo "FAIL: resumed both-ways GPU run differs from the uninterrupted one"; exit 1; }
python3 - <<'PY' || exit 1
import numpy as np
sa, sb = np.load("bwcpu/search_buffer.npy"), np.load("bwgpu/search_buffer.npy")
print(f"both ways: local-search buffer {len(sa)} / {len(sb)} rows (cpu / cuda)")
assert len(sa) == len(sb) > 0
PY
echo "both ways + buffer + local search: a resumed GPU run continues bit for bit"
