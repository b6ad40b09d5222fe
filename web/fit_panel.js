// The Fit panel: maximum marginal likelihood by interacting particles (docs/mmle.md). Several MMLE
// algorithms (PGD, PQN, PMGD by default) fit the same registry model side by side in the worker,
// a few steps per frame; the page charts theta_k for each (with the exact theta_MLE where the model
// has one), draws each particle cloud projected on two latent coordinates, and lists theta's
// average after burn-in and the held-out test LPPD and errors (the Wisconsin data is compiled in).
import { drawChart, drawPoints } from './draw.js';
import { buildForm, fillSelect, readForm } from './forms.js';
import { prefixed } from './url_state.js';

const $ = (id) => document.getElementById(id);
const COLOURS = ['#4fc3f7', '#ff8a65', '#aed581', '#ce93d8', '#ffd54f', '#90a4ae'];

export class FitPanel {
  constructor(client, registry, state, onState) {
    this.client = client;
    this.registry = registry;  // registry.mmle: {models, algorithms}
    this.onState = onState;
    this.playing = false;
    this.busy = false;
    this.last = null;
    fillSelect($('f-model'), registry.mmle.models, state.f_model ?? 'blr_wisconsin');
    const chosen = (state.f_algs ?? 'pgd,pqn,pmgd').split(',');
    $('f-algorithms').replaceChildren(...registry.mmle.algorithms.map((a) => {
      const label = document.createElement('label');
      label.className = 'check';
      label.title = a.summary;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = a.name;
      box.checked = chosen.includes(a.name);
      box.addEventListener('change', () => this.reset());
      label.append(box, ' ' + a.name);
      return label;
    }));
    $('f-particles').value = state.f_particles ?? '';
    $('f-spf').value = state.f_spf ?? 4;
    $('f-seed').value = state.f_seed ?? 1;
    $('f-i').value = state.f_i ?? 0;
    $('f-j').value = state.f_j ?? 1;
    this.form(prefixed(state, 'fm'));
    $('f-model').addEventListener('change', () => { this.form({}); this.reset(); });
    for (const id of ['f-particles', 'f-seed']) $(id).addEventListener('change', () => this.reset());
    for (const id of ['f-spf', 'f-i', 'f-j']) $(id).addEventListener('change', () => { this.onState(); this.draw(); });
    $('f-play').addEventListener('click', () => this.setPlaying(!this.playing));
    $('f-reset').addEventListener('click', () => this.reset());
  }

  form(values) {
    const doc = this.registry.mmle.models.find((d) => d.name === $('f-model').value);
    buildForm($('f-model-params'), doc, values, () => this.reset());
  }

  algorithms() {
    return [...$('f-algorithms').querySelectorAll('input:checked')].map((b) => b.value);
  }

  state() {
    const s = { f_model: $('f-model').value, f_algs: this.algorithms().join(','), f_particles: $('f-particles').value,
                f_spf: $('f-spf').value, f_seed: $('f-seed').value, f_i: $('f-i').value, f_j: $('f-j').value };
    for (const [k, v] of Object.entries(readFormSafe())) s['fm_' + k] = Array.isArray(v) ? v.join(',') : String(v);
    return s;
  }

  error(e) {
    $('f-error').hidden = !e;
    $('f-error').textContent = e ? e.message : '';
  }

  async reset() {
    this.setPlaying(false);
    this.onState();
    try {
      const model = { name: $('f-model').value, ...readForm($('f-model-params')) };
      const config = { model, algorithms: this.algorithms(), seed: Number($('f-seed').value) };
      if ($('f-particles').value.trim() !== '') config.particles = Number($('f-particles').value);
      this.last = await this.client.call('fitInit', config);
      this.error(null);
    } catch (e) {
      this.last = null;
      this.error(e);
    }
    this.draw();
  }

  setPlaying(on) {
    this.playing = on && !!this.last;
    $('f-play').textContent = this.playing ? 'Pause' : 'Fit';
    if (this.playing) this.loop();
  }

  async loop() {
    if (!this.playing || this.busy) return;
    this.busy = true;
    try {
      this.last = await this.client.call('fitStep', { steps: Number($('f-spf').value) });
      this.draw();
      if (this.last.runs.every((r) => r.stats.done)) this.setPlaying(false);
    } catch (e) {
      this.error(e);
      this.setPlaying(false);
    }
    this.busy = false;
    if (this.playing) requestAnimationFrame(() => this.loop());
  }

  draw() {
    const r = this.last;
    if (!r || !r.runs.length) {
      drawChart($('f-chart-theta'), [], { title: 'θ_k' });
      $('f-cloud').getContext('2d').clearRect(0, 0, $('f-cloud').width, $('f-cloud').height);
      $('f-metrics').replaceChildren();
      return;
    }
    const first = r.runs[0].stats, p = first.thetaNames.length;
    // theta_k (first coordinate of theta; the exact MLE as a flat line)
    const series = r.runs.map((run, a) => ({
      label: run.stats.algorithm, color: COLOURS[a % COLOURS.length],
      values: Array.from({ length: run.thetaPath.length / p }, (_, k) => [k, run.thetaPath[k * p]]),
    }));
    if (first.thetaMleExact) {
      const K = Math.max(...r.runs.map((run) => run.thetaPath.length / p)) - 1;
      series.push({ label: 'exact θ_MLE', color: '#ffffff', values: [[0, first.thetaMleExact[0]], [Math.max(K, 1), first.thetaMleExact[0]]] });
    }
    drawChart($('f-chart-theta'), series, { title: `θ_k: ${first.thetaNames[0]}` });
    // clouds on coordinates (i, j)
    const d = first.latentDim;
    const i = Math.min(d - 1, Math.max(0, Number($('f-i').value))), j = Math.min(d - 1, Math.max(0, Number($('f-j').value)));
    const proj = r.runs.map((run) => {
      const xs = run.particles, out = new Float64Array(2 * (xs.length / d));
      for (let k = 0; k < xs.length / d; k++) { out[2 * k] = xs[k * d + i]; out[2 * k + 1] = xs[k * d + j]; }
      return out;
    });
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const pr of proj) for (let k = 0; k < pr.length; k += 2) {
      x0 = Math.min(x0, pr[k]); x1 = Math.max(x1, pr[k]); y0 = Math.min(y0, pr[k + 1]); y1 = Math.max(y1, pr[k + 1]);
    }
    const padX = 0.1 * (x1 - x0 || 1), padY = 0.1 * (y1 - y0 || 1);
    const bounds = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
    // one sub-panel per algorithm (they share the noise, seed for seed, so their clouds would overlap)
    const ctx = $('f-cloud').getContext('2d');
    const { width: W, height: H } = ctx.canvas;
    ctx.fillStyle = '#11141a';
    ctx.fillRect(0, 0, W, H);
    const cols = proj.length <= 1 ? 1 : 2, rowsN = Math.ceil(proj.length / cols);
    const cw = Math.floor(W / cols), ch = Math.floor(H / rowsN);
    proj.forEach((pr, a) => {
      const ox = (a % cols) * cw, oy = Math.floor(a / cols) * ch;
      ctx.save();
      ctx.beginPath();
      ctx.rect(ox, oy, cw, ch);
      ctx.clip();
      ctx.translate(ox, oy);
      const sub = { canvas: { width: cw, height: ch }, set fillStyle(v) { ctx.fillStyle = v; },
                    fillRect: (...args) => ctx.fillRect(...args) };
      drawPoints(sub, pr, 2, bounds, COLOURS[a % COLOURS.length], 3);
      ctx.strokeStyle = '#2a3140';
      ctx.strokeRect(0.5, 0.5, cw - 1, ch - 1);
      ctx.fillStyle = COLOURS[a % COLOURS.length];
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillText(r.runs[a].stats.algorithm, 8, 16);
      ctx.restore();
    });
    ctx.fillStyle = '#cfd6e4';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(`x[${i}] → , x[${j}] ↑`, W - 90, H - 8);
    // numbers
    const rows = [];
    for (const run of r.runs) {
      const s = run.stats;
      rows.push([`${s.algorithm}: step`, `${s.step} / ${s.steps}`]);
      rows.push([`${s.algorithm}: θ (mean after burn-in)`, s.step > 0 ? s.thetaMean.map((v) => v.toFixed(4)).join(', ') : '—']);
      if (s.test) rows.push([`${s.algorithm}: test LPPD`, s.test.lppd.toFixed(5)],
                            [`${s.algorithm}: test error (pooled / per particle)`, `${s.test.errorPooled.toFixed(4)} / ${s.test.errorPerParticle.toFixed(4)}`]);
      if (s.logZ !== null) rows.push([`${s.algorithm}: log Z`, s.logZ.toFixed(3)]);
    }
    if (first.thetaMleExact) rows.push(['exact θ_MLE', first.thetaMleExact.map((v) => v.toFixed(4)).join(', ')]);
    $('f-metrics').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k;
      dd.textContent = v;
      return [dt, dd];
    }));
  }
}

function readFormSafe() {
  try {
    return readForm($('f-model-params'));
  } catch {
    return {};
  }
}
