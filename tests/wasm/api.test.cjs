// The JS API of the WebAssembly module (wasm/dmt.d.ts) against the native build on the same
// seeds: targets (log R and gradients at fixed points), samplers (`dmt sample`), the trainer
// (`dmt train` loss curve; model files both ways), OT (`dmt ot gaussian`, `dmt ot sinkhorn`); and
// every entry point's input validation. DMT_MODULE_NODE: dmt-node.cjs; DMT_NATIVE_DIR: the native build.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readNpy, writeNpy } = require('./npy.cjs');

const modulePath = process.env.DMT_MODULE_NODE;
const nativeDir = process.env.DMT_NATIVE_DIR;
const dmtCli = nativeDir && path.join(nativeDir, 'native', 'dmt');
const vectorsCli = nativeDir && path.join(nativeDir, 'tests', 'dmt_target_vectors');
// float32 kernels: the wasm build runs xsimd's SSE2 path (4 lanes), the native one AVX2/AVX-512, and
// transcendental functions come from different libms, so results agree to rounding, not bit for bit.
const relTol = 1e-4;

let dmtPromise;
function load() {
  assert.ok(modulePath && fs.existsSync(modulePath), `module not found: ${modulePath}`);
  dmtPromise ??= require(modulePath)();
  return dmtPromise;
}
function native(args) {
  assert.ok(fs.existsSync(dmtCli), `native dmt not found: ${dmtCli} (build the native preset first)`);
  return execFileSync(dmtCli, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
function close(a, b, tol = relTol) {
  return Math.abs(a - b) <= tol * (1 + Math.abs(b));
}
function assertClose(actual, expected, tol, what) {
  assert.strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++)
    assert.ok(close(actual[i], expected[i], tol), `${what}[${i}]: ${actual[i]} vs native ${expected[i]}`);
}
function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dmt-api-'));
}

test('registry lists the same targets and samplers as the CLI', async () => {
  const dmt = await load();
  const names = (text) => text.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]);
  assert.deepStrictEqual(dmt.targets().map((t) => t.name), names(native(['targets'])));
  assert.deepStrictEqual(dmt.samplers().map((t) => t.name), names(native(['samplers'])));
  const funnel = dmt.targets().find((t) => t.name === 'funnel');
  assert.deepStrictEqual(funnel.parameters.map((p) => p.name), ['dim', 'scale']);
  assert.strictEqual(dmt.simdLanes(), 4);
});

test('the registry: targets(), samplers() and losses() are `dmt ... --json` exactly', async () => {
  const dmt = await load();
  assert.deepStrictEqual(dmt.targets(), JSON.parse(native(['targets', '--json'])));
  assert.deepStrictEqual(dmt.samplers(), JSON.parse(native(['samplers', '--json'])));
  assert.deepStrictEqual(dmt.losses().map((l) => l.name), ['tb', 'vargrad', 'db', 'subtb', 'pis']);
});

// One settings object, every default left unset, through the CLI and the JS Sampler (with the
// run's length given, the run-dependent defaults agree: MALA adapts for steps / 2 in both).
for (const sampler of ['ula', 'mala', 'underdamped', 'skrock', 'smc', 'jala', 'dalmc', 'multalmc', 'multcdiff', 'pnais']) {
  test(`defaults: ${sampler} on gmm25 gives the CLI's samples`, async () => {
    const dmt = await load();
    const dir = tmpdir();
    try {
      const settings = { target: 'gmm25', sampler, particles: 200, steps: 20, seed: 4 };
      fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ ...settings, threads: 1, out: path.join(dir, 'x.npy') }));
      native(['sample', '--config', path.join(dir, 'c.json')]);
      const ref = readNpy(path.join(dir, 'x.npy')).data;
      const s = new dmt.Sampler();
      s.init(settings);
      s.step(settings.steps);
      const x = s.particles();
      assert.strictEqual(x.length, ref.length);
      let ok = 0;
      for (let i = 0; i < x.length; i++) if (close(x[i], ref[i])) ok++;
      // float32 rounding differs between SIMD widths (4 lanes here, 8 or 16 natively); an accept
      // decision or a resampling index may flip on a last-bit difference
      assert.ok(ok / x.length >= 0.95, `${sampler}: ${ok} of ${x.length} coordinates agree`);
      s.delete();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('every target: log R and gradient match the native build at fixed points', async () => {
  const dmt = await load();
  const ref = JSON.parse(execFileSync(vectorsCli).toString());
  const params = { gaussian: { dim: 3 }, funnel: { dim: 5 }, manywell: { dim: 4 }, lgcp: { grid: 8 } };
  for (const [name, r] of Object.entries(ref)) {
    const t = new dmt.Target(name, params[name] ?? {});
    try {
      assert.strictEqual(t.dim, r.dim, name);
      const x = new Float32Array(6 * r.dim);
      for (let i = 0; i < 6; i++) for (let j = 0; j < r.dim; j++) x[i * r.dim + j] = 2.5 * Math.sin(1.3 * i + 0.7 * j + 0.1);
      assertClose(t.logDensity(x), r.log_r, relTol, `${name} log R`);
      assertClose(t.gradient(x), r.grad, relTol, `${name} gradient`);
    } finally {
      t.delete();
    }
  }
});

test('exact samples and log Z come from the same code as natively', async () => {
  const dmt = await load();
  const t = new dmt.Target('funnel', { dim: 3 });
  const x = t.sampleExact(4000, 11);
  assert.strictEqual(x.length, 12000);
  let m = 0;
  for (let i = 0; i < 4000; i++) m += x[3 * i];
  assert.ok(Math.abs(m / 4000) < 5 * 3 / Math.sqrt(4000), `x0 mean ${m / 4000} (N(0, 9): 5 standard errors)`);
  assert.strictEqual(t.logNormaliser(), 0);
  assert.deepStrictEqual(t.parameters(), { dim: 3, scale: 3 });
  t.delete();
  const b = new dmt.Target('blr');
  assert.strictEqual(b.logNormaliser(), null);
  assert.throws(() => b.sampleExact(3), /has no exact sampler/);
  b.delete();
});

for (const [name, sampler, target, tolShare] of [
  ['mala on gmm25', { name: 'mala', step_size: 0.3, adapt_steps: 50 }, 'gmm25', 0.98],
  ['ula on funnel', { name: 'ula', step_size: 0.01 }, { name: 'funnel', dim: 4 }, 1.0],
  ['underdamped on banana', { name: 'underdamped', step_size: 0.1 }, 'banana', 1.0],
  // the multiscale samplers: 100 slow steps with 2 fast chains each, then 50 ULA steps on the target
  ['multalmc on gmm25', { name: 'multalmc', levels: 100, fast_chains: 2, step_size: 0.05 }, 'gmm25', 0.98],
  ['multcdiff on gmm25', { name: 'multcdiff', levels: 100, fast_chains: 2 }, 'gmm25', 0.98],
]) {
  test(`Sampler (${name}) matches \`dmt sample\` on the same seed`, async () => {
    const dmt = await load();
    const dir = tmpdir();
    try {
      const config = { target, sampler, particles: 300, steps: 150, seed: 5, threads: 1 };
      fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ ...config, out: path.join(dir, 'x.npy') }));
      native(['sample', '--config', path.join(dir, 'c.json')]);
      const ref = readNpy(path.join(dir, 'x.npy'));
      const s = new dmt.Sampler();
      s.init({ target, sampler, particles: 300, seed: 5 });
      s.step(100);
      s.step(50);  // two calls: the same as one run of 150
      const x = s.particles();
      assert.strictEqual(x.length, ref.data.length);
      let ok = 0;
      for (let i = 0; i < x.length; i++) if (close(x[i], ref.data[i])) ok++;
      // MALA may flip a rare accept decision on a last-bit difference
      assert.ok(ok / x.length >= tolShare, `${name}: ${ok} of ${x.length} coordinates agree`);
      assert.strictEqual(s.stats().steps, 150);
      s.delete();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the seeded initial particles (Philox + Box-Muller) are bit-identical to the native build', async () => {
  const dmt = await load();
  const dir = tmpdir();
  try {
    const target = { name: 'funnel', dim: 3 };
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ target, sampler: 'ula', particles: 50, steps: 0, seed: 9,
                                                                threads: 1, out: path.join(dir, 'x.npy') }));
    native(['sample', '--config', path.join(dir, 'c.json')]);
    const ref = readNpy(path.join(dir, 'x.npy')).data;
    const s = new dmt.Sampler();
    s.init({ target, sampler: 'ula', particles: 50, seed: 9 });
    assert.deepStrictEqual(Array.from(s.particles()), Array.from(ref));
    s.delete();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('smc: weights, ESS and log Z, and the same log Z as `dmt sample`', async () => {
  const dmt = await load();
  const dir = tmpdir();
  try {
    const sampler = { name: 'smc', reference_scale: 8, moves: 2 };
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ target: 'gmm25', sampler, particles: 1000, steps: 30, seed: 4,
                                                                threads: 1, metrics: path.join(dir, 'm.json') }));
    native(['sample', '--config', path.join(dir, 'c.json')]);
    const ref = JSON.parse(fs.readFileSync(path.join(dir, 'm.json'), 'utf8'));
    const s = new dmt.Sampler();
    s.init({ target: 'gmm25', sampler, particles: 1000, seed: 4 });
    const st0 = s.stats();
    assert.strictEqual(st0.logZ, 0);
    assert.strictEqual(st0.beta, 0);
    s.step(30);
    const st = s.stats();
    assert.strictEqual(st.beta, 1);
    // the same arithmetic in float32 kernels on both sides: log Z agrees to 1e-3 (absolute)
    assert.ok(Math.abs(st.logZ - ref.log_z) < 1e-3, `log Z ${st.logZ} vs native ${ref.log_z}`);
    const w = s.weights();
    assert.strictEqual(w.length, 1000);
    let sum = 0, sum2 = 0;
    for (const v of w) { sum += v; sum2 += v * v; }
    assert.ok(Math.abs(sum - 1) < 1e-4, `weights sum to ${sum}`);
    assert.ok(Math.abs(st.ess - 1 / sum2) < 1e-2 * st.ess, `ESS ${st.ess} vs 1 / sum W^2 = ${1 / sum2}`);
    assert.strictEqual(st.energyEvaluations, ref.energy_evaluations);
    // the weight diagnostics: the same as `dmt sample`'s (float32 kernels on both sides, as log Z)
    // (dmt sample also compares with the target's known answers -- log Z, modes, sliced W2 -- which the
    // Sampler leaves to the page's charts for weighted samplers)
    assert.deepStrictEqual(st.warnings, ref.warnings.filter((w) => /^(ESS fell|Pareto k-hat|non-finite)/.test(w)));
    assert.ok(Math.abs(st.minEss - ref.weight_diagnostics.min_ess) < 1e-2 * ref.weight_diagnostics.min_ess,
      `min ESS ${st.minEss} vs native ${ref.weight_diagnostics.min_ess}`);
    // an ESS collapse (JALA with h = 1 on gmm25, as tests/cli/strict_cli.sh) warns here too
    const bad = new dmt.Sampler();
    bad.init({ target: 'gmm25', sampler: { name: 'jala', step_size: 1.0 }, particles: 1000, seed: 1 });
    bad.step(200);
    assert.strictEqual(bad.stats().warnings.length, 1);
    assert.match(bad.stats().warnings[0], /^ESS fell to [0-9.]+ of 1000 particles at step [0-9]+ \(below max\(N\/100, 5\) = 10\)/);
    bad.delete();
    const jala = new dmt.Sampler();
    jala.init({ target: 'gmm25', sampler: { name: 'jala', reference_scale: 8, levels: 20 }, particles: 500, seed: 2 });
    jala.step(20);
    assert.strictEqual(jala.stats().beta, 1);
    assert.ok(Math.abs(jala.stats().logZ) < 0.3, `jala log Z ${jala.stats().logZ}`);
    jala.delete();
    // a sampler without trace_particles (dalmc) runs through the same Sampler
    const dalmc = new dmt.Sampler();
    dalmc.init({ target: 'gmm25', sampler: { name: 'dalmc', levels: 20 }, particles: 200, seed: 2 });
    dalmc.step(25);
    assert.strictEqual(dalmc.particles().length, 400);
    assert.ok(dalmc.stats().energyEvaluations > 0);
    dalmc.delete();
    const mala = new dmt.Sampler();
    mala.init({ target: 'gmm25', particles: 10 });
    assert.strictEqual(mala.weights(), null);
    assert.strictEqual(mala.stats().logZ, null);
    // 10 particles from N(0, I) sit near gmm25's central mode while 10 exact samples spread over up to
    // 10 modes: the Sampler says the particles miss modes (modeCoverage against modeCoverageExact)
    const ms = mala.stats();
    assert.strictEqual(ms.modeCoverage, 1 / 25);
    assert.ok(ms.modeCoverageExact > ms.modeCoverage, `exact coverage ${ms.modeCoverageExact}`);
    assert.strictEqual(ms.warnings.length, 1);
    assert.match(ms.warnings[0], /^the samples cover 1 of the target's 25 modes where as many exact samples cover [0-9]+: the sampler missed modes$/);
    const g = new dmt.Sampler();
    g.init({ target: 'gaussian', particles: 10 });
    assert.strictEqual(g.stats().modeCoverage, undefined);  // no modes listed: nothing compared
    assert.deepStrictEqual(g.stats().warnings, []);
    assert.strictEqual(g.stats().rhat, null);  // no steps traced yet
    // MCMC chains: the split R-hat of x0 over the trace's second half (at most its last 2000 steps; 16
    // chains open-ended), as dmt sample's: on the doublewell MALA's chains stay in their wells (dmt sample's
    // 1.67 at 64 chains), on the Gaussian they mix (1.03)
    g.step(1500);  // 500 adapting, then 1000 traced
    assert.ok(g.stats().rhat > 1 && g.stats().rhat < 1.05, `gaussian R-hat ${g.stats().rhat}`);
    assert.deepStrictEqual(g.stats().warnings, []);
    g.delete();
    const dw = new dmt.Sampler();
    dw.init({ target: 'doublewell', particles: 200, seed: 1 });
    dw.step(1500);
    const ds = dw.stats();
    assert.ok(ds.rhat > 1.3, `doublewell R-hat ${ds.rhat}`);
    assert.deepStrictEqual(ds.warnings.map((w) => w.replace(/ is [0-9.]+ /, ' is R ')), [
      'split R-hat of x0 over the last 500 steps of the 16 traced chains is R (above 1.05; rank-normalised, ' +
        'Vehtari et al. 2021): the chains have not mixed; run longer, or the target has modes they do not cross',
    ]);
    dw.delete();
    s.delete();
    mala.delete();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('particles() is a zero-copy view on wasm memory', async () => {
  const dmt = await load();
  const s = new dmt.Sampler();
  s.init({ target: 'gmm25', sampler: { name: 'ula', step_size: 0.1 }, particles: 100, seed: 1 });
  const v1 = s.particles();
  assert.strictEqual(v1.buffer, dmt.HEAPF32.buffer);
  const before = v1[0];
  s.step(1);
  const v2 = s.particles();
  assert.strictEqual(v2.byteOffset, v1.byteOffset);
  assert.notStrictEqual(v2[0], before);
  assert.strictEqual(v1[0], v2[0]);  // the old view sees the new values: no copy was made
  const st = s.stats();
  assert.strictEqual(st.acceptance, 1);
  assert.strictEqual(st.particles, 100);
  s.delete();
});

test('Trainer: the loss curve matches `dmt train`, and model files cross between the builds', async () => {
  const dmt = await load();
  const dir = tmpdir();
  try {
    const config = { target: 'gmm25', steps: 10, batch: 32, iterations: 20, seed: 3, network: { hidden: 16, harmonics: 8 },
                     eval_every: 0, log_every: 1, threads: 1 };
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify(config));
    native(['train', path.join(dir, 'c.json'), '--out', path.join(dir, 'run')]);
    const rows = fs.readFileSync(path.join(dir, 'run', 'loss.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    assert.strictEqual(rows.length, 20);
    const tr = new dmt.Trainer();
    tr.init(config);
    const losses = [];
    for (let i = 0; i < 20; i++) losses.push(tr.trainStep(1));
    for (let i = 0; i < 20; i++) {
      assert.strictEqual(losses[i].iteration, rows[i][0]);
      // 20 Adam steps amplify last-bit differences a little: relative 1e-3
      assert.ok(close(losses[i].loss, rows[i][1], 1e-3), `loss ${i}: ${losses[i].loss} vs native ${rows[i][1]}`);
      assert.ok(close(losses[i].logZ, rows[i][2], 1e-3), `log Z ${i}: ${losses[i].logZ} vs native ${rows[i][2]}`);
    }
    // native model -> wasm: the same samples as `dmt sample --model`
    const model = new Uint8Array(fs.readFileSync(path.join(dir, 'run', 'model.dmt')));
    const loaded = new dmt.Trainer();
    loaded.loadModel(model);
    assert.strictEqual(loaded.iteration, 20);
    native(['sample', '--model', path.join(dir, 'run', 'model.dmt'), '--particles', '200', '--steps', '10', '--seed', '7',
            '--threads', '1', '--out', path.join(dir, 's.npy')]);
    assertClose(loaded.sample(200, 10, 7), readNpy(path.join(dir, 's.npy')).data, relTol, 'model samples');
    // wasm model -> native: `dmt eval` reads it
    fs.writeFileSync(path.join(dir, 'w.dmt'), tr.saveModel());
    const ev = JSON.parse(native(['eval', '--model', path.join(dir, 'w.dmt'), '--samples', '100', '--threads', '1']));
    assert.ok(close(ev.log_z_learned, losses[19].logZ, 1e-6), `eval log Z ${ev.log_z_learned}`);
    const traj = tr.trajectories(4, 10, 2);
    assert.strictEqual(traj.length, 11 * 4 * 2);
    assert.deepStrictEqual(Array.from(traj.slice(0, 8)), [0, 0, 0, 0, 0, 0, 0, 0]);  // x_0 = 0
    const m = tr.metrics(200);
    assert.strictEqual(m.logZTrue, 0);
    assert.ok(m.modeCoverage >= 0 && m.modeCoverage <= 1);
    tr.delete();
    loaded.delete();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Gaussian OT, IPF iterates and the bridge match `dmt ot gaussian`', async () => {
  const dmt = await load();
  const dir = tmpdir();
  try {
    const A = { mean: [0.5, -1, 2], cov: [[2, 0.3, 0.1], [0.3, 1, -0.2], [0.1, -0.2, 0.5]] };
    const B = { mean: [1, 0, -1], cov: [[1, -0.4, 0], [-0.4, 1.5, 0.3], [0, 0.3, 0.8]] };
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(A));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(B));
    const ref = JSON.parse(native(['ot', 'gaussian', '--a', path.join(dir, 'a.json'), '--b', path.join(dir, 'b.json'),
                                   '--reg', '0.5', '--iterations', '25']));
    const r = dmt.gaussianOT(A, B, { reg: 0.5 });
    assert.ok(close(r.cost, ref.cost, 1e-12));
    assertClose(r.cross, ref.cross_covariance.flat(), 1e-12, 'cross covariance');
    assertClose(r.mapMatrix, ref.map.matrix.flat(), 1e-12, 'map');
    assert.ok(close(r.divergence, ref.sinkhorn_divergence, 1e-12));
    assert.ok(close(r.w2Squared, ref.bures.w2_squared, 1e-12));
    const ipf = dmt.gaussianIPF(A, B, { reg: 0.5, iterations: 25 });
    assertClose(ipf.iterates.map((i) => i.error), ref.ipf.iterates.map((i) => i.error), 1e-9, 'IPF errors');
    for (let k = 1; k < ipf.iterates.length; k++) assert.ok(ipf.iterates[k].error < ipf.iterates[k - 1].error, 'monotone');
    const m = dmt.bridgeMarginal(A, B, { reg: 0.5, t: 0 });
    assertClose(m.cov, A.cov.flat(), 1e-12, 'bridge marginal at t = 0');
    const paths = dmt.bridgePaths(A, B, { reg: 0.5, paths: 5, times: [0, 0.5, 1] });
    assert.strictEqual(paths.length, 5 * 3 * 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('point-cloud Sinkhorn matches `dmt ot sinkhorn`', async () => {
  const dmt = await load();
  const dir = tmpdir();
  try {
    const x = new Float64Array(2 * 60), y = new Float64Array(2 * 50);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(0.37 * i + 0.2) * 1.5;
    for (let i = 0; i < y.length; i++) y[i] = Math.cos(0.53 * i) + 0.5;
    writeNpy(path.join(dir, 'x.npy'), x, [60, 2]);
    writeNpy(path.join(dir, 'y.npy'), y, [50, 2]);
    const ref = JSON.parse(native(['ot', 'sinkhorn', '--x', path.join(dir, 'x.npy'), '--y', path.join(dir, 'y.npy'), '--reg', '0.1',
                                   '--threads', '1', '--out', path.join(dir, 'fg.npy')]));
    const fg = readNpy(path.join(dir, 'fg.npy')).data;
    const r = dmt.sinkhorn(x, y, { dim: 2, reg: 0.1, plan: true });
    assert.ok(close(r.cost, ref.cost, 1e-10), `cost ${r.cost} vs ${ref.cost}`);
    assert.strictEqual(r.iterations, ref.iterations);
    assertClose(r.f, fg.slice(0, 60), 1e-9, 'f');
    assertClose(r.g, fg.slice(60), 1e-9, 'g');
    // the small-problem path (stored kernel) against the online log domain, both in wasm
    assert.ok(r.storedKernel && r.kernelIterations === r.iterations - 1, JSON.stringify([r.storedKernel, r.kernelIterations]));
    const online = dmt.sinkhorn(x, y, { dim: 2, reg: 0.1, storage: 'online' });
    assert.ok(!online.storedKernel && online.kernelIterations === 0);
    assert.strictEqual(online.iterations, r.iterations);
    assertClose(online.f, r.f, 1e-11, 'online f');
    let total = 0;
    for (const p of r.plan) total += p;
    assert.ok(Math.abs(total - 1) < 1e-8, `plan mass ${total}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: every entry point throws an Error naming the problem', async () => {
  const dmt = await load();
  const t = new dmt.Target('gmm25');
  const s = new dmt.Sampler();
  const tr = new dmt.Trainer();
  const A = { mean: [0, 0], cov: [[1, 0], [0, 1]] };
  const cases = [
    [() => new dmt.Target('nope'), /unknown target 'nope'/],
    [() => new dmt.Target('funnel', { scale: NaN }), /'scale' is NaN/],
    [() => new dmt.Target('funnel', { sharpness: 2 }), /unknown parameter 'sharpness'/],
    [() => new dmt.Target('funnel', { dim: 1 }), /dim/],
    [() => t.logDensity(new Float32Array(3)), /x has length 3, not a positive multiple of 2/],
    [() => t.logDensity('0,0'), /x must be a Float32Array/],
    [() => t.gradient([0, NaN]), /x\[1\] is NaN/],
    [() => t.sampleExact(-1), /sample count must be between 1/],
    [() => s.step(1), /sampler not initialised/],
    [() => s.particles(), /sampler not initialised/],
    [() => s.init({ target: 'gmm25', sampler: 'foo' }), /unknown sampler 'foo'/],
    [() => s.init({ target: 'gmm25', sampler: { name: 'mala', step_size: Infinity } }), /'step_size' is Infinity/],
    [() => s.init({ target: 'gmm25', particles: 0 }), /particles must be between 1/],
    [() => s.init({ target: 'gmm25', particles: 2.5 }), /particles must be an integer/],
    [() => s.init({ target: 'gmm25', walkers: 3 }), /unknown sampler config key 'walkers'/],
    [() => s.init({ target: 'gmm25', steps: -1 }), /steps must be between 0/],
    [() => s.init({ target: 'gmm25', sampler: { name: 'ula', adapt_steps: 5 } }), /unknown parameter 'adapt_steps' for sampler ula/],
    [() => s.init({ target: 'gmm25', sampler: { name: 'smc', resample_threshold: 2 } }), /resample_threshold must be in \(0, 1\]/],
    [() => s.init({ target: 'gmm25', sampler: { name: 'smc', betas: [0.5, 0.2, 1] } }), /betas must increase/],
    [() => s.init({ target: 'gmm25', sampler: 'smc', particles: 2, init: new Float32Array(4) }), /takes no initial particles/],
    [() => s.init({ target: 'gmm25', sampler: { name: 'jala', step_size: -1 } }), /jala: step_size must be positive/],
    [() => s.init({ sampler: 'mala' }), /names no target/],
    [() => s.init({ target: 'gmm25', particles: 2, init: new Float32Array(3) }), /init has length 3/],
    [() => s.init('gmm25'), /sampler config must be an object/],
    [() => tr.trainStep(1), /trainer not initialised/],
    [() => tr.init({ target: 'gmm25', losses: ['nope'] }), /unknown loss 'nope'/],
    [() => tr.init({ target: 'gmm25', batch: -3 }), /batch must be positive/],
    [() => tr.init({ target: 'gmm25', lr: NaN }), /'lr' is NaN/],
    [() => tr.init({ target: 'gmm25', device: 'cuda' }), /the WebAssembly build trains on the CPU/],
    [() => tr.init({ target: 'gmm25', buffer: { capacity: 0 } }), /buffer capacity must be positive/],
    [() => tr.loadModel(new Uint8Array([1, 2, 3])), /model file/],
    [() => tr.loadModel('model.dmt'), /Uint8Array/],
    [() => dmt.gaussianOT(A, { mean: [0] }, { reg: 1 }), /beta must be \{mean/],
    [() => dmt.gaussianOT(A, { mean: [0, 0], cov: [[1, 2], [2, 1]] }, { reg: 1 }), /positive definite/],
    [() => dmt.gaussianOT(A, A, { reg: -1 }), /reg must be non-negative/],
    [() => dmt.gaussianOT(A, A, {}), /need 'reg'/],
    [() => dmt.gaussianIPF(A, A, { reg: 1, iterations: 0 }), /'iterations' must be an integer/],
    [() => dmt.gaussianIPF(A, A, { reg: 1, sweeps: 3 }), /unknown option 'sweeps'/],
    [() => dmt.bridgePaths(A, A, { reg: 1, times: [0.5, 0.2] }), /bridge times must increase/],
    [() => dmt.sinkhorn([0, 0], [1, 1], {}), /'dim' must be an integer/],
    [() => dmt.sinkhorn([0, 0, 1], [1, 1], { dim: 2 }), /x has length 3/],
    [() => dmt.sinkhorn([0, 0], [1, 1], { dim: 1, a: [0.5, 0.6] }), /weights/],
    [() => dmt.sinkhorn([0, 0], [1, 1], { dim: 1, cost: 'manhattan' }), /cost/],
    [() => dmt.sinkhorn([0, 0], [1, 1], { dim: 1, storage: 'disk' }), /option 'storage' must be "auto", "kernel" or "online"/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e) => e instanceof Error && re.test(e.message), `expected ${re}`);
  // a failed init keeps the previous state
  s.init({ target: 'gmm25', particles: 10 });
  assert.throws(() => s.init({ target: 'nope' }));
  assert.strictEqual(s.stats().particles, 10);
  t.delete();
  s.delete();
  tr.delete();
});
