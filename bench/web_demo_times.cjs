// The demo in headless Chromium (bench/README.md "WebAssembly"): the Sample panel at 2000 particles
// (MALA on gmm25, 5 steps per frame) -- median and p95 of the frame's work (request to the worker,
// 5 steps of 2000 particles, copy back, draw) and of the interval between drawn frames -- and the
// Train panel's defaults on gmm25: wall time until all 25 modes are covered (mode coverage 1 on
// 500 samples, evaluated about once a second). Needs the built site (cmake --build --preset wasm).
// Usage: node bench/web_demo_times.cjs [seconds of sampling, default 10]
const path = require('node:path');
const { serve } = require('../tests/web/static_server.cjs');
const { launch } = require('../tests/web/browser.cjs');

(async () => {
  const seconds = Number(process.argv[2] ?? 10);
  const server = await serve(path.join(__dirname, '..', 'build', 'wasm', 'site'));
  const base = `http://127.0.0.1:${server.address().port}/index.html`;
  const { context, close } = await launch();
  const q = (v, p) => v[Math.min(v.length - 1, Math.floor(p * (v.length - 1)))];
  try {
    const page = await context.newPage();
    await page.goto(base + '#panel=sample&target=gmm25&sampler=mala&particles=2000&spf=5&sp.step_size=0.3&sp.adapt_steps=100');
    await page.waitForFunction(() => window.dmtDemo?.ready, null, { timeout: 120000 });
    await page.evaluate(() => {
      const p = window.dmtDemo.panels.sample;
      window.__drawn = [];
      const show = p.show.bind(p);
      p.show = (r) => { window.__drawn.push(performance.now()); show(r); };
    });
    await page.click('#s-play');
    await page.waitForTimeout(seconds * 1000);
    await page.click('#s-play');
    const { work, drawn } = await page.evaluate(() => ({ work: window.dmtDemo.panels.sample.frameMs, drawn: window.__drawn }));
    const w = work.slice(5).sort((a, b) => a - b);
    const gaps = drawn.slice(6).map((t, i) => t - drawn[i + 5]).sort((a, b) => a - b);
    console.log(`Sample panel, 2000 particles, 5 MALA steps per frame, ${w.length} frames: work median ${q(w, 0.5).toFixed(2)} ms, ` +
                `p95 ${q(w, 0.95).toFixed(2)} ms; frame interval median ${q(gaps, 0.5).toFixed(2)} ms, p95 ${q(gaps, 0.95).toFixed(2)} ms`);
    await page.click('nav button[data-panel="train"]');
    await page.click('#t-play');
    const t0 = Date.now();
    let covered = null;
    while (Date.now() - t0 < 180000 && !covered) {
      await page.waitForTimeout(500);
      covered = await page.evaluate(() => window.dmtDemo.panels.train.metrics.find((m) => m.modeCoverage === 1) ?? null);
    }
    console.log(covered ? `Train panel defaults on gmm25: all 25 modes covered at iteration ${covered.iteration}, ` +
                          `${covered.seconds.toFixed(1)} s after Train was pressed`
                        : 'Train panel: not all modes covered within 180 s');
  } finally {
    await close();
    server.close();
  }
})();
