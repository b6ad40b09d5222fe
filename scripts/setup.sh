#!/usr/bin/env bash
# Installs what dmt needs on Debian 12 (as root), only the packages that are missing.
# Usage: scripts/setup.sh [--bench]   (--bench adds PyTorch and POT for the side-by-side benchmarks)
set -euo pipefail
packages=(cmake g++ make libeigen3-dev libxsimd-dev nlohmann-json3-dev libcli11-dev libgtest-dev
  libbenchmark-dev emscripten nodejs chromium python3-numpy clang libclang-rt-14-dev)
if [[ ${1:-} == --bench ]]; then packages+=(python3-torch python3-pot python3-scipy util-linux); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi
# npm packages of package-lock.json (TypeScript for the .d.ts check, playwright-core for the browser
# tests), installed into node_modules/ when missing or older than the lock file
cd "$(dirname "$0")/.."
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
