// Canvas drawing shared by the demo page and the custom elements: density heat maps, particles,
// line charts, ellipses.

// A perceptually ordered dark-to-bright palette (viridis-like), t in [0, 1].
const stops = [[13, 8, 35], [59, 28, 110], [33, 102, 172], [34, 168, 132], [122, 209, 81], [253, 231, 37]];
export function palette(t) {
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
  return stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)));
}

// log density on a res x res grid -> image on ctx; levels below max - range are dark
export function drawHeatmap(ctx, logR, res, range = 12) {
  let max = -Infinity;
  for (const v of logR) if (v > max) max = v;
  const img = new ImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const t = Number.isFinite(logR[i]) ? 1 + (logR[i] - max) / range : 0;
    const [r, g, b] = palette(Math.sqrt(Math.max(0, t)) * 0.85);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  const off = new OffscreenCanvas(res, res);
  off.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, ctx.canvas.width, ctx.canvas.height);
}

export function toPixel(bounds, w, h) {
  const [x0, x1, y0, y1] = bounds;
  return (x, y) => [((x - x0) / (x1 - x0)) * w, ((y1 - y) / (y1 - y0)) * h];
}
export function fromPixel(bounds, w, h) {
  const [x0, x1, y0, y1] = bounds;
  return (px, py) => [x0 + (px / w) * (x1 - x0), y1 - (py / h) * (y1 - y0)];
}

// points (n x dim, first two coordinates drawn) as small squares
export function drawPoints(ctx, xs, dim, bounds, color = '#ff3b6b', size = 2) {
  const { width: w, height: h } = ctx.canvas;
  const P = toPixel(bounds, w, h);
  ctx.fillStyle = color;
  for (let i = 0; i + 1 < xs.length; i += dim) {
    const [px, py] = P(xs[i], xs[i + 1]);
    if (px >= -size && px <= w + size && py >= -size && py <= h + size) ctx.fillRect(px - size / 2, py - size / 2, size, size);
  }
}

// series: [{label, color, values: [[x, y], ...]}]; options: {logY, title}
export function drawChart(canvas, series, { logY = false, title = '' } = {}) {
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#11141a';
  ctx.fillRect(0, 0, w, h);
  const pts = series.flatMap((s) => s.values.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0)));
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#cfd6e4';
  ctx.fillText(title, 8, 14);
  if (!pts.length) {
    ctx.fillStyle = '#7d8799';
    ctx.fillText('no data yet', 8, h / 2);
    return;
  }
  const f = (y) => (logY ? Math.log10(y) : y);
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const [x, y] of pts) {
    xmin = Math.min(xmin, x); xmax = Math.max(xmax, x);
    ymin = Math.min(ymin, f(y)); ymax = Math.max(ymax, f(y));
  }
  if (xmax === xmin) xmax = xmin + 1;
  if (ymax === ymin) { ymax += 0.5; ymin -= 0.5; }
  const L = 46, R = 8, T = 22, B = 18;
  const X = (x) => L + ((x - xmin) / (xmax - xmin)) * (w - L - R);
  const Y = (y) => T + (1 - (f(y) - ymin) / (ymax - ymin)) * (h - T - B);
  ctx.strokeStyle = '#2a3140';
  ctx.beginPath();
  ctx.moveTo(L, T); ctx.lineTo(L, h - B); ctx.lineTo(w - R, h - B);
  ctx.stroke();
  ctx.fillStyle = '#7d8799';
  const label = (v) => (logY ? `1e${Math.round(v)}` : Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));
  ctx.fillText(label(ymax), 2, T + 8);
  ctx.fillText(label(ymin), 2, h - B);
  ctx.fillText(String(Math.round(xmax)), w - R - 30, h - 4);
  let lx = L + 4 + ctx.measureText(title).width + 8;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    for (const [x, y] of s.values) {
      if (!Number.isFinite(y) || (logY && y <= 0)) { started = false; continue; }
      if (!started) ctx.moveTo(X(x), Y(y)); else ctx.lineTo(X(x), Y(y));
      started = true;
    }
    ctx.stroke();
    if (s.label) {
      ctx.fillStyle = s.color;
      ctx.fillText(s.label, lx, 14);
      lx += ctx.measureText(s.label).width + 12;
    }
  }
  ctx.lineWidth = 1;
}

// the k-sigma ellipse of N(mean, cov) (cov flat row-major 2 x 2)
export function ellipse(mean, cov, k = 2) {
  const [a, b, , d] = cov;
  const tr = a + d, det = a * d - b * b;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc, l2 = Math.max(1e-12, tr / 2 - disc);
  const angle = Math.abs(b) > 1e-12 ? Math.atan2(l1 - a, b) : a >= d ? 0 : Math.PI / 2;
  return { cx: mean[0], cy: mean[1], r1: k * Math.sqrt(l1), r2: k * Math.sqrt(l2), angle };
}
