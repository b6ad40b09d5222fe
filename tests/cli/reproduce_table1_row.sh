#!/usr/bin/env bash
# README: `bash bench/reproduce_table1/run.sh path/to/dmt OUTDIR [ROW_REGEX]` trains rows of Sendera
# et al.'s Table 1 and prints them beside the published means. Cut short: one row (gmm25, plain TB)
# for 10 iterations; the table must carry that row with its three metrics and the published numbers.
# Usage: reproduce_table1_row.sh path/to/dmt source_dir
source "$(dirname "$0")/harness.sh" "$1"
src=$2
bash "$src/bench/reproduce_table1/run.sh" "$DMT" out 'gmm25_tb$' --iterations 10 >table.md 2>err.txt ||
  fail "run.sh exited non-zero: $(tail -2 err.txt table.md)"
row=$(grep '^| gmm25_tb |' table.md)
if [[ $(grep -c '^| ' table.md) -eq 3 ]] && [[ $row =~ ^\|\ gmm25_tb\ \|\ 10\ \|\ [0-9.]+\ \|\ [0-9.]+\ \|\ [0-9.]+\ \|\ 1.176/1.071/4.83\ \| ]]; then
  ok "one row, 10 iterations: $row"
else
  fail "table: $(cat table.md)"
fi
# a row that fails to train makes the script fail (it used to print the failure and exit 0)
mkdir -p bad/configs
bash "$src/bench/reproduce_table1/run.sh" /bin/false bad 'gmm25_tb$' --iterations 10 >/dev/null 2>&1 &&
  fail "a failing row did not fail the script" || ok "a failing row fails the script"
summary
