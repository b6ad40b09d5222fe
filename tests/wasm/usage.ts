// Type-checked against wasm/dmt.d.ts by tests/wasm/typecheck (tsc --noEmit --strict): the documented
// API as a user writes it. Never run.
import createDmt, { DmtModule, SamplerStats, TrainMetrics } from "../../wasm/dmt";

async function main(): Promise<void> {
  const dmt: DmtModule = await createDmt({ locateFile: (p) => "/static/" + p });
  const names: string[] = dmt.targets().map((t) => t.name);
  const firstParam: string = dmt.samplers()[0].parameters[0].default;
  const t = new dmt.Target("funnel", { dim: 2, scale: 3 });
  const lr: Float32Array = t.logDensity(new Float32Array([0, 0, 1, 1]));
  const g: Float32Array = t.gradient([0.5, 0.5]);
  const z: number | null = t.logNormaliser();
  const ex: Float32Array = t.sampleExact(100, 7);
  t.delete();

  const s = new dmt.Sampler();
  s.init({ target: "gmm25", sampler: { name: "mala", step_size: 0.5, adapt_steps: 100 }, particles: 2000, seed: 3 });
  s.step(5);
  const view: Float32Array = s.particles();
  const copy: Float32Array = view.slice();
  const st: SamplerStats = s.stats();
  const acc: number | null = st.acceptance;
  s.delete();

  const tr = new dmt.Trainer();
  tr.init({ target: "gmm25", steps: 20, batch: 128, losses: ["tb"], network: { hidden: 64 }, exploration: 0.5 });
  const loss: number = tr.trainStep(10).loss;
  const xs: Float32Array = tr.sample(500);
  const paths: Float32Array = tr.trajectories(16, 20, 2);
  const m: TrainMetrics = tr.metrics(500);
  const bytes: Uint8Array = tr.saveModel();
  tr.loadModel(bytes);
  const it: number = tr.iteration;
  tr.delete();

  const A = { mean: [0, 0], cov: [[1, 0.5], [0.5, 2]] };
  const B = { mean: [1, 2], cov: [2, 0, 0, 1] };
  const cost: number = dmt.gaussianOT(A, B, { reg: 0.5 }).cost;
  const errs: number[] = dmt.gaussianIPF(A, B, { reg: 0.5, iterations: 20 }).iterates.map((i) => i.error);
  const cov: Float64Array = dmt.bridgeMarginal(A, B, { reg: 0.5, t: 0.3 }).cov;
  const bp: Float64Array = dmt.bridgePaths(A, B, { reg: 0.5, paths: 10 });
  const r = dmt.sinkhorn(new Float64Array(20), new Float64Array(30), { dim: 2, reg: 0.1, plan: true });
  const plan: Float64Array | undefined = r.plan;
  const fr = dmt.fit({ model: "blr_wisconsin", algorithms: ["pgd", { name: "pqn" }], steps: 20 });
  const lppd: number | undefined = fr.algorithms[0].test?.lppd;
  const fitter = new dmt.Fitter();
  fitter.init({ model: "toy_hierarchical", algorithm: "pmgd" });
  const taken: number = fitter.step(10);
  const thetaPath: Float64Array = fitter.thetaPath();
  const fs = fitter.stats();
  const models: string[] = dmt.mmle().models.map((m) => m.name);
  fitter.delete();
  // The declarations reject misuse (tsc fails if any of these lines type-checks):
  // @ts-expect-error: a fit config needs a model
  dmt.fit({ algorithm: "pgd" });
  // @ts-expect-error: a string is not an array of numbers
  t.logDensity("0,0");
  // @ts-expect-error: a sampler config needs a target
  s.init({ particles: 10 });
  // @ts-expect-error: trainStep returns statistics, not a number
  const wrong: number = tr.trainStep(1);
  // @ts-expect-error: gaussianOT needs options with reg
  dmt.gaussianOT(A, B);
  console.log(wrong, names, firstParam, lr, g, z, ex, copy, acc, loss, xs, paths, m, it, cost, errs, cov, bp, plan);
  console.log(lppd, taken, thetaPath, fs.theta, fs.test?.lppd, models);
}

main();
