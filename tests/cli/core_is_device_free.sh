#!/usr/bin/env bash
# core/ must never include CUDA or Emscripten headers (or any library beyond std, Eigen, xsimd).
set -u
root=$1
hits=$(grep -rnE '#\s*include\s*[<"](cuda|cublas|curand|cusolver|cub/|thrust/|nccl|emscripten|CLI/|nlohmann/|pthread)' "$root/core")
if [[ -n $hits ]]; then
  echo "core/ includes device or native headers:"; echo "$hits"; echo "0 passed, 1 failed"; exit 1
fi
# and the allowed third-party includes are only Eigen and xsimd
others=$(grep -rhoE '#\s*include\s*<[^>]+>' "$root/core" | sed -E 's/#\s*include\s*<([^>]+)>/\1/' | sort -u |
  grep -vE '^(Eigen/|xsimd/)' | grep -E '/|\.h' || true)
if [[ -n $others ]]; then
  echo "core/ includes non-standard headers: $others"; echo "0 passed, 1 failed"; exit 1
fi
echo "1 passed, 0 failed"
