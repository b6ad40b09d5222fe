# Sourced by the CLI tests (`source "$(dirname "$0")/harness.sh" "$1"`): DMT, the absolute path of the
# dmt binary given as $1; PY, Debian's python3 (numpy); a scratch directory, made the working directory
# and removed on exit; pass/fail counters with ok and fail; summary, which prints the counts and
# returns the test's status.
set -u
DMT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
passes=0
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
ok() { echo "ok   $1"; passes=$((passes + 1)); }
summary() {
  echo "$passes passed, $failures failed"
  [[ $failures -eq 0 ]]
}
