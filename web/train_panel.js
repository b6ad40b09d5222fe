// The Train panel: a diffusion sampler trained live in the worker (trajectory balance and friends),
// showing the loss and log Z curves, the current samples and sample trajectories.
import { drawChart, drawPoints, toPixel } from './draw.js';
import { buildForm, fillSelect, readForm } from './forms.js';
import { paintTarget, targetView } from './target_view.js';
import { prefixed } from './url_state.js';

const $ = (id) => document.getElementById(id);
const fields = { loss: 't-loss', T: 't-steps', batch: 't-batch', hidden: 't-hidden', lr: 't-lr', expl: 't-expl',
                 sigma2: 't-sigma2', seed: 't-seed' };
const itersPerCall = 5;
const evalEveryMs = 1000;

export class TrainPanel {
  constructor(client, registry, state, onState) {
    this.client = client;
    this.registry = registry;
    this.onState = onState;
    this.playing = false;
    this.busy = false;
    fillSelect($('t-target'), registry.targets, state.t_target ?? 'gmm25');
    for (const [k, id] of Object.entries(fields)) if (state['t_' + k] !== undefined) $(id).value = state['t_' + k];
    if (state.t_langevin !== undefined) $('t-langevin').checked = state.t_langevin === '1';
    buildForm($('t-target-params'), this.doc(), prefixed(state, 'ttp'), () => this.reset());
    $('t-target').addEventListener('change', () => { buildForm($('t-target-params'), this.doc(), {}, () => this.reset()); this.reset(); });
    for (const id of [...Object.values(fields), 't-langevin']) $(id).addEventListener('change', () => this.reset());
    $('t-play').addEventListener('click', () => this.setPlaying(!this.playing));
    $('t-reset').addEventListener('click', () => this.reset());
  }

  doc() {
    return this.registry.targets.find((d) => d.name === $('t-target').value);
  }

  state() {
    const s = { t_target: $('t-target').value, t_langevin: $('t-langevin').checked ? '1' : '0' };
    for (const [k, id] of Object.entries(fields)) s['t_' + k] = $(id).value;
    for (const i of $('t-target-params').querySelectorAll('input')) if (i.value.trim() !== '') s['ttp.' + i.name] = i.value.trim();
    return s;
  }

  config() {
    const num = (id, what) => {
      const v = Number($(id).value);
      if ($(id).value.trim() === '' || Number.isNaN(v)) throw new Error(`${what} must be a number (got '${$(id).value}')`);
      return v;
    };
    const hidden = num('t-hidden', 'hidden width');
    const expl = num('t-expl', 'exploration');
    return {
      target: { name: $('t-target').value, ...readForm($('t-target-params')) },
      sigma2: num('t-sigma2', 'σ²'),
      steps: num('t-steps', 'T'),
      batch: num('t-batch', 'batch'),
      losses: [$('t-loss').value],
      lr: num('t-lr', 'learning rate'),
      seed: num('t-seed', 'seed'),
      network: { hidden, harmonics: hidden, layers: 2, langevin: $('t-langevin').checked },
      exploration: expl,
      exploration_iterations: expl > 0 ? 1000 : 0,
    };
  }

  showError(e) {
    $('t-error').hidden = !e;
    $('t-error').textContent = e ? e.message : '';
  }

  async reset() {
    this.onState();
    const wasPlaying = this.playing;
    this.setPlaying(false);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    this.busy = true;
    try {
      const config = this.config();
      const view = await targetView(this.client, config.target.name, readForm($('t-target-params')));
      await this.client.call('trainInit', config);
      this.view = view;
      paintTarget($('t-heat'), view);
      this.curves = { loss: [], logz: [], rw: [], elbo: [] };
      this.metrics = [];
      this.lastEval = 0;
      this.started = null;
      this.iteration = 0;
      $('t-samples').getContext('2d').clearRect(0, 0, 520, 520);
      this.draw();
      $('t-metrics').replaceChildren();
      this.showError(null);
      this.ready = true;
    } catch (e) {
      this.showError(e);
      this.ready = false;
    } finally {
      this.busy = false;
    }
    if (wasPlaying && this.ready) this.setPlaying(true);
  }

  setPlaying(on) {
    this.playing = on && this.ready;
    $('t-play').textContent = this.playing ? 'Pause' : 'Train';
    if (this.playing) {
      this.started ??= performance.now();
      this.loop();
    }
  }

  async loop() {
    while (this.playing) {
      if (this.busy) { await new Promise((r) => setTimeout(r, 20)); continue; }
      this.busy = true;
      try {
        // the untrained model's estimates first (iteration 0), so the charts and the metrics table
        // start from the same point however fast the machine is
        if (!this.metrics.length) {
          await this.evaluate();
          this.lastEval = performance.now();
        }
        const s = await this.client.call('trainStep', { iterations: itersPerCall });
        this.iteration = s.iteration;
        this.curves.loss.push([s.iteration, s.loss]);
        this.curves.logz.push([s.iteration, s.logZ]);
        if (performance.now() - this.lastEval > evalEveryMs) {
          await this.evaluate();
          this.lastEval = performance.now();
        }
        this.draw();
      } catch (e) {
        this.showError(e);
        this.playing = false;
        $('t-play').textContent = 'Train';
      } finally {
        this.busy = false;
      }
      await new Promise((r) => requestAnimationFrame(r));
    }
  }

  async evaluate() {
    const [smp, m] = await Promise.all([this.client.call('trainSample', { n: 1000, trajectories: 12 }),
                                        this.client.call('trainMetrics', { n: 500 })]);
    m.seconds = (performance.now() - this.started) / 1000;
    this.metrics.push(m);
    this.curves.rw.push([m.iteration, m.logZRW]);
    this.curves.elbo.push([m.iteration, m.elbo]);
    const c = $('t-samples');
    const ctx = c.getContext('2d');
    ctx.clearRect(0, 0, c.width, c.height);
    const d = this.view.dim, n = 12, T = smp.steps;
    const P = toPixel(this.view.bounds, c.width, c.height);
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
    for (let i = 0; i < n; i++) {
      ctx.beginPath();
      for (let k = 0; k <= T; k++) {
        const o = (k * n + i) * d;
        const [px, py] = P(smp.trajectories[o], smp.trajectories[o + 1]);
        if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      ctx.stroke();
    }
    drawPoints(ctx, smp.samples, d, this.view.bounds, '#ff3b6b', 2);
    const fmt = (v, k = 3) => (v === null || v === undefined ? '—' : v.toFixed(k));
    const rows = [['iteration', String(m.iteration)], ['time', `${m.seconds.toFixed(1)} s`],
                  ['log Z (learned)', fmt(m.logZLearned)], ['ELBO', fmt(m.elbo)], ['log Z_RW', fmt(m.logZRW)],
                  ['true log Z', fmt(m.logZTrue)], ['ESS / K', fmt(m.essFraction)], ['mode coverage', fmt(m.modeCoverage, 2)],
                  ['W2', fmt(m.w2)]];
    $('t-metrics').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k;
      dd.textContent = v;
      return [dt, dd];
    }));
  }

  draw() {
    drawChart($('t-chart-loss'), [{ values: this.curves.loss, color: '#4fc3f7' }], { title: 'loss' });
    const truth = this.view?.logR && this.metrics.length && this.metrics[0].logZTrue !== null
      ? [{ values: this.curves.loss.length ? [[0, this.metrics[0].logZTrue], [this.iteration, this.metrics[0].logZTrue]] : [],
           color: '#888', label: 'true' }] : [];
    drawChart($('t-chart-logz'), [{ values: this.curves.logz, color: '#ffb74d', label: 'learned' },
                                  { values: this.curves.rw, color: '#9ccc65', label: 'RW' },
                                  { values: this.curves.elbo, color: '#ba68c8', label: 'ELBO' }, ...truth], { title: 'log Z' });
    $('t-info').textContent = `iteration ${this.iteration}` + (this.view ? ` · heat map: ${this.view.kind}` : '');
  }
}
