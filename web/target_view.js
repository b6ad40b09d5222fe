// The 2-D picture of a target: view box and heat map of log R over coordinates 0 and 1. For targets
// whose first two coordinates are themselves the same target in dimension 2 (funnel, banana,
// student_t), the heat map is that exact marginal; otherwise it is the slice through 0 in the other
// coordinates (e.g. a doublewell slice).
import { drawHeatmap } from './draw.js';

const exactMarginal = new Set(['funnel', 'banana', 'student_t']);
export const heatRes = 160;

export async function targetView(client, name, params) {
  const view = await client.call('view', { target: name, params });
  let densityParams = params;
  let kind = view.dim > 2 ? 'slice through 0 in the other coordinates' : 'density';
  if (view.dim > 2 && exactMarginal.has(name)) {
    densityParams = { ...params, dim: 2 };
    kind = 'exact marginal of the first two coordinates';
  }
  const logR = await client.call('density', { target: name, params: densityParams, bounds: view.bounds, res: heatRes });
  return { ...view, logR, kind };
}

export function paintTarget(canvas, view) {
  drawHeatmap(canvas.getContext('2d'), view.logR, heatRes);
}
