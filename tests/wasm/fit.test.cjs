// The WebAssembly module's MMLE API (mmle(), fit(), dmt.Fitter; docs/mmle.md) against `dmt fit` of the
// native build on the same seeds, and its input validation. DMT_MODULE_NODE: dmt-node.cjs;
// DMT_NATIVE_DIR: the native build.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const modulePath = process.env.DMT_MODULE_NODE;
const nativeDir = process.env.DMT_NATIVE_DIR;
const dmtCli = nativeDir && path.join(nativeDir, 'native', 'dmt');
// float64 throughout; the builds differ in SIMD width (2 vs 8 doubles: the same lanes, the same
// formulas) and libm (exp, log1p, sin, cos), so they agree to rounding: 1e-9 relative.
const relTol = 1e-9;

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
function assertClose(actual, expected, what, tol = relTol) {
  assert.strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} vs native ${expected[i]}`);
}
function nativeFit(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmt-fit-'));
  native(['fit', ...args, '--threads', '1', '--out', dir]);
  return { metrics: JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'))), dir };
}
function csvColumn(file, column) {
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n');
  const k = rows[0].split(',').indexOf(column);
  return rows.slice(1).map((r) => Number(r.split(',')[k]));
}

test('mmle() is `dmt models --json`', async () => {
  const dmt = await load();
  assert.deepStrictEqual(dmt.mmle(), JSON.parse(native(['models', '--json'])));
});

test('fit(): PGD, PQN, PMGD on the Wisconsin model give `dmt fit`\'s theta paths and test scores', async () => {
  const dmt = await load();
  const config = { model: 'blr_wisconsin', algorithms: ['pgd', 'pqn', 'pmgd'], particles: 40, steps: 60, burn_in: 30, seed: 3 };
  const js = dmt.fit(config);
  const { metrics, dir } = nativeFit(['--model', 'blr_wisconsin', '--algorithm', 'pgd,pqn,pmgd', '--particles', '40',
    '--steps', '60', '--burn-in', '30', '--seed', '3']);
  for (let a = 0; a < 3; a++) {
    const name = metrics.algorithms[a].name;
    assert.strictEqual(js.algorithms[a].name, name);
    assertClose(js.algorithms[a].theta_path, csvColumn(path.join(dir, `theta_${name}.csv`), 'prior_mean'), `${name} theta`);
    assertClose([js.algorithms[a].test.lppd, js.algorithms[a].test.error_per_particle],
      [metrics.algorithms[a].test.lppd, metrics.algorithms[a].test.error_per_particle], `${name} test`);
    assert.deepStrictEqual(js.algorithms[a].settings, metrics.algorithms[a].settings);
  }
});

test('fit(): JALA-EM\'s log Z path on the Gaussian linear model matches `dmt fit` and the exact value', async () => {
  const dmt = await load();
  const js = dmt.fit({ model: 'linear_gaussian', algorithm: { name: 'jala_em', resample_threshold: 0 }, seed: 2 });
  const { metrics, dir } = nativeFit(['--model', 'linear_gaussian', '--algorithm', 'jala_em',
    '--algorithm-param', 'resample_threshold=0', '--seed', '2']);
  assertClose(js.algorithms[0].log_z_path, csvColumn(path.join(dir, 'theta_jala_em.csv'), 'log_z'), 'log Z');
  assert.ok(Math.abs(js.algorithms[0].log_z - metrics.algorithms[0].log_marginal_exact_at_theta_final) < 0.6);
});

test('Fitter: stepping in pieces gives fit()\'s run exactly; stats and result', async () => {
  const dmt = await load();
  const config = { model: 'toy_hierarchical', algorithm: 'pmgd', seed: 4 };
  const whole = dmt.fit(config).algorithms[0];
  const f = new dmt.Fitter();
  f.init(config);
  let taken = 0;
  for (const k of [1, 7, 50, 1000]) taken += f.step(k);
  assert.strictEqual(taken, 300);
  assert.deepStrictEqual(Array.from(f.thetaPath()), whole.theta_path);
  const s = f.stats();
  assert.strictEqual(s.step, 300);
  assert.strictEqual(s.done, true);
  assert.deepStrictEqual(s.thetaNames, ['theta']);
  assert.ok(Math.abs(s.thetaMean[0] - s.thetaMleExact[0]) < 0.1, `${s.thetaMean} vs ${s.thetaMleExact}`);
  assert.strictEqual(f.particles().length, 10 * 100);
  assert.strictEqual(f.logZPath(), null);
  assert.deepStrictEqual(f.result().algorithms[0].theta_mean_after_burn_in, whole.theta_mean_after_burn_in);
  f.delete();
});

test('bad input: fit() and Fitter throw an Error naming the problem', async () => {
  const dmt = await load();
  const throws = (f, re) => assert.throws(f, (e) => e instanceof Error && re.test(e.message), re.toString());
  throws(() => dmt.fit({ model: 'toy', algorithm: 'pgd' }), /unknown model 'toy'/);
  throws(() => dmt.fit({ model: 'toy_hierarchical', algorithm: 'em' }), /unknown algorithm 'em'/);
  throws(() => dmt.fit({ model: 'toy_hierarchical', algorithm: 'pgd', step_size: 0 }), /step size must be positive/);
  throws(() => dmt.fit({ model: 'toy_hierarchical', algorithm: 'pgd', stepsize: 1 }), /unknown key 'stepsize'/);
  throws(() => dmt.fit({ model: 'toy_hierarchical', algorithm: 'pgd', out: 'x' }), /'out' and 'threads' are for the command line/);
  throws(() => dmt.fit({ model: 'toy_hierarchical', algorithm: 'pmgd', step_size: 1.5, steps: 3000 }), /particle \d+ diverged at step \d+/);
  throws(() => dmt.fit({ model: { name: 'toy_hierarchical', theta0: NaN }, algorithm: 'pgd' }), /NaN/);
  const f = new dmt.Fitter();
  throws(() => f.step(1), /fitter not initialised/);
  throws(() => f.init({ model: 'toy_hierarchical', algorithms: ['pgd', 'pqn'] }), /a Fitter runs one algorithm/);
  throws(() => f.init({ model: 'toy_hierarchical', algorithm: 'pgd', repeats: 3 }), /a Fitter runs once/);
  f.init({ model: 'toy_hierarchical', algorithm: 'pgd' });
  throws(() => f.step(-1), /step count/);
  f.delete();
});
