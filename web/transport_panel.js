// The Transport panel: controls around TransportView, with the numbers of the closed form.
import { TransportView } from './transport_view.js';

const $ = (id) => document.getElementById(id);

export class TransportPanel {
  constructor(client, state, onState) {
    this.onState = onState;
    if (state.o_reg !== undefined) $('o-reg').value = Math.log10(Number(state.o_reg));
    if (state.o_iter !== undefined) $('o-iter').value = state.o_iter;
    if (state.o_cloud !== undefined) $('o-cloud').checked = state.o_cloud === '1';
    if (state.o_bridge !== undefined) $('o-bridge').checked = state.o_bridge === '1';
    if (state.o_plan !== undefined) $('o-plan').checked = state.o_plan === '1';
    this.view = new TransportView(client, $('o-canvas'), $('o-chart-ipf'), {
      onResult: (r) => this.show(r),
      onError: (e) => { $('o-error').hidden = !e; $('o-error').textContent = e ? e.message : ''; },
    });
    for (const k of ['alpha', 'beta']) if (state['o_' + k]) {
      try {
        const v = JSON.parse(state['o_' + k]);
        if (Array.isArray(v.mean) && Array.isArray(v.cov)) this.view[k] = v;
      } catch { /* a malformed URL keeps the defaults */ }
    }
    const apply = () => {
      this.view.reg = 10 ** Number($('o-reg').value);
      this.view.iterations = Number($('o-iter').value);
      this.view.cloud = $('o-cloud').checked ? 40 : 0;
      this.view.animate = $('o-bridge').checked;
      this.view.showPlan = $('o-plan').checked;
      $('o-reg-value').textContent = this.view.reg.toPrecision(3);
      this.onState();
      this.view.update();
    };
    for (const id of ['o-reg', 'o-iter', 'o-cloud', 'o-bridge', 'o-plan']) $(id).addEventListener('input', apply);
    $('o-canvas').addEventListener('pointerup', () => this.onState());
    apply();
  }

  state() {
    const round = (g) => JSON.stringify({ mean: g.mean.map((v) => +v.toFixed(3)), cov: g.cov.map((v) => +v.toFixed(4)) });
    return { o_reg: this.view.reg.toPrecision(3), o_iter: $('o-iter').value, o_cloud: $('o-cloud').checked ? '1' : '0',
             o_bridge: $('o-bridge').checked ? '1' : '0', o_plan: $('o-plan').checked ? '1' : '0', o_alpha: round(this.view.alpha), o_beta: round(this.view.beta) };
  }

  show(r) {
    const rows = [['OT_s (entropic cost)', r.ot.cost.toFixed(4)], ['W2² (s → 0)', r.ot.w2Squared.toFixed(4)],
                  ['Sinkhorn divergence', r.ot.divergence === null ? '—' : r.ot.divergence.toFixed(4)],
                  ['IPF contraction / sweep', r.contraction.toFixed(4)],
                  ['IPF error after ' + r.errors.length, r.errors[r.errors.length - 1].toExponential(2)]];
    if (r.sinkhorn) rows.push(['cloud Sinkhorn cost', r.sinkhorn.cost.toFixed(4)], ['cloud Sinkhorn iterations', String(r.sinkhorn.iterations)]);
    $('o-metrics').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k;
      dd.textContent = v;
      return [dt, dd];
    }));
  }
}
