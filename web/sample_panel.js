// The Sample panel: a registry sampler on a registry target, stepped in the worker while the page
// draws the particles over the target's heat map and charts acceptance, ESS and the log Z estimate.
import { drawChart, drawPoints } from './draw.js';
import { buildForm, fillSelect, readForm } from './forms.js';
import { paintTarget, targetView } from './target_view.js';
import { prefixed } from './url_state.js';

const $ = (id) => document.getElementById(id);
const capped = (arr, v, max = 1500) => {
  arr.push(v);
  if (arr.length > max) arr.splice(0, arr.length - max);
};

export class SamplePanel {
  constructor(client, registry, state, onState) {
    this.client = client;
    this.registry = registry;
    this.onState = onState;
    this.playing = false;
    this.busy = false;
    this.frameMs = [];
    this.history = { acc: [], ess: [], logz: [] };
    fillSelect($('s-target'), registry.targets, state.target ?? 'gmm25');
    fillSelect($('s-sampler'), registry.samplers, state.sampler ?? 'mala');
    $('s-particles').value = state.particles ?? 2000;
    $('s-spf').value = state.spf ?? 5;
    $('s-seed').value = state.seed ?? 1;
    this.forms(prefixed(state, 'tp'), prefixed(state, 'sp'));
    $('s-target').addEventListener('change', () => { this.forms({}, readForm($('s-sampler-params'))); this.reset(); });
    $('s-sampler').addEventListener('change', () => { this.forms(readForm($('s-target-params')), {}); this.reset(); });
    for (const id of ['s-particles', 's-seed']) $(id).addEventListener('change', () => this.reset());
    $('s-spf').addEventListener('change', () => this.onState());
    $('s-play').addEventListener('click', () => this.setPlaying(!this.playing));
    $('s-step').addEventListener('click', () => this.stepOnce());
    $('s-reset').addEventListener('click', () => this.reset());
  }

  forms(tp, sp) {
    const tdoc = this.registry.targets.find((d) => d.name === $('s-target').value);
    const sdoc = this.registry.samplers.find((d) => d.name === $('s-sampler').value);
    buildForm($('s-target-params'), tdoc, tp, () => this.reset());
    buildForm($('s-sampler-params'), sdoc, sp, () => this.reset());
  }

  state() {
    const s = { target: $('s-target').value, sampler: $('s-sampler').value, particles: $('s-particles').value,
                spf: $('s-spf').value, seed: $('s-seed').value };
    for (const [k, v] of Object.entries(this.rawForm('s-target-params'))) s['tp.' + k] = v;
    for (const [k, v] of Object.entries(this.rawForm('s-sampler-params'))) s['sp.' + k] = v;
    return s;
  }
  rawForm(id) {
    const out = {};
    for (const i of $(id).querySelectorAll('input')) if (i.value.trim() !== '') out[i.name] = i.value.trim();
    return out;
  }

  showError(e) {
    $('s-error').hidden = !e;
    $('s-error').textContent = e ? e.message : '';
  }

  async reset() {
    this.onState();
    const wasPlaying = this.playing;
    this.setPlaying(false);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    this.busy = true;
    try {
      const tparams = readForm($('s-target-params'));
      const sparams = readForm($('s-sampler-params'));
      const particles = Number($('s-particles').value), seed = Number($('s-seed').value);
      if (!Number.isInteger(particles)) throw new Error(`particles must be an integer (got '${$('s-particles').value}')`);
      if (!Number.isInteger(seed)) throw new Error(`seed must be an integer (got '${$('s-seed').value}')`);
      const target = { name: $('s-target').value, ...tparams };
      const view = await targetView(this.client, target.name, tparams);
      const r = await this.client.call('sampleInit', { target, sampler: { name: $('s-sampler').value, ...sparams }, particles, seed });
      this.view = view;
      paintTarget($('s-heat'), view);
      this.history = { acc: [], ess: [], logz: [] };
      this.frameMs = [];
      this.latest = null;
      this.show(r);
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
    $('s-play').textContent = this.playing ? 'Pause' : 'Play';
    if (this.playing && !this.looping) this.loop();
  }

  async stepOnce() {
    if (this.busy || !this.ready) return;
    await this.advance();
    this.paint();
  }

  // One request to the worker; the result is drawn at the next animation frame.
  async advance() {
    this.busy = true;
    const t0 = performance.now();
    try {
      const spf = Number($('s-spf').value);
      if (!Number.isInteger(spf) || spf < 1) throw new Error(`steps per frame must be a positive integer (got '${$('s-spf').value}')`);
      this.latest = await this.client.call('sampleStep', { steps: spf });
      capped(this.frameMs, performance.now() - t0, 600);
    } catch (e) {
      this.showError(e);
      this.setPlaying(false);
    } finally {
      this.busy = false;
    }
  }

  paint() {
    if (this.latest) this.show(this.latest);
    this.latest = null;
  }

  // The worker steps continuously while playing (the next request leaves as soon as the previous
  // result is in); drawing follows the display's frames, so neither waits for the other.
  async loop() {
    this.looping = true;
    const frame = () => {
      this.paint();
      if (this.playing || this.latest) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    while (this.playing) {
      if (document.visibilityState === 'hidden' || this.busy) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      await this.advance();
      // let a frame be drawn at least every other result
      if (this.latest) await new Promise((r) => setTimeout(r, 0));
    }
    this.looping = false;
  }

  show({ particles, stats }) {
    this.particles = particles;
    this.stats = stats;
    const c = $('s-canvas');
    const ctx = c.getContext('2d');
    ctx.clearRect(0, 0, c.width, c.height);
    drawPoints(ctx, particles, stats.dim, this.view.bounds, '#ff3b6b', 2);
    capped(this.history.acc, [stats.steps, stats.acceptance]);
    const weighted = stats.ess !== null;  // importance ESS for weighted samplers, else the chains' ESS
    capped(this.history.ess, [stats.steps, weighted ? stats.ess : stats.chainEss]);
    capped(this.history.logz, [stats.steps, stats.logZ]);
    drawChart($('s-chart-acc'), [{ values: this.history.acc, color: '#4fc3f7' }], { title: 'acceptance' });
    drawChart($('s-chart-ess'), [{ values: this.history.ess, color: '#9ccc65' }],
              { title: weighted ? `ESS of the importance weights (of ${stats.particles})`
                                : `chain ESS (x₀, ${stats.chains} chains, last ${stats.chainEssWindow} steps)` });
    drawChart($('s-chart-logz'), [{ values: this.history.logz, color: '#ffb74d' }],
              { title: stats.logZ === null ? 'log Z estimate (weighted samplers only)' : 'log Z estimate' });
    $('s-info').textContent = `step ${stats.steps} · h = ${stats.stepSize.toPrecision(3)} · ` +
      (stats.beta !== undefined ? `b = ${stats.beta.toPrecision(3)} · log Z ≈ ${stats.logZ.toFixed(3)} · ` : '') +
      `acceptance ${stats.acceptance === null ? '—' : stats.acceptance.toFixed(3)} · heat map: ${this.view.kind}` +
      (stats.dim > 2 ? ` · particles: coordinates 0, 1 of ${stats.dim}` : '');
    // the estimate's warnings (weight diagnostics; modes the particles miss against exact samples)
    const warnings = stats.warnings ?? [];
    $('s-warnings').hidden = warnings.length === 0;
    $('s-warnings').textContent = warnings.map((w) => `⚠ ${w}`).join('\n');
  }
}
