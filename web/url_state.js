// The view's state in the URL hash (#panel=sample&target=gmm25&tp.dim=2...), so a view can be shared.
export function readState() {
  const p = new URLSearchParams(location.hash.slice(1));
  const out = {};
  for (const [k, v] of p) out[k] = v;
  return out;
}

export function writeState(state) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  history.replaceState(null, '', '#' + p.toString());
}

// prefix.key entries -> {key: value}
export function prefixed(state, prefix) {
  const out = {};
  for (const [k, v] of Object.entries(state)) if (k.startsWith(prefix + '.')) out[k.slice(prefix.length + 1)] = v;
  return out;
}
