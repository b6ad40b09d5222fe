#!/usr/bin/env bash
# Every user-facing error of `dmt sample`: a one-line message naming the problem on stderr, exit
# code 2, and no output file left behind (not even a temporary one).
# Usage: bad_input.sh path/to/dmt
source "$(dirname "$0")/harness.sh" "$1"

# expect_error NAME REGEX ARGS...: runs dmt ARGS, checks exit 2, one stderr line matching REGEX,
# and an empty output directory out/.
expect_error() {
  local name=$1 regex=$2
  shift 2
  rm -rf out && mkdir out
  "$DMT" "$@" >stdout.txt 2>stderr.txt
  local rc=$?
  local lines
  lines=$(wc -l <stderr.txt)
  local leftovers
  leftovers=$(ls -A out)
  if [[ $rc -ne 2 ]]; then
    echo "FAIL $name: exit code $rc, expected 2"; failures=$((failures + 1)); return
  fi
  if [[ $lines -ne 1 ]]; then
    echo "FAIL $name: $lines stderr lines, expected 1:"; cat stderr.txt; failures=$((failures + 1)); return
  fi
  if ! grep -Eq "^dmt: error: .*$regex" stderr.txt; then
    echo "FAIL $name: message '$(cat stderr.txt)' does not match '$regex'"; failures=$((failures + 1)); return
  fi
  if [[ -n $leftovers ]]; then
    echo "FAIL $name: left behind: $leftovers"; failures=$((failures + 1)); return
  fi
  echo "ok   $name: $(cat stderr.txt)"
  passes=$((passes + 1))
}

base=(sample --particles 64 --steps 10 --out out/s.npy --metrics out/m.json)
expect_error "unknown target" "unknown target 'nosuch' \(known: gaussian" "${base[@]}" --target nosuch --sampler mala
expect_error "unknown device" "unknown device 'tpu' \(known: cpu, cuda\)" "${base[@]}" --target funnel --sampler ula --device tpu
# the native preset builds without CUDA; a CUDA build on a machine without a GPU says so instead
expect_error "device cuda unavailable" "(this dmt was built without CUDA \(configure with -DDMT_CUDA=ON, e.g. cmake --preset cuda\)|--device cuda: no CUDA device available)$" "${base[@]}" --target funnel --sampler ula --device cuda
expect_error "a CPU-only target on cuda" "target 'box_gaussian' has no CUDA implementation yet \(on cuda: gaussian, .*\)$" "${base[@]}" --target box_gaussian --sampler ula --device cuda
printf '{"target": "lasso_regression", "iterations": 1}' >lasso.json
expect_error "a CPU-only target trained on cuda" "target 'lasso_regression' has no CUDA implementation yet" train lasso.json --out out/r --device cuda
expect_error "dalmc degrees of freedom" "dalmc: df must be positive" "${base[@]}" --target gmm25 --sampler dalmc --sampler-param noise=student_t --sampler-param df=0
expect_error "dalmc exact score unavailable" "dalmc: score 'exact' needs Gaussian noise" "${base[@]}" --target funnel --sampler dalmc --sampler-param score=exact
expect_error "dalmc has no weights" "sampler 'dalmc' has no weights to write" "${base[@]}" --target gmm25 --sampler dalmc --weights out/w.npy
expect_error "unknown sampler" "unknown sampler 'hmc'" "${base[@]}" --target funnel --sampler hmc
expect_error "unknown target parameter" "unknown parameter 'dim' for target gmm25" "${base[@]}" --target gmm25 --target-param dim=3 --sampler mala
expect_error "wrong dimension (odd manywell)" "manywell: dim must be even" "${base[@]}" --target manywell --target-param dim=31 --sampler mala
expect_error "wrong dimension (gaussian mean)" "mean has 3 entries, expected dim = 2" "${base[@]}" --target gaussian --target-param 'mean=[1,2,3]' --sampler mala
expect_error "zero step size" "step_size must be positive" "${base[@]}" --target funnel --sampler mala --step-size 0
expect_error "negative step size" "step_size must be positive" "${base[@]}" --target funnel --sampler ula --step-size -0.1
expect_error "NaN step size" "parameter 'step_size' must be finite" "${base[@]}" --target funnel --sampler ula --sampler-param step_size=NaN
expect_error "NaN step size flag" "parameter 'step_size' must be finite" "${base[@]}" --target funnel --sampler ula --step-size nan
expect_error "smc threshold 0" "smc: resample_threshold must be in \(0, 1\]" "${base[@]}" --target gmm25 --sampler smc --sampler-param resample_threshold=0
expect_error "smc threshold above 1" "smc: resample_threshold must be in \(0, 1\]" "${base[@]}" --target gmm25 --sampler smc --sampler-param resample_threshold=1.5
expect_error "smc non-monotone schedule" "smc: betas must increase strictly" "${base[@]}" --target gmm25 --sampler smc --sampler-param 'betas=[0.5,0.2,1]'
expect_error "smc schedule outside [0, 1]" "smc: betas must lie in \(0, 1\]" "${base[@]}" --target gmm25 --sampler smc --sampler-param 'betas=[0.5,1.2]'
expect_error "smc move" "smc: move must be mala, ula or slice \(got 'hmc'\)" "${base[@]}" --target gmm25 --sampler smc --sampler-param move=hmc
expect_error "smc slice width" "smc: slice_width must be positive" "${base[@]}" --target gmm25 --sampler smc --sampler-param move=slice --sampler-param slice_width=-1
expect_error "smc with --init" "smc starts from its Gaussian reference" "${base[@]}" --target gmm25 --sampler smc --init out/none.npy
expect_error "lasso negative L1 weight" "lasso_regression: lambda \(the L1 weight\) must be finite and non-negative \(got -1.000000\)" "${base[@]}" --target lasso_regression --target-param lambda=-1 --sampler pnais
expect_error "gradient sampler on a bounded support" "sampler 'ula' needs a log density finite everywhere, and target 'box_gaussian' is -inf outside its support: use smc or pnais$" "${base[@]}" --target box_gaussian --sampler ula
expect_error "box lower above upper" "box_gaussian: lower must be below upper in every coordinate \(coordinate 0: lower 2.000000, upper 1.000000\)" "${base[@]}" --target box_gaussian --target-param 'lower=[2,0]' --target-param 'upper=[1,1]' --sampler pnais
expect_error "pnais particles not a multiple" "pnais: the particle count \(105\) must be a multiple of proposals \(10\)" sample --steps 2 --out out/s.npy --metrics out/m.json --target box_gaussian --sampler pnais --particles 105
expect_error "pnais gamma" "pnais: gamma must be in \(0, 1\] \(got 2.000000\)" sample --steps 2 --out out/s.npy --metrics out/m.json --target box_gaussian --sampler pnais --sampler-param gamma=2
expect_error "multalmc fast chains" "multalmc: fast_chains must be between 1 and 4096" "${base[@]}" --target gmm25 --sampler multalmc --sampler-param fast_chains=0
expect_error "multcdiff forward" "multcdiff: forward must be cld or ou \(got 'vp'\)" "${base[@]}" --target gmm25 --sampler multcdiff --sampler-param forward=vp
expect_error "multcdiff horizon" "multcdiff: horizon must be finite and greater than t_min" "${base[@]}" --target gmm25 --sampler multcdiff --sampler-param horizon=0.0001
expect_error "multcdiff noise" "multcdiff: noise must be gaussian or student_t \(got 'cauchy'\)" "${base[@]}" --target gmm25 --sampler multcdiff --sampler-param noise=cauchy
expect_error "multcdiff df" "multcdiff: df must be positive" "${base[@]}" --target gmm25 --sampler multcdiff --sampler-param noise=student_t --sampler-param df=0
expect_error "multcdiff particle count" "particle count must be below 2\^32" sample --steps 1 --out out/s.npy --target gmm25 --sampler multcdiff --particles 5000000000
expect_error "repeats 0" "repeats must be between 1 and 100000 \(got 0\)" "${base[@]}" --target gmm25 --sampler smc --repeats 0
expect_error "repeats without log Z" "--repeats estimates log Z's standard error; sampler 'mala' has no log Z" "${base[@]}" --target gmm25 --sampler mala --repeats 3
expect_error "jala zero step" "jala: step_size must be positive" "${base[@]}" --target gmm25 --sampler jala --sampler-param step_size=0
expect_error "jala non-monotone schedule" "jala: betas must increase strictly" "${base[@]}" --target gmm25 --sampler jala --sampler-param 'betas=[0.5,0.5,1]'
expect_error "jala with --init" "jala starts from its Gaussian reference" "${base[@]}" --target gmm25 --sampler jala --init out/none.npy
expect_error "weights of an unweighted sampler" "sampler 'mala' has no weights to write" "${base[@]}" --target gmm25 --sampler mala --weights out/w.npy
expect_error "infinite target parameter" "parameter 'scale' must be finite" "${base[@]}" --target funnel --target-param scale=inf --sampler ula
expect_error "zero particles" "particle count must be positive \(got 0\)" sample --target funnel --sampler mala --particles 0 --out out/s.npy
expect_error "negative particles" "particle count must be positive \(got -5\)" sample --target funnel --sampler mala --particles -5 --out out/s.npy
expect_error "negative steps" "step count must be non-negative" sample --target funnel --sampler mala --steps -3 --out out/s.npy
expect_error "negative threads" "thread count must be non-negative" "${base[@]}" --target funnel --sampler mala --threads -2
expect_error "too few reference samples" "reference_samples must be at least 2" "${base[@]}" --target funnel --sampler mala --reference-samples 1
expect_error "negative seed" "seed must be non-negative" "${base[@]}" --target funnel --sampler mala --seed -4
expect_error "non-numeric particles" "particles" sample --target funnel --sampler mala --particles many
expect_error "unknown flag" "--frobnicate" sample --target funnel --sampler mala --frobnicate
expect_error "no target" "no target given" sample --sampler mala
expect_error "unwritable output" "cannot write 'out/missing/dir/s.npy'" sample --target funnel --sampler mala --particles 16 --steps 2 --out out/missing/dir/s.npy
expect_error "NaN in a chain" "non-finite value in particle [0-9]+ at step [0-9]+" "${base[@]}" --target manywell --sampler ula --step-size 5
expect_error "NaN in a chain (funnel)" "non-finite value in particle [0-9]+ at step [0-9]+" "${base[@]}" --target funnel --sampler ula --step-size 50

printf '{"target": {"name": "funnel"}, "sampler": "mala", ' >bad.json
expect_error "malformed JSON" "malformed JSON in 'bad.json': .*parse error" "${base[@]}" --config bad.json
printf '{"target": "funnel", "sampler": "mala", "particels": 10}' >typo.json
expect_error "unknown config key" "unknown config key 'particels'" "${base[@]}" --config typo.json
printf '{"target": "funnel", "sampler": "mala", "steps": "many"}' >type.json
expect_error "wrong config type" "config key 'steps' must be a number" "${base[@]}" --config type.json
# found by tests/fuzz (fuzz_ot_config): a number past double's range is nlohmann's out_of_range, not a
# parse_error, and ended as "internal error"; now the malformed-JSON message of every config reader
printf '{"target": "funnel", "sampler": "mala", "steps": 1e400}' >overflow.json
expect_error "number overflow in a sample config" "malformed JSON in 'overflow.json': .*number overflow" "${base[@]}" --config overflow.json
expect_error "number overflow in a train config" "malformed JSON in 'overflow.json': .*number overflow" train overflow.json --out out/r
expect_error "number overflow in a fit config" "malformed JSON in 'overflow.json': .*number overflow" fit --config overflow.json --out out/r
# found by tests/fuzz (fuzz_sample_config, UBSan): an integer key past long's range was cast regardless
printf '{"target": "funnel", "sampler": "mala", "steps": 1e41}' >big.json
expect_error "integer config key out of range" "config key 'steps' is out of range" "${base[@]}" --config big.json
printf '{"mean": [1e400], "cov": [[1]]}' >g_overflow.json
printf '{"mean": [0], "cov": [[1]]}' >g_ok.json
expect_error "number overflow in an ot input" "'g_overflow.json' is not valid JSON: .*number overflow" ot gaussian --a g_overflow.json --b g_ok.json --reg 0.5
printf '[1, 2]' >array.json
expect_error "config not an object" "must hold a JSON object" "${base[@]}" --config array.json
expect_error "missing config" "cannot read config 'absent.json'" "${base[@]}" --config absent.json
printf '{"target": {"name": "funnel", "dim": "ten"}, "sampler": "mala"}' >ptype.json
expect_error "wrong parameter type" "parameter 'dim' must be a number" "${base[@]}" --config ptype.json

# initial particles of the wrong shape / with NaN / not NPY
/usr/bin/python3 - <<'PY' 2>/dev/null || printf 'x' >shape.npy
import numpy as np
np.save('shape.npy', np.zeros((64, 3), np.float32))
a = np.zeros((64, 10), np.float32); a[3, 4] = np.nan; np.save('nan.npy', a)
PY
printf 'not an npy file' >junk.npy
if [[ -f nan.npy ]]; then
  expect_error "init of wrong shape" "have shape \(64, 3\), expected \(64, 10\)" "${base[@]}" --target funnel --sampler mala --init shape.npy
  expect_error "init with NaN" "contain NaN or Inf" "${base[@]}" --target funnel --sampler mala --init nan.npy
fi
expect_error "init not NPY" "is not a usable NPY file: missing NPY magic" "${base[@]}" --target funnel --sampler mala --init junk.npy

summary
