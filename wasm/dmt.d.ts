// TypeScript declarations of the dmt WebAssembly module (dmt.mjs for browsers and workers,
// dmt-node.cjs for node). Hand-written; tests/wasm/usage.ts type-checks against it.
//
// Every function validates its arguments and throws an Error whose message names the problem.
// Objects created with `new` live in wasm memory: call delete() when done with them.

/** One documented parameter of a registry entry. */
export interface ParamDoc {
  name: string;
  /** "number", "integer", "boolean", "string", "list" or "number or list". */
  type: string;
  /** The default as text, e.g. "10", "[0, 0]", "identity", "steps/2 (500)". */
  default: string;
  meaning: string;
  /** Strings: the allowed values. */
  choices?: string[];
}

/** A target, sampler or loss of the registry (what the CLI's `dmt targets --json` prints). */
export interface ComponentDoc {
  name: string;
  summary: string;
  parameters: ParamDoc[];
  /** cuda, wasm; samplers: weighted, needs_gradient, needs_hessian; targets: exact_sampler, log_normaliser. */
  capabilities: { [key: string]: boolean };
}

/** Named parameters: numbers, strings, booleans or lists of numbers. */
export type Params = { [key: string]: number | string | boolean | number[] };

/** A registry entry by name, or by name with parameters. */
export type Component = string | ({ name: string } & Params);

/** Numbers accepted where the library reads an array. */
export type NumberArray = Float32Array | Float64Array | number[];

/** A Gaussian N(mean, cov); cov is d x d nested or flat row-major. */
export interface GaussianSpec {
  mean: number[] | Float64Array;
  cov: number[][] | number[] | Float64Array;
}

export interface Target {
  readonly name: string;
  readonly dim: number;
  readonly hasExactSampler: boolean;
  /** Length scale used for mode coverage (0 when the target is not a mixture). */
  readonly modeRadius: number;
  /** log R(x) for n = x.length / dim points (row-major n x dim). */
  logDensity(x: NumberArray): Float32Array;
  /** grad log R(x), n x dim row-major. */
  gradient(x: NumberArray): Float32Array;
  /** log Z where it is known exactly, else null. */
  logNormaliser(): number | null;
  /** n exact samples (n x dim), keyed by seed (default 1); throws when the target has none. */
  sampleExact(n: number, seed?: number): Float32Array;
  /** Mixture component locations (k x dim), empty for other targets. */
  modes(): Float64Array;
  /** The parameters the target was built with, every default filled in. */
  parameters(): Params;
  delete(): void;
}

export interface SamplerConfig {
  target: Component;
  /** Default "mala". Parameters as `dmt samplers` lists them (step_size, adapt_steps, ...). */
  sampler?: Component;
  /** Default 1000. */
  particles?: number;
  /** Default 1. */
  seed?: number;
  /**
   * The planned run length: run-dependent defaults follow it as in `dmt sample --steps` (MALA's
   * adapt_steps: half of it), so the same settings give the CLI's samples. Without it the run is
   * open-ended (adapt_steps 500, trace_particles 16).
   */
  steps?: number;
  /** Initial particles, particles x dim row-major. */
  init?: NumberArray;
}

export interface SamplerStats {
  sampler: string;
  target: string;
  steps: number;
  particles: number;
  dim: number;
  stepSize: number;
  /** Mean acceptance after adaptation (MALA); 1 for the unadjusted samplers; null before any. */
  acceptance: number | null;
  /** Multi-chain ESS of x_0 over the last chainEssWindow steps of the traced chains. */
  chainEss: number | null;
  chainEssWindow: number;
  chains: number;
  /** Rank-normalised split R-hat of x_0 over the second half of the traced steps (at most the last 2000);
   * above 1.05 a warning says the chains have not mixed. Null before 8 steps are traced or without chains. */
  rhat: number | null;
  meanLogDensity: number;
  /** Importance-sampling ESS (weighted samplers), else null. */
  ess: number | null;
  /** log Z estimate (weighted samplers), else null. */
  logZ: number | null;
  /** Weighted samplers: the smallest ESS so far (each step's, before resampling, and the current). */
  minEss?: number;
  /** Weighted samplers: Pareto k-hat of the current weights (null: not fittable, e.g. all equal). */
  paretoK?: number | null;
  /** Targets with listed modes and an exact sampler: the fraction of modes the particles cover (each
   * holding at least 10 % of its equal share). */
  modeCoverage?: number;
  /** The same for as many exact samples (drawn once at init). */
  modeCoverageExact?: number;
  /** One line per failed diagnostic (ESS collapse, Pareto k-hat, non-finite weights, fewer modes
   * covered than by exact samples, split R-hat above 1.05); [] when none. */
  warnings: string[];
  /** The target's exact log Z where known. */
  logNormaliser: number | null;
  /** smc: the current temperature b in [0, 1]. */
  beta?: number;
  /** Target evaluations so far, all particles counted. */
  energyEvaluations: number;
}

export interface Sampler {
  /** (Re)starts from a config; on error the previous state is kept. */
  init(config: SamplerConfig): void;
  /** Advances every particle by k steps. */
  step(k: number): void;
  /**
   * The particles (particles x dim) as a view on wasm memory, without a copy. The view is
   * invalidated by the next step(), init() or any call that grows the module's memory: read it
   * (or copy it with .slice()) before calling into the module again.
   */
  particles(): Float32Array;
  /** log R at the particles, also a view on wasm memory. */
  logDensities(): Float32Array;
  /** Normalised importance weights (a copy) for weighted samplers (smc), else null. */
  weights(): Float32Array | null;
  stats(): SamplerStats;
  readonly dim: number;
  readonly size: number;
  delete(): void;
}

/** The training config: the same keys as `dmt train`'s JSON config (README "Training diffusion samplers"). */
export interface TrainConfig {
  target: Component;
  sigma2?: number;
  steps?: number;
  grid?: "uniform" | "random" | number[];
  batch?: number;
  iterations?: number;
  losses?: (string | { name: string; weight?: number; lambda?: number })[];
  lr?: number;
  lr_log_z?: number;
  lr_flow?: number;
  optimizer?: "adam" | "adamw";
  weight_decay?: number;
  grad_clip?: number;
  seed?: number;
  network?: {
    hidden?: number;
    harmonics?: number;
    layers?: number;
    activation?: string;
    learned_variance?: boolean;
    log_var_range?: number;
    forward_looking?: boolean;
    langevin?: boolean;
    lgv_layers?: number;
    lgv_clip?: number;
    drift_clip?: number;
  };
  exploration?: number;
  exploration_iterations?: number;
  eval_every?: number;
  eval_samples?: number;
  eval_steps?: number;
  checkpoint_every?: number;
  log_every?: number;
  threads?: number;
}

export interface TrainStats {
  iteration: number;
  loss: number;
  /** The learned log Z. */
  logZ: number;
  /** The batch's ELBO. */
  elbo: number;
  gradNorm: number;
  exploration: number;
}

export interface TrainMetrics {
  iteration: number;
  samples: number;
  steps: number;
  logZLearned: number | null;
  elbo: number | null;
  logZRW: number | null;
  logZTrue: number | null;
  deltaLogZ: number | null;
  deltaLogZRW: number | null;
  eubo: number | null;
  essFraction: number | null;
  w2: number | null;
  mmd2: number | null;
  modeCoverage: number | null;
  /** One line per failed diagnostic (ESS/K below 1 %, log Z_RW - ELBO above 1 nat, EUBO - ELBO above 2 nats). */
  warnings: string[];
}

export interface Trainer {
  init(config: TrainConfig): void;
  /** Runs k training iterations; returns the last one's statistics. */
  trainStep(k: number): TrainStats;
  /** n samples x_T (n x dim) on a uniform grid of `steps` steps (default: the training T), keyed by seed. */
  sample(n: number, steps?: number, seed?: number): Float32Array;
  /** n whole trajectories: (steps + 1) x n x dim, row-major (time, particle, coordinate). */
  trajectories(n: number, steps?: number, seed?: number): Float32Array;
  /** Evaluation on `samples` model samples (default 1000): log Z estimates, W2, MMD, mode coverage. */
  metrics(samples?: number, steps?: number): TrainMetrics;
  /** Loads a model file written by `dmt train` or saveModel(): config, parameters, optimiser state. */
  loadModel(bytes: Uint8Array): void;
  /** The model file (readable by `dmt eval` / `dmt sample --model`). */
  saveModel(): Uint8Array;
  /** The normalised training config. */
  config(): TrainConfig;
  readonly iteration: number;
  readonly dim: number;
  delete(): void;
}

export interface GaussianOTResult {
  dim: number;
  s: number;
  /** OT_s (W2^2 when reg = 0). */
  cost: number;
  /** C = Cov(X, Y) under the optimal plan, d x d row-major. */
  cross: Float64Array;
  /** E[Y | X = x] = mapMatrix x + mapOffset. */
  mapMatrix: Float64Array;
  mapOffset: Float64Array;
  /** Cov[Y | X]. */
  conditional: Float64Array;
  /** The Sinkhorn divergence (null when reg = 0). */
  divergence: number | null;
  w2Squared: number;
  mongeMatrix: Float64Array;
}

export interface IPFResult {
  iterates: { cross: Float64Array; error: number; marginalError: number }[];
  contraction: number;
  converged: boolean;
  /** The closed-form C the iterates converge to. */
  cross: Float64Array;
}

export interface SinkhornOptions {
  /** Point dimension (required). */
  dim: number;
  /** eps = 2 s^2, default 0.05. */
  reg?: number;
  a?: NumberArray;
  b?: NumberArray;
  /** "sqeuclidean" (default), "euclidean", "l1", "lp:P". */
  cost?: string;
  maxIterations?: number;
  tolerance?: number;
  epsScaling?: boolean;
  precision?: "float64" | "float32";
  /** "auto" (default: a stored Gibbs kernel when n m <= 2^22), "kernel", or "online" (memory O(n + m)). */
  storage?: "auto" | "kernel" | "online";
  /** Also return the n x m plan (small problems). */
  plan?: boolean;
}

export interface SinkhornResult {
  f: Float64Array;
  g: Float64Array;
  cost: number;
  dual: number;
  transport: number;
  marginalError: number;
  iterations: number;
  converged: boolean;
  contraction: number;
  /** Whether the small-problem path (stored Gibbs kernel) ran, and how many iterations it did. */
  storedKernel: boolean;
  kernelIterations: number;
  errors: Float64Array;
  /** The entropic map at each x_i, n x dim row-major. */
  barycentric: Float64Array;
  plan?: Float64Array;
}

/** A fit request (docs/mmle.md): `dmt fit --config`'s keys except out / threads. */
export interface FitConfig {
  model: Component;
  algorithm?: Component;
  algorithms?: Component[];
  /** defaults: the model's reference experiment */
  particles?: number;
  steps?: number;
  step_size?: number;
  burn_in?: number;
  seed?: number;
  warm_start?: number;
  /** fit() only */
  repeats?: number;
}

/** One algorithm's entry of fit()'s result: `dmt fit`'s metrics.json entry plus the paths. */
export interface FitAlgorithmResult {
  name: string;
  parameters: Params;
  settings: { particles: number; steps: number; step_size: number; burn_in: number; seed: number; warm_start: number };
  theta_final: number[];
  theta_mean_after_burn_in: number[];
  theta_variance_after_burn_in: number[];
  log_z?: number;
  log_marginal_exact_at_theta_final?: number;
  test?: { rows: number; lppd: number; error_pooled_predictive: number; error_per_particle: number };
  warnings: string[];
  /** (steps + 1) x theta_dim, row-major */
  theta_path: number[];
  log_z_path?: number[];
  [key: string]: unknown;
}

export interface FitResult {
  model: { name: string; parameters: Params; theta_names: string[]; theta_mle_exact?: number[]; [key: string]: unknown };
  repeats: number;
  algorithms: FitAlgorithmResult[];
}

export interface FitterStats {
  model: string;
  algorithm: string;
  step: number;
  steps: number;
  done: boolean;
  thetaNames: string[];
  theta: number[];
  /** theta averaged over the steps from burn-in recorded so far (0 before burn-in) */
  thetaMean: number[];
  latentDim: number;
  particles: number;
  logZ: number | null;
  ess: number | null;
  thetaMleExact?: number[];
  /** held-out scores of the clouds pooled from burn-in so far (models with a test split) */
  test: { rows: number; lppd: number; errorPooled: number; errorPerParticle: number } | null;
}

/** One model + algorithm advanced a few steps at a time (call delete() when done). */
export interface Fitter {
  init(config: FitConfig): void;
  /** up to k more steps (never beyond the run's); returns the steps taken */
  step(k: number): number;
  /** theta_0..theta_step, row-major (a copy) */
  thetaPath(): Float64Array;
  /** JALA-EM from a normalised start: log Z_0..log Z_step; else null */
  logZPath(): Float64Array | null;
  /** the current cloud, particles x latentDim (a copy) */
  particles(): Float64Array;
  stats(): FitterStats;
  /** the metrics `dmt fit` writes, for the run so far */
  result(): FitResult;
  delete(): void;
}

export interface DmtModule {
  version(): string;
  /** float lanes of the SIMD kernels (4: WASM SIMD128). */
  simdLanes(): number;
  targets(): ComponentDoc[];
  samplers(): ComponentDoc[];
  losses(): ComponentDoc[];
  Target: { new (name: string, params?: Params): Target };
  Sampler: { new (): Sampler };
  Trainer: { new (): Trainer };
  gaussianOT(alpha: GaussianSpec, beta: GaussianSpec, options: { reg: number }): GaussianOTResult;
  gaussianIPF(alpha: GaussianSpec, beta: GaussianSpec, options: { reg: number; iterations?: number; tolerance?: number }): IPFResult;
  bridgeMarginal(alpha: GaussianSpec, beta: GaussianSpec, options: { reg: number; t?: number }): { mean: Float64Array; cov: Float64Array };
  /** paths x times x dim, row-major (default times 0, 0.02, ..., 1; 100 paths; seed 1). */
  bridgePaths(alpha: GaussianSpec, beta: GaussianSpec, options: { reg: number; times?: number[]; paths?: number; seed?: number }): Float64Array;
  sinkhorn(x: NumberArray, y: NumberArray, options: SinkhornOptions): SinkhornResult;
  /** the latent-variable models and MMLE algorithms (`dmt models --json`) */
  mmle(): { models: ComponentDoc[]; algorithms: ComponentDoc[] };
  /** a whole fit request, as `dmt fit` (serial) */
  fit(config: FitConfig): FitResult;
  Fitter: { new (): Fitter };
}

/** Instantiates the module (fetches dmt.wasm next to the script unless told otherwise). */
export default function createDmt(options?: { locateFile?: (path: string, prefix: string) => string }): Promise<DmtModule>;
