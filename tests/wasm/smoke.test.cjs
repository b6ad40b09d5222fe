// Runs the smoke program compiled to WebAssembly (node) and natively, and compares the outputs.
// DMT_WASM_SMOKE: path of dmt_smoke.js; DMT_NATIVE_SMOKE: path of the native dmt_smoke binary.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const wasmJs = process.env.DMT_WASM_SMOKE;
const native = process.env.DMT_NATIVE_SMOKE;

function load() {
  assert.ok(wasmJs && fs.existsSync(wasmJs), `wasm smoke program not found: ${wasmJs}`);
  assert.ok(native && fs.existsSync(native),
    `native smoke program not found: ${native} (build the native preset first)`);
  const w = JSON.parse(execFileSync(process.execPath, ['--no-experimental-fetch', wasmJs]).toString());
  const n = JSON.parse(execFileSync(native).toString());
  return { w, n };
}

const relTol = 1e-4;  // float32 results; xsimd's SSE2 (wasm) and AVX-512 kernels may differ in the last bits

test('Philox words are bit-identical', () => {
  const { w, n } = load();
  assert.deepStrictEqual(w.philox, n.philox);
  assert.deepStrictEqual(w.philox, [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
});

test('wasm uses 128-bit SIMD lanes', () => {
  const { w } = load();
  assert.strictEqual(w.simd_lanes, 4);
});

test('wasm uses the xsimd GEMM kernel (Eigen is scalar there)', () => {
  const { w } = load();
  assert.strictEqual(w.gemm_default, 'simd');
});

test('a model file written natively is read by wasm (and the other way) with the same samples', () => {
  const os = require('node:os');
  const path = require('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmt-model-'));
  try {
    const fromNative = path.join(dir, 'native.dmt');
    const fromWasm = path.join(dir, 'wasm.dmt');
    execFileSync(native, ['--write-model', fromNative]);
    execFileSync(process.execPath, ['--no-experimental-fetch', wasmJs, '--write-model', fromWasm]);
    const runs = [];
    for (const file of [fromNative, fromWasm]) {
      const w = JSON.parse(execFileSync(process.execPath, ['--no-experimental-fetch', wasmJs, '--read-model', file]).toString());
      const n = JSON.parse(execFileSync(native, ['--read-model', file]).toString());
      assert.strictEqual(w.adam_steps, 3);
      assert.strictEqual(n.adam_steps, 3);
      for (let i = 0; i < n.samples.length; i++)
        assert.ok(Math.abs(w.samples[i] - n.samples[i]) <= relTol * (1 + Math.abs(n.samples[i])), `sample ${i}`);
      runs.push(n.samples);
    }
    // the two builds trained the same model up to float rounding
    for (let i = 0; i < runs[0].length; i++)
      assert.ok(Math.abs(runs[0][i] - runs[1][i]) <= 1e-3 * (1 + Math.abs(runs[0][i])), `trained sample ${i}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const key of ['normals', 'gmm25_mala', 'manywell_ula', 'funnel_underdamped', 'banana_skrock', 'lgcp8_log_r',
                   'gemm_simd', 'train_tb']) {
  test(`${key}: wasm matches native within relative ${relTol}`, () => {
    const { w, n } = load();
    assert.strictEqual(w[key].length, n[key].length);
    let close = 0;
    for (let i = 0; i < w[key].length; i++) {
      if (Math.abs(w[key][i] - n[key][i]) <= relTol * (1 + Math.abs(n[key][i]))) close++;
    }
    // MALA can flip a rare accept decision on a last-bit difference: allow 2% of entries there
    const need = key.endsWith('mala') ? 0.98 : 1.0;
    assert.ok(close / w[key].length >= need, `${key}: only ${close} of ${w[key].length} entries agree`);
  });
}
