// The demo page: three panels over one worker, the view kept in the URL.
import { DmtClient } from './client.js';
import { SamplePanel } from './sample_panel.js';
import { TrainPanel } from './train_panel.js';
import { TransportPanel } from './transport_panel.js';
import { FitPanel } from './fit_panel.js';
import { readState, writeState } from './url_state.js';

const client = new DmtClient();
const state = readState();
const panels = {};
let current = ['sample', 'train', 'transport', 'fit'].includes(state.panel) ? state.panel : 'sample';

function saveState() {
  if (!panels.sample || !panels.train || !panels.transport || !panels.fit) return;
  writeState({ panel: current, ...panels.sample.state(), ...panels.train.state(), ...panels.transport.state(),
               ...panels.fit.state() });
}

function show(name) {
  current = name;
  for (const b of document.querySelectorAll('nav button')) b.setAttribute('aria-selected', String(b.dataset.panel === name));
  for (const p of ['sample', 'train', 'transport', 'fit']) document.getElementById('panel-' + p).hidden = p !== name;
  if (name !== 'sample') panels.sample?.setPlaying(false);
  if (name !== 'train') panels.train?.setPlaying(false);
  if (name !== 'fit') panels.fit?.setPlaying(false);
  saveState();
}

async function main() {
  const status = document.getElementById('status');
  try {
    const registry = await client.call('registry');
    status.textContent = `dmt ${registry.version} · ${registry.targets.length} targets · ${registry.samplers.length} samplers`;
    panels.sample = new SamplePanel(client, registry, state, saveState);
    panels.train = new TrainPanel(client, registry, state, saveState);
    panels.transport = new TransportPanel(client, state, saveState);
    panels.fit = new FitPanel(client, registry, state, saveState);
    for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => show(b.dataset.panel));
    show(current);
    await Promise.all([panels.sample.reset(), panels.train.reset(), panels.fit.reset()]);
    window.dmtDemo = { client, panels, ready: true };
  } catch (e) {
    status.textContent = `failed: ${e.message}`;
    status.classList.add('error');
  }
}

main();
