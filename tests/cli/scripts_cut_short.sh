#!/usr/bin/env bash
# The README's commands, cut short: `bash scripts/main.sh` with DMT_MAIN_ITERATIONS=20 (the same
# config, setup and build steps; 20 instead of 3000 iterations) into a scratch directory, or
# `bash scripts/demo.sh` with DMT_DEMO_CHECK=1 (built, served, pages and module fetched, stopped).
# Usage: scripts_cut_short.sh {main|demo} source_dir
set -u
what=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $what in
  main)
    DMT_MAIN_ITERATIONS=20 DMT_MAIN_OUT="$work/run" bash "$src/scripts/main.sh" >"$work/log.txt" 2>&1 ||
      { tail -5 "$work/log.txt"; echo "FAIL scripts/main.sh"; exit 1; }
    for f in model.dmt metrics.jsonl loss.csv samples.npy report.svg; do
      [[ -s $work/run/$f ]] || { echo "FAIL scripts/main.sh wrote no $f"; exit 1; }
    done
    grep -q '^final evaluation' "$work/log.txt" && tail -n 4 "$work/log.txt" | grep -q '"iteration":20' ||
      { tail -5 "$work/log.txt"; echo "FAIL scripts/main.sh did not print the final evaluation"; exit 1; }
    echo "ok   scripts/main.sh (20 iterations): outputs written, final evaluation printed"
    ;;
  demo)
    DMT_DEMO_CHECK=1 PORT=${PORT:-8765} bash "$src/scripts/demo.sh" >"$work/log.txt" 2>&1 ||
      { tail -5 "$work/log.txt"; echo "FAIL scripts/demo.sh"; exit 1; }
    grep '^demo check:' "$work/log.txt" || { tail -5 "$work/log.txt"; echo "FAIL scripts/demo.sh check"; exit 1; }
    echo "ok   scripts/demo.sh: site built and served"
    ;;
  *) echo "unknown $what"; exit 1 ;;
esac
