// Parameter forms generated from the library's registry (dmt.targets() / dmt.samplers()), so that
// components added to the registry appear in the demo without UI changes.

// Fills a <select> with the registry's names.
export function fillSelect(select, docs, chosen) {
  select.replaceChildren(...docs.map((d) => {
    const o = document.createElement('option');
    o.value = d.name;
    o.textContent = d.name;
    o.title = d.summary;
    return o;
  }));
  if (chosen && docs.some((d) => d.name === chosen)) select.value = chosen;
}

// One text input per documented parameter; placeholder = the default; values = initial entries.
export function buildForm(container, doc, values = {}, onChange = () => {}) {
  container.replaceChildren();
  if (!doc) return;
  for (const p of doc.parameters) {
    const label = document.createElement('label');
    label.title = p.meaning;
    label.append(p.name);
    const input = document.createElement('input');
    input.type = 'text';
    input.name = p.name;
    input.placeholder = p.default;
    if (values[p.name] !== undefined) input.value = String(values[p.name]);
    input.addEventListener('change', onChange);
    label.append(input);
    container.append(label);
  }
}

// Text -> number, list of numbers, boolean or string (as the CLI's key=value parsing).
export function parseValue(name, text) {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^\[.*\]$/.test(t) || (t.includes(',') && t.split(',').every((s) => s.trim() !== '' && !Number.isNaN(Number(s))))) {
    const items = t.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const nums = items.map(Number);
    if (nums.some((v) => Number.isNaN(v))) throw new Error(`parameter '${name}': '${text}' is not a list of numbers`);
    return nums;
  }
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) return Number(t.replace(/inf$/i, 'Infinity'));  // NaN/Infinity: the library names them
  return t;
}

// The form's non-empty entries as parameters.
export function readForm(container) {
  const out = {};
  for (const input of container.querySelectorAll('input')) {
    if (input.value.trim() === '') continue;
    out[input.name] = parseValue(input.name, input.value);
  }
  return out;
}
