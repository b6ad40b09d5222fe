// Debian's Chromium, headless, driven by playwright-core (flags from ../shared/TOOLCHAIN.md).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

async function launch() {
  const { chromium } = require(path.join(__dirname, '..', '..', 'node_modules', 'playwright-core'));
  const executablePath = process.env.DMT_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (scripts/setup.sh installs it)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmt-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

// Collects console errors and uncaught page errors.
function watch(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return errors;
}

module.exports = { launch, watch };
