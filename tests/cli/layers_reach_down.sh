#!/usr/bin/env bash
# Layers reach down, never sideways: wasm/ (bindings) and config/ (the JSON configs) include nothing
# from native/, and config/ nothing device-specific (CUDA, Emscripten, CLI11, threads).
set -u
root=$1
failed=0
hits=$(grep -rnE '#\s*include\s*[<"]dmt/native/|native/(src|include)' "$root/wasm" "$root/config" --include='*.cpp' --include='*.hpp' --include='*.txt')
if [[ -n $hits ]]; then
  echo "wasm/ or config/ reaches into native/:"; echo "$hits"; failed=1
fi
hits=$(grep -rnE '#\s*include\s*[<"](cuda|cublas|curand|cub/|thrust/|nccl|emscripten|CLI/|pthread|thread>)' "$root/config")
if [[ -n $hits ]]; then
  echo "config/ includes device or native headers:"; echo "$hits"; failed=1
fi
if ((failed)); then echo "0 passed, 1 failed"; exit 1; fi
echo "1 passed, 0 failed"
