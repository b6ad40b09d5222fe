#!/usr/bin/env bash
# `dmt train`, `dmt eval`, `dmt sample --model`: outputs, determinism across thread counts,
# --resume reproducing an uninterrupted run bit for bit, and every user-facing error (one line on
# stderr, exit 2, nothing half-written).
# Usage: train_cli.sh path/to/dmt
source "$(dirname "$0")/harness.sh" "$1"

# A small run: gmm25, T = 10, batch 64, hidden 16.
cat >small.json <<'JSON'
{"target": "gmm25", "steps": 10, "batch": 64, "iterations": 20, "losses": ["tb"], "seed": 3,
 "network": {"hidden": 16, "harmonics": 8}, "eval_every": 10, "eval_samples": 200, "checkpoint_every": 10}
JSON

"$DMT" train small.json --out a --threads 2 2>a.log || { fail "train small: $(tail -1 a.log)"; }
for f in model.dmt metrics.jsonl loss.csv samples.npy report.svg; do
  [[ -s a/$f ]] || fail "train wrote no a/$f"
done
[[ $(wc -l <a/metrics.jsonl) -eq 2 ]] && ok "metrics.jsonl has one line per evaluation (2)" || fail "metrics.jsonl: $(wc -l <a/metrics.jsonl) lines"
grep -q '"mode_coverage"' a/metrics.jsonl && grep -q '"w2"' a/metrics.jsonl && grep -q '"eubo"' a/metrics.jsonl &&
  ok "metrics carry W2, EUBO and mode coverage" || fail "metrics lack fields: $(head -1 a/metrics.jsonl)"
/usr/bin/python3 -c "
import xml.etree.ElementTree as E, sys
r = E.parse('a/report.svg').getroot()
texts = ' '.join(t.text or '' for t in r.iter('{http://www.w3.org/2000/svg}text'))
circles = len(list(r.iter('{http://www.w3.org/2000/svg}circle')))
assert 'log Z estimates' in texts and 'contours' in texts and circles >= 200, (texts, circles)
" && ok "report.svg is well-formed XML with the samples, contours and log Z panels" || fail "report.svg incomplete"
ls a | grep -q tmp && fail "temporary files left in a/: $(ls a)"

# The same run on one thread: identical bits.
"$DMT" train small.json --out b --threads 1 2>/dev/null || fail "train --threads 1"
cmp -s a/model.dmt b/model.dmt && cmp -s a/samples.npy b/samples.npy && ok "1 and 2 threads give identical model and samples" ||
  fail "thread count changed the result"

# Interrupted after 10 iterations, resumed to 20: identical to the uninterrupted run.
"$DMT" train small.json --out c --iterations 10 2>/dev/null || fail "train 10 iterations"
"$DMT" train small.json --out c --resume 2>c.log || fail "resume: $(tail -1 c.log)"
if cmp -s a/model.dmt c/model.dmt && cmp -s a/samples.npy c/samples.npy && cmp -s a/loss.csv c/loss.csv &&
  diff <(sed 's/"eval_seconds":[^,}]*//' a/metrics.jsonl) <(sed 's/"eval_seconds":[^,}]*//' c/metrics.jsonl) >/dev/null; then
  ok "--resume reproduces the uninterrupted run (model, samples, loss curve, metrics)"
else
  fail "--resume differs from the uninterrupted run"
fi

# dmt sample --model and dmt eval --model
"$DMT" sample --model a/model.dmt --particles 300 --steps 25 --out s.npy 2>/dev/null || fail "sample --model"
/usr/bin/python3 - <<'PY' && ok "sample --model writes 300 x 2 float32 on a finer grid" || fail "sample --model output"
import numpy as np
x = np.load("s.npy")
assert x.shape == (300, 2) and x.dtype == np.float32 and np.isfinite(x).all(), x.shape
PY
"$DMT" eval --model a/model.dmt --samples 100 >e.json 2>/dev/null && /usr/bin/python3 -c "
import json; j = json.load(open('e.json')); assert j['iteration'] == 20 and j['samples'] == 100 and 'delta_log_z_rw' in j
" && ok "eval --model prints the metrics as JSON" || fail "eval --model: $(cat e.json)"

# expect_error NAME REGEX ARGS...: exit 2, one stderr line matching REGEX, out/ left empty.
expect_error() {
  local name=$1 regex=$2
  shift 2
  "$DMT" "$@" >stdout.txt 2>stderr.txt
  local rc=$?
  if [[ $rc -ne 2 ]]; then fail "$name: exit code $rc, expected 2 ($(cat stderr.txt))"; return; fi
  if [[ $(wc -l <stderr.txt) -ne 1 ]]; then fail "$name: $(wc -l <stderr.txt) stderr lines:"; cat stderr.txt; return; fi
  if ! grep -Eq "^dmt: error: .*$regex" stderr.txt; then fail "$name: '$(cat stderr.txt)' does not match '$regex'"; return; fi
  if [[ -n $(ls -A out 2>/dev/null) ]]; then fail "$name: left behind $(ls -A out)"; return; fi
  ok "$name: $(cat stderr.txt)"
}
config() { /usr/bin/python3 -c "import json,sys; c=json.load(open('small.json')); c.update(json.loads(sys.argv[1])); json.dump(c, open(sys.argv[2],'w'))" "$1" "$2"; }
mkdir -p out
config '{"bogus": 1}' bad1.json
expect_error "unknown config key" "unknown config key 'bogus'" train bad1.json --out out/r
config '{"losses": ["tb", "kl2"]}' bad2.json
expect_error "unknown loss" "unknown loss 'kl2'" train bad2.json --out out/r
config '{"batch": 0}' bad3.json
expect_error "batch 0" "batch must be positive" train bad3.json --out out/r
config '{"steps": 0}' bad4.json
expect_error "T = 0" "time steps T must be positive" train bad4.json --out out/r
config '{"steps": -5}' bad4b.json
expect_error "T < 0" "time steps T must be positive" train bad4b.json --out out/r
config '{"grid": [0, 0.5, 0.4, 1]}' bad5.json
expect_error "non-increasing grid" "must increase strictly" train bad5.json --out out/r
config '{"grid": "spiral"}' bad6.json
expect_error "unknown grid" "unknown time grid 'spiral'" train bad6.json --out out/r
config '{"target": "nosuch"}' bad7.json
expect_error "unknown target" "nosuch" train bad7.json --out out/r
config '{"network": {"width": 3}}' bad8.json
expect_error "unknown network key" "unknown config key 'width'" train bad8.json --out out/r
echo '{"target": "gmm25",' >bad9.json
expect_error "malformed JSON" "malformed JSON" train bad9.json --out out/r
expect_error "missing config" "cannot read config" train nonexistent.json --out out/r
config '{"buffer": {"capacity": 0}}' bad12.json
expect_error "buffer capacity 0" "buffer capacity must be positive \(got 0\)" train bad12.json --out out/r
config '{"buffer": {"priority": "best"}}' bad13.json
expect_error "unknown buffer priority" "unknown buffer prioritisation 'best' \(rank, uniform, reward\)" train bad13.json --out out/r
config '{"both_ways": 1}' bad14.json
expect_error "both ways without a buffer" "need a replay buffer" train bad14.json --out out/r
config '{"buffer": {}, "local_search": {"target_accept": 1.5}}' bad15.json
expect_error "acceptance target outside (0, 1)" "target_accept must be in \(0, 1\) \(got 1.5" train bad15.json --out out/r
config '{"buffer": {}, "local_search": {"keep": "all"}}' bad21.json
expect_error "unknown local-search keep" "local_search keep must be \"final\" or \"accepted\"" train bad21.json --out out/r
config '{"exploration": -0.5}' bad16.json
expect_error "negative exploration" "exploration and exploration_iterations must be non-negative" train bad16.json --out out/r
config '{"buffer": {"capacity": 1000}, "both_ways": 1, "local_search": {"every": 5, "steps": 20, "burn_in": 10}}' ls.json
if "$DMT" train ls.json --out ls --threads 2 2>ls.log; then ok "buffer + both ways + local search: $(grep -c . ls/loss.csv) loss lines"; else fail "buffer training: $(tail -1 ls.log)"; fi
# with a buffer, both ways and local search, --resume continues exactly (the buffers are checkpointed)
"$DMT" train ls.json --out ls10 --iterations 10 2>/dev/null && "$DMT" train ls.json --out ls10 --resume 2>/dev/null &&
  cmp -s ls/loss.csv ls10/loss.csv && cmp -s ls/buffer.npy ls10/buffer.npy && cmp -s ls/search_buffer.npy ls10/search_buffer.npy &&
  ok "buffer run resumed at 10 of 20 iterations: loss curve and buffers bit-identical" || fail "buffer run resumed differs"
# keep = accepted: every accepted proposal after the burn-in goes into the local-search buffer
config '{"buffer": {"capacity": 100000}, "both_ways": 1, "local_search": {"every": 5, "steps": 20, "burn_in": 10, "keep": "accepted"}}' lsa.json
if "$DMT" train lsa.json --out lsa --threads 2 2>lsa.log && grep -aq '"keep":"accepted"' lsa/model.dmt &&
  [ "$(stat -c %s lsa/search_buffer.npy)" -gt "$(( 5 * $(stat -c %s ls/search_buffer.npy) ))" ]; then
  ok "local search keep=accepted: stored in the model, search buffer $(stat -c %s lsa/search_buffer.npy) bytes (final states only: $(stat -c %s ls/search_buffer.npy))"
else
  fail "local search keep=accepted: $(tail -1 lsa.log)"
fi
cp ls10/buffer.npy ls10/buffer.keep
cp ls10/search_buffer.npy ls10/buffer.npy
expect_error "resume with another checkpoint's buffer" "'.*buffer.npy' is not the replay buffer of the checkpoint '.*model.dmt' \(its digest differs\)" train ls.json --out ls10 --resume
mv ls10/buffer.keep ls10/buffer.npy
# a model file whose checkpointed running mean is malformed (header edited, checksum recomputed)
cp ls10/model.dmt ls10/model.keep
$PY - ls10/model.dmt <<'PY'
import struct, sys
p = sys.argv[1]; b = open(p, 'rb').read()[:-8]
n = struct.unpack_from('<I', b, 12)[0]
head = b[16:16 + n].decode().replace('window_eval=', 'window_eval=x', 1).encode()
b = b[:12] + struct.pack('<I', len(head)) + head + b[16 + n:]
h = 1469598103934665603
for c in b: h = ((h ^ c) * 1099511628211) % 2**64
open(p, 'wb').write(b + struct.pack('<Q', h))
PY
expect_error "resume from a malformed running mean" "model file '.*model.dmt' has a malformed running mean 'x" train ls.json --out ls10 --resume
mv ls10/model.keep ls10/model.dmt
rm ls10/buffer.npy
expect_error "resume without the buffer file" "no replay buffer '.*buffer.npy' beside the checkpoint" train ls.json --out ls10 --resume
config '{"target": "banana", "losses": ["pis"], "network": {"langevin": 1}}' bad17.json
expect_error "pis with the Langevin parametrisation on a target without Hessian-vector products" "which target 'banana' does not provide" train bad17.json --out out/r
config '{"network": {"learned_backward": 1, "pb_scale_range": 1.5}}' bad19.json
expect_error "pb_scale_range outside [0, 1)" "pb_scale_range must be in \\[0, 1\\)" train bad19.json --out out/r
config '{"losses": ["pis"], "network": {"learned_backward": 1}}' bad20.json
expect_error "pis with a learned backward kernel" "the pis loss does not train a learned backward kernel" train bad20.json --out out/r
# A learned backward kernel (with both-ways training from a buffer, so backward trajectories are
# sampled from it): trains, is stored in the model header, and dmt eval reads the model back.
config '{"network": {"hidden": 16, "harmonics": 8, "learned_backward": 1, "pb_scale_range": 0.3}, "buffer": {"capacity": 1000}, "both_ways": 1}' pb.json
if "$DMT" train pb.json --out pb --threads 2 2>pb.log && grep -aq "learned_backward" pb/model.dmt &&
  "$DMT" eval --model pb/model.dmt --samples 50 >/dev/null 2>&1; then
  ok "learned_backward trains (both ways), is stored and evaluates"
else
  fail "learned_backward: $(tail -1 pb.log)"
fi

config '{"losses": ["pis", "tb"]}' bad18.json
expect_error "pis with another loss" "the pis loss is trained alone" train bad18.json --out out/r
config '{"device": "tpu"}' bad10.json
expect_error "unknown device" "unknown device 'tpu' \(known: cpu, cuda\)" train bad10.json --out out/r
config '{"device": 3}' bad11.json
expect_error "device not a string" "'device' in 'bad11.json' must be a string" train bad11.json --out out/r
expect_error "device cuda unavailable" "(this dmt was built without CUDA \(configure with -DDMT_CUDA=ON, e.g. cmake --preset cuda\)|--device cuda: no CUDA device available)$" train small.json --device cuda --out out/r
rmdir out/r 2>/dev/null
head -c 1000 a/model.dmt >trunc.dmt
expect_error "truncated model" "is truncated" eval --model trunc.dmt
/usr/bin/python3 -c "
b = bytearray(open('a/model.dmt','rb').read()); b[8] = 7; open('v7.dmt','wb').write(b)
b = bytearray(open('a/model.dmt','rb').read()); b[-20] ^= 1; open('flip.dmt','wb').write(b)"
expect_error "other format version" "format version 7" eval --model v7.dmt
expect_error "corrupted model" "checksum mismatch" sample --model flip.dmt --particles 10 --out out/s.npy
expect_error "not a model" "not a dmt model file" eval --model small.json
config '{"target": {"name": "manywell", "dim": 4}, "sigma2": 5.0}' dim4.json
cp -r a d
expect_error "resume with another dimension" "is for dimension 2; the config's target has dimension 4" train dim4.json --out d --resume
config '{"lr": 0.002}' lr.json
expect_error "resume with another config" "config differs from the checkpoint" train lr.json --out d --resume
expect_error "sample --model with --target" "takes no --target" sample --model a/model.dmt --target gmm25

# A NaN loss stops training with the iteration number and keeps the last good checkpoint.
config '{"lr": 1e30, "lr_log_z": 1e30, "iterations": 50, "checkpoint_every": 1}' nan.json
"$DMT" train nan.json --out n >/dev/null 2>n.log
rc=$?
if [[ $rc -eq 2 && $(wc -l <n.log) -eq 1 ]] && grep -Eq "not finite at iteration [0-9]+; training stopped, the last good checkpoint \(iteration [0-9]+\)" n.log &&
  "$DMT" eval --model n/model.dmt --samples 50 >/dev/null 2>&1; then
  ok "NaN loss: $(cat n.log); the checkpoint loads"
else
  fail "NaN loss: exit $rc, $(cat n.log)"
fi

summary
