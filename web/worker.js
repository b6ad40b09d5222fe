// The demo's compute thread: loads the WebAssembly module once and answers requests from the page
// (app.js) and the custom elements (elements.js). Messages: {id, cmd, args} -> {id, result} or
// {id, error}. Typed arrays in results are copies transferred to the page.
import createDmt from './dmt.mjs';

const ready = createDmt();
let sampler = null;
let trainer = null;
let fitters = [];  // the Fit panel's dmt.Fitter objects, one per algorithm

function copy(view) {
  return view.slice();  // out of wasm memory, so the buffer can be transferred
}

// log R on a res x res grid over [x0, x1] x [y0, y1] (row 0 at y1), other coordinates 0
function densityGrid(dmt, { target, params, bounds, res }) {
  const t = new dmt.Target(target, params);
  try {
    const d = t.dim;
    const [x0, x1, y0, y1] = bounds;
    const pts = new Float32Array(res * res * d);
    for (let r = 0; r < res; r++)
      for (let c = 0; c < res; c++) {
        const k = (r * res + c) * d;
        pts[k] = x0 + ((c + 0.5) / res) * (x1 - x0);
        pts[k + 1] = y1 - ((r + 0.5) / res) * (y1 - y0);
      }
    return t.logDensity(pts);
  } finally {
    t.delete();
  }
}

// A view box for coordinates 0 and 1: exact samples' 0.5-99.5 % range, else the modes, else [-4, 4]
function viewBounds(dmt, { target, params }) {
  const t = new dmt.Target(target, params);
  try {
    let xs = null;
    if (t.hasExactSampler) xs = t.sampleExact(4000, 1);
    else if (t.modes().length) xs = Float32Array.from(t.modes());
    const d = t.dim;
    if (!xs || d < 2) return { bounds: [-4, 4, -4, 4], dim: d };
    const axis = (j) => {
      const v = [];
      for (let i = j; i < xs.length; i += d) v.push(xs[i]);
      v.sort((a, b) => a - b);
      let lo = v[Math.floor(0.005 * (v.length - 1))], hi = v[Math.ceil(0.995 * (v.length - 1))];
      if (!t.hasExactSampler) { lo -= 3 * t.modeRadius; hi += 3 * t.modeRadius; }
      const pad = 0.12 * (hi - lo || 1);
      return [lo - pad, hi + pad];
    };
    const [a, b] = axis(0), [c, e] = axis(1);
    return { bounds: [a, b, c, e], dim: d, modes: Array.from(t.modes()) };
  } finally {
    t.delete();
  }
}

const handlers = {
  registry: (dmt) => ({ targets: dmt.targets(), samplers: dmt.samplers(), mmle: dmt.mmle(), version: dmt.version() }),
  view: (dmt, a) => viewBounds(dmt, a),
  density: (dmt, a) => densityGrid(dmt, a),
  sampleInit: (dmt, config) => {
    const s = new dmt.Sampler();
    try {
      s.init(config);
    } catch (e) {
      s.delete();
      throw e;
    }
    sampler?.delete();
    sampler = s;
    return { particles: copy(s.particles()), stats: s.stats() };
  },
  sampleStep: (dmt, { steps }) => {
    if (!sampler) throw new Error('no sampler: press Reset');
    const t0 = performance.now();
    sampler.step(steps);
    return { particles: copy(sampler.particles()), stats: sampler.stats(), ms: performance.now() - t0 };
  },
  trainInit: (dmt, config) => {
    const t = new dmt.Trainer();
    try {
      t.init(config);
    } catch (e) {
      t.delete();
      throw e;
    }
    trainer?.delete();
    trainer = t;
    return { iteration: 0 };
  },
  trainStep: (dmt, { iterations }) => {
    if (!trainer) throw new Error('no trainer: press Reset');
    return trainer.trainStep(iterations);
  },
  trainSample: (dmt, { n, trajectories }) => {
    if (!trainer) throw new Error('no trainer: press Reset');
    return { samples: trainer.sample(n), trajectories: trajectories ? trainer.trajectories(trajectories) : null,
             steps: trainer.config().steps };
  },
  trainMetrics: (dmt, { n }) => {
    if (!trainer) throw new Error('no trainer: press Reset');
    return trainer.metrics(n);
  },
  fitInit: (dmt, { model, algorithms, particles, seed }) => {
    const made = [];
    try {
      for (const algorithm of algorithms) {
        const f = new dmt.Fitter();
        made.push(f);
        const config = { model, algorithm, seed };
        if (particles !== undefined) config.particles = particles;
        f.init(config);
      }
    } catch (e) {
      made.forEach((f) => f.delete());
      throw e;
    }
    fitters.forEach((f) => f.delete());
    fitters = made;
    return { runs: fitters.map((f) => ({ thetaPath: f.thetaPath(), particles: f.particles(), stats: f.stats() })) };
  },
  fitStep: (dmt, { steps }) => {
    const t0 = performance.now();
    for (const f of fitters) f.step(steps);
    return { runs: fitters.map((f) => ({ thetaPath: f.thetaPath(), particles: f.particles(), stats: f.stats() })),
             ms: performance.now() - t0 };
  },
  transport: (dmt, { alpha, beta, reg, iterations, cloud }) => {
    const ot = dmt.gaussianOT(alpha, beta, { reg });
    const ipf = dmt.gaussianIPF(alpha, beta, { reg, iterations });
    const times = [];
    for (let k = 0; k <= 40; k++) times.push(k / 40);
    const paths = dmt.bridgePaths(alpha, beta, { reg, times, paths: 60, seed: 7 });
    // pairs (x, y) drawn from the closed-form entropic plan: the bridge's end points
    const pairs = dmt.bridgePaths(alpha, beta, { reg, times: [0, 1], paths: 150, seed: 3 });
    let sink = null;
    if (cloud > 0) {
      // clouds drawn from the two Gaussians: the bridge's end points at t = 0 and t = 1
      const ends = dmt.bridgePaths(alpha, beta, { reg, times: [0, 1], paths: cloud, seed: 11 });
      const x = new Float64Array(2 * cloud), y = new Float64Array(2 * cloud);
      for (let i = 0; i < cloud; i++) {
        x.set(ends.subarray(4 * i, 4 * i + 2), 2 * i);
        y.set(ends.subarray(4 * i + 2, 4 * i + 4), 2 * i);
      }
      const r = dmt.sinkhorn(x, y, { dim: 2, reg, plan: true });
      sink = { x, y, plan: r.plan, cost: r.cost, iterations: r.iterations, converged: r.converged };
    }
    return { ot, errors: ipf.iterates.map((i) => i.error), contraction: ipf.contraction, paths, times, pairs, sinkhorn: sink };
  },
};

onmessage = async (ev) => {
  const { id, cmd, args } = ev.data;
  try {
    const dmt = await ready;
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unknown command '${cmd}'`);
    const result = handler(dmt, args ?? {});
    const transfer = [];
    const collect = (v) => {
      if (ArrayBuffer.isView(v)) {
        if (v.buffer === dmt.HEAPF32.buffer) throw new Error(`internal: '${cmd}' returned a view on wasm memory`);
        transfer.push(v.buffer);
      }
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(result);
    postMessage({ id, result }, [...new Set(transfer)]);
  } catch (e) {
    postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
