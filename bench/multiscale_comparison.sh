#!/usr/bin/env bash
# The multiscale paper's comparison (arXiv 2509.19276) on gmm40 (d = 2) and doublewell(10, 5, 3):
# SMC, MultALMC and MultCDiff at about 4 M target evaluations each, 2000 particles, W2 exact
# (Hungarian, bench/w2_exact.py) to 2000 exact samples (seed 99); the floor is the W2 between two
# exact sample sets (seeds 98, 99). SMC's weighted particles (dmt sample writes their weights beside
# --out) are systematically resampled first.
# Prints one line per run: target, row, seed, evaluations, W2.
# Usage: bench/multiscale_comparison.sh [seeds="1 2 3"]   (needs the native preset and python3-scipy)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-"1 2 3"}
dmt=./build/native/native/dmt
[[ -x $dmt ]] || { echo "build the native preset first: cmake --build --preset native"; exit 1; }
py=/usr/bin/python3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for target in gmm40 doublewell; do
  $dmt sample --target $target --sampler ula --sampler-param init=exact --particles 2000 --steps 0 --seed 99 --out "$out/ref.npy" >/dev/null
  $dmt sample --target $target --sampler ula --sampler-param init=exact --particles 2000 --steps 0 --seed 98 --out "$out/ref98.npy" >/dev/null
  echo "$target floor - - $($py bench/w2_exact.py "$out/ref98.npy" "$out/ref.npy")"
  if [[ $target == gmm40 ]]; then
    wide=25
    almc=(--sampler-param levels=100 --step-size 0.2 --sampler-param fast_step_size=0.2 --sampler-param lambda_min=0.001)
    cdiff=(--sampler-param horizon=0.7)
  else
    wide=2
    almc=(--sampler-param levels=100 --step-size 0.02 --sampler-param fast_step_size=0.02 --sampler-param chain_init=particle)
    cdiff=(--sampler-param fast_step_size=0.02 --sampler-param chain_init=particle)
  fi
  declare -A rows=(
    [smc_reference_1]="--sampler smc --sampler-param schedule=linear --sampler-param levels=100 --sampler-param moves=20"
    [smc_reference_wide]="--sampler smc --sampler-param schedule=linear --sampler-param levels=100 --sampler-param moves=20 --sampler-param reference_scale=$wide"
    [multalmc]="--sampler multalmc ${almc[*]}"
    [multcdiff]="--sampler multcdiff ${cdiff[*]}"
  )
  for seed in $seeds; do
    for row in smc_reference_1 smc_reference_wide multalmc multcdiff; do
      # shellcheck disable=SC2086
      rm -f "$out"/x*.npy
      $dmt sample --target $target ${rows[$row]} --particles 2000 --steps 100 --threads 1 --seed "$seed" \
        --out "$out/x.npy" --metrics "$out/m.json" >/dev/null
      evals=$($py -c "import json; print(json.load(open('$out/m.json'))['energy_evaluations'])")
      weights=$(ls "$out"/x*weights*.npy 2>/dev/null || true)
      echo "$target $row $seed $evals $($py bench/w2_exact.py "$out/x.npy" "$out/ref.npy" $weights)"
    done
  done
  unset rows
done
