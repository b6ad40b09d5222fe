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
# DMT_DEMO_CHECK=1 (the test demo_script): fetch both pages and the module from the server, then stop
if [[ -n ${DMT_DEMO_CHECK:-} ]]; then
  python3 -m http.server --bind 127.0.0.1 "$port" --directory build/wasm/site >/dev/null 2>&1 &
  server=$!
  trap 'kill $server' EXIT
  python3 - "$port" <<'PY'
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}/"
for attempt in range(100):
    try:
        urllib.request.urlopen(base, timeout=2)
        break
    except OSError:
        time.sleep(0.1)
for page, needle in (("index.html", b"<html"), ("embed.html", b"<html")):
    body = urllib.request.urlopen(base + page, timeout=5).read()
    assert needle in body.lower(), page
module = urllib.request.urlopen(base + "dmt.wasm", timeout=5).read()
assert module[:4] == b"\0asm", module[:4]
print(f"demo check: index.html, embed.html and dmt.wasm ({len(module)} bytes) served on port {sys.argv[1]}")
PY
  exit
fi
exec python3 -m http.server --bind 127.0.0.1 "$port" --directory build/wasm/site
