#!/usr/bin/env bash
# The browser demo: set up, build the WebAssembly module and the site (build/wasm/site), and serve
# it on http://127.0.0.1:${PORT:-8000}/ (index.html: the demo; embed.html: the custom elements).
# Works offline; any static file server on 127.0.0.1 does the same as the one started here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$(nproc)" --target dmt_site
port=${PORT:-8000}
echo "demo:     http://127.0.0.1:$port/index.html"
echo "embedded: http://127.0.0.1:$port/embed.html"
exec python3 -m http.server --bind 127.0.0.1 "$port" --directory build/wasm/site
