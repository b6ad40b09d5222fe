// Custom elements for documentation pages, loaded with one script tag:
//   <script type="module" src="elements.js"></script>
//   <dmt-sampler target="gmm25" sampler="mala" particles="2000" steps-per-frame="5"></dmt-sampler>
//   <dmt-transport reg="0.5"></dmt-transport>
// Optional attributes: seed, target-params and sampler-params (JSON objects), size (pixels).
// Each element runs its own worker; it plays while on screen and pauses when scrolled away.
import { DmtClient } from './client.js';
import { drawPoints } from './draw.js';
import { paintTarget, targetView } from './target_view.js';
import { TransportView } from './transport_view.js';

const css = `
  :host { display: inline-block; font: 12px system-ui, sans-serif; color: #cfd6e4; background: #0b0d12; border-radius: 6px;
          padding: 6px; max-width: 100%; }
  .stack { position: relative; width: var(--size, 360px); max-width: 100%; aspect-ratio: 1; }
  .stack canvas { position: absolute; inset: 0; width: 100%; height: 100%; }
  .bar { display: flex; gap: 8px; align-items: center; margin-top: 4px; }
  button { background: #1b2130; color: #dfe5f0; border: 1px solid #2a3140; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
  .error { color: #ff6b6b; }
  canvas.chart { width: var(--size, 360px); max-width: 100%; height: auto; display: block; margin-top: 4px; }
  canvas.main { width: var(--size, 360px); max-width: 100%; aspect-ratio: 1; display: block; touch-action: none; }`;

function jsonAttr(el, name) {
  const v = el.getAttribute(name);
  if (!v) return {};
  try {
    return JSON.parse(v);
  } catch {
    throw new Error(`attribute ${name} is not a JSON object: ${v}`);
  }
}

class DmtSampler extends HTMLElement {
  connectedCallback() {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const size = Number(this.getAttribute('size') || 360);
    root.innerHTML = `<style>${css}</style><div class="stack" style="--size:${size}px">
      <canvas class="heat" width="${size}" height="${size}"></canvas><canvas class="pts" width="${size}" height="${size}"></canvas></div>
      <div class="bar"><button>Pause</button><span class="caption">loading…</span></div>`;
    this.client = new DmtClient();
    this.playing = true;
    root.querySelector('button').addEventListener('click', () => {
      this.playing = !this.playing;
      root.querySelector('button').textContent = this.playing ? 'Pause' : 'Play';
    });
    this.visible = true;
    this.observer = new IntersectionObserver((es) => { this.visible = es.some((e) => e.isIntersecting); });
    this.observer.observe(this);
    this.start().catch((e) => this.fail(e));
  }

  disconnectedCallback() {
    this.stopped = true;
    this.observer?.disconnect();
    this.client?.terminate();
  }

  fail(e) {
    const c = this.shadowRoot.querySelector('.caption');
    c.textContent = e.message;
    c.className = 'caption error';
  }

  async start() {
    const target = this.getAttribute('target') || 'gmm25';
    const sampler = this.getAttribute('sampler') || 'mala';
    const tparams = jsonAttr(this, 'target-params'), sparams = jsonAttr(this, 'sampler-params');
    const particles = Number(this.getAttribute('particles') || 2000);
    const spf = Number(this.getAttribute('steps-per-frame') || 5);
    const seed = Number(this.getAttribute('seed') || 1);
    const view = await targetView(this.client, target, tparams);
    paintTarget(this.shadowRoot.querySelector('.heat'), view);
    let r = await this.client.call('sampleInit', { target: { name: target, ...tparams }, sampler: { name: sampler, ...sparams },
                                                    particles, seed });
    const pts = this.shadowRoot.querySelector('.pts');
    const caption = this.shadowRoot.querySelector('.caption');
    const draw = () => {
      const ctx = pts.getContext('2d');
      ctx.clearRect(0, 0, pts.width, pts.height);
      drawPoints(ctx, r.particles, r.stats.dim, view.bounds, '#ff3b6b', 2);
      const acc = r.stats.acceptance === null ? '' : ` · acceptance ${r.stats.acceptance.toFixed(2)}`;
      caption.textContent = `${sampler} on ${target} · step ${r.stats.steps}${acc}`;
      this.dataset.steps = r.stats.steps;
    };
    draw();
    while (!this.stopped) {
      await new Promise((res) => requestAnimationFrame(res));
      if (!this.playing || !this.visible) continue;
      r = await this.client.call('sampleStep', { steps: spf });
      draw();
    }
  }
}

class DmtTransport extends HTMLElement {
  connectedCallback() {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const size = Number(this.getAttribute('size') || 360);
    root.innerHTML = `<style>${css}</style><canvas class="main" width="${size}" height="${size}" style="--size:${size}px"></canvas>
      <canvas class="chart" width="${size}" height="110" style="--size:${size}px"></canvas><div class="bar"><span class="caption"></span></div>`;
    this.client = new DmtClient();
    const caption = root.querySelector('.caption');
    this.view = new TransportView(this.client, root.querySelector('.main'), root.querySelector('.chart'), {
      onResult: (r) => {
        caption.textContent = `OT_s = ${r.ot.cost.toFixed(3)} · IPF contraction ${r.contraction.toFixed(3)} per sweep · drag the ellipses`;
        caption.className = 'caption';
        this.dataset.ipfErrors = JSON.stringify(r.errors);
      },
      onError: (e) => { if (e) { caption.textContent = e.message; caption.className = 'caption error'; } },
    });
    this.view.reg = Number(this.getAttribute('reg') || 0.5);
    this.view.iterations = Number(this.getAttribute('iterations') || 30);
    this.view.cloud = this.hasAttribute('no-cloud') ? 0 : 30;
    this.view.update();
  }

  disconnectedCallback() {
    this.client?.terminate();
  }
}

if (!customElements.get('dmt-sampler')) customElements.define('dmt-sampler', DmtSampler);
if (!customElements.get('dmt-transport')) customElements.define('dmt-transport', DmtTransport);
