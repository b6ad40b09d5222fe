// The Transport picture, shared by the demo's panel and <dmt-transport>: two Gaussians as
// ellipses, the closed-form entropic OT and its Gaussian Sinkhorn (IPF) iterates, Schrodinger
// bridge paths animated, and Sinkhorn on point clouds drawn from the two Gaussians.
import { drawChart, ellipse, fromPixel, toPixel } from './draw.js';

export const bounds = [-5, 5, -5, 5];

function covFrom(r1, r2, angle) {  // 2-sigma radii and angle -> covariance
  const l1 = (r1 / 2) ** 2, l2 = (r2 / 2) ** 2, c = Math.cos(angle), s = Math.sin(angle);
  return [l1 * c * c + l2 * s * s, (l1 - l2) * c * s, (l1 - l2) * c * s, l1 * s * s + l2 * c * c];
}

export class TransportView {
  // canvas: the picture; chart: the IPF errors; onResult(result) after each computation
  constructor(client, canvas, chart, { interactive = true, onResult = () => {}, onError = () => {} } = {}) {
    this.client = client;
    this.canvas = canvas;
    this.chart = chart;
    this.onResult = onResult;
    this.onError = onError;
    this.alpha = { mean: [-2, -1], cov: covFrom(2.4, 1.0, 0.5) };
    this.beta = { mean: [2, 1.2], cov: covFrom(2.0, 1.4, -0.9) };
    this.reg = 0.5;
    this.iterations = 40;
    this.cloud = 40;
    this.animate = true;
    this.showPlan = true;
    this.t0 = performance.now();
    if (interactive) this.listen();
    requestAnimationFrame(() => this.frame());
  }

  spec(g) {
    return { mean: g.mean, cov: [[g.cov[0], g.cov[1]], [g.cov[2], g.cov[3]]] };
  }

  async update() {
    if (this.inflight) { this.dirty = true; return; }
    this.inflight = true;
    try {
      this.result = await this.client.call('transport', { alpha: this.spec(this.alpha), beta: this.spec(this.beta), reg: this.reg,
                                                          iterations: this.iterations, cloud: this.cloud });
      drawChart(this.chart, [{ values: this.result.errors.map((e, k) => [k + 1, e]), color: '#4fc3f7', label: '‖C_n − C‖' }],
                { logY: true, title: 'Gaussian Sinkhorn (IPF) error' });
      this.onResult(this.result);
      this.onError(null);
    } catch (e) {
      this.onError(e);
    } finally {
      this.inflight = false;
    }
    if (this.dirty) { this.dirty = false; this.update(); }
  }

  handles(g) {
    const e = ellipse(g.mean, g.cov);
    const c = Math.cos(e.angle), s = Math.sin(e.angle);
    return { e, centre: g.mean, major: [g.mean[0] + e.r1 * c, g.mean[1] + e.r1 * s], minor: [g.mean[0] - e.r2 * s, g.mean[1] + e.r2 * c] };
  }

  listen() {
    const c = this.canvas;
    const world = (ev) => {
      const r = c.getBoundingClientRect();
      return fromPixel(bounds, r.width, r.height)(ev.clientX - r.left, ev.clientY - r.top);
    };
    c.addEventListener('pointerdown', (ev) => {
      const p = world(ev);
      let best = null, bestD = 0.45;
      for (const g of [this.alpha, this.beta]) {
        const h = this.handles(g);
        for (const part of ['centre', 'major', 'minor']) {
          const d = Math.hypot(p[0] - h[part][0], p[1] - h[part][1]);
          if (d < bestD) { bestD = d; best = { g, part }; }
        }
      }
      if (best) { this.drag = best; c.setPointerCapture(ev.pointerId); }
    });
    c.addEventListener('pointermove', (ev) => {
      if (!this.drag) return;
      const p = world(ev), g = this.drag.g;
      const h = this.handles(g);
      if (this.drag.part === 'centre') g.mean = p;
      else {
        const u = [p[0] - g.mean[0], p[1] - g.mean[1]];
        const r = Math.max(0.15, Math.hypot(u[0], u[1]));
        if (this.drag.part === 'major') g.cov = covFrom(r, Math.min(h.e.r2, r), Math.atan2(u[1], u[0]));
        else g.cov = covFrom(h.e.r1, Math.min(r, h.e.r1), h.e.angle);
      }
      this.update();
    });
    const end = () => { this.drag = null; };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
  }

  frame() {
    const ctx = this.canvas.getContext('2d');
    const { width: w, height: h } = this.canvas;
    const P = toPixel(bounds, w, h);
    const scale = w / (bounds[1] - bounds[0]);
    ctx.fillStyle = '#10131a';
    ctx.fillRect(0, 0, w, h);
    const r = this.result;
    if (r && this.showPlan) {  // the closed-form plan: segments between pairs drawn from it
      ctx.strokeStyle = 'rgba(129, 199, 132, 0.35)';
      ctx.beginPath();
      for (let i = 0; i < r.pairs.length; i += 4) {
        ctx.moveTo(...P(r.pairs[i], r.pairs[i + 1]));
        ctx.lineTo(...P(r.pairs[i + 2], r.pairs[i + 3]));
      }
      ctx.stroke();
    }
    if (r?.sinkhorn) {  // the plan: a line per pair with mass above 1 / (4 n m), opacity by mass
      const { x, y, plan } = r.sinkhorn;
      const n = x.length / 2, m = y.length / 2;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          const p = plan[i * m + j] * n;
          if (p < 0.02) continue;
          ctx.strokeStyle = `rgba(200, 200, 220, ${Math.min(0.8, p)})`;
          ctx.beginPath();
          ctx.moveTo(...P(x[2 * i], x[2 * i + 1]));
          ctx.lineTo(...P(y[2 * j], y[2 * j + 1]));
          ctx.stroke();
        }
      for (const [pts, col] of [[x, '#4fc3f7'], [y, '#ffb74d']]) {
        ctx.fillStyle = col;
        for (let i = 0; i < pts.length; i += 2) {
          const [px, py] = P(pts[i], pts[i + 1]);
          ctx.fillRect(px - 2, py - 2, 4, 4);
        }
      }
    }
    if (r && this.animate) {  // bridge paths: a trail up to the current time
      const T = r.times.length, n = r.paths.length / (2 * T);
      const phase = ((performance.now() - this.t0) / 3000) % 1.25;
      const kmax = Math.min(T - 1, Math.floor(Math.min(1, phase) * (T - 1)));
      ctx.strokeStyle = 'rgba(186, 104, 200, 0.7)';
      ctx.fillStyle = '#e1bee7';
      for (let i = 0; i < n; i++) {
        ctx.beginPath();
        for (let k = 0; k <= kmax; k++) {
          const o = 2 * (i * T + k);
          const [px, py] = P(r.paths[o], r.paths[o + 1]);
          if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
        }
        ctx.stroke();
        const o = 2 * (i * T + kmax);
        const [px, py] = P(r.paths[o], r.paths[o + 1]);
        ctx.fillRect(px - 2, py - 2, 4, 4);
      }
    }
    for (const [g, col] of [[this.alpha, '#4fc3f7'], [this.beta, '#ffb74d']]) {
      const hd = this.handles(g);
      ctx.strokeStyle = col;
      ctx.lineWidth = 2;
      ctx.beginPath();
      const [cx, cy] = P(hd.e.cx, hd.e.cy);
      ctx.ellipse(cx, cy, hd.e.r1 * scale, hd.e.r2 * scale, -hd.e.angle, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.fillStyle = col;
      for (const part of ['centre', 'major', 'minor']) {
        const [px, py] = P(...hd[part]);
        ctx.beginPath();
        ctx.arc(px, py, part === 'centre' ? 6 : 4.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    requestAnimationFrame(() => this.frame());
  }
}
