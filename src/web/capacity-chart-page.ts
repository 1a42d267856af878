// A capacity warning's chart page: the target's recent load and the forecast path as a server-rendered SVG, with
// the capacity line (instances × per-instance load) and the target-utilization line. Self-contained (inline CSS,
// no script), readable on a phone: the chart scales to the width, the numbers stack under it.
import type { CapacityWarning } from '../domain/capacity/capacity-warning';
import type { MetricPoint } from '../domain/capacity/series';
import { localTime } from '../domain/local-time';
import { escapeHtml } from './html';

export interface CapacityChart {
  warning: CapacityWarning;
  /** The load read for the chart, oldest first (the last hours up to the look). */
  recent: MetricPoint[];
  /** The forecast from the look, after its instant. */
  forecast: MetricPoint[];
  /** Why the series could not be read now, if it could not. */
  problem: string | null;
  now: Date;
  timeZone: string;
}

const W = 480;
const H = 300;
const PAD = { left: 44, right: 10, top: 14, bottom: 30 };

const round = (v: number): string => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
const pct = (r: number): string => (Number.isFinite(r) ? `${Math.round(r * 100)} %` : '∞');

export function capacityChartSvg(chart: CapacityChart): string {
  const n = chart.warning.numbers;
  const capacity = n.instances * n.perInstance;
  const targetLine = capacity * n.targetUtilization;
  const all = [...chart.recent, ...chart.forecast];
  const t0 = all[0]?.at.getTime() ?? n.at.getTime() - 3_600_000;
  const t1 = Math.max(all.at(-1)?.at.getTime() ?? n.at.getTime(), t0 + 60_000);
  const top = Math.max(capacity, ...all.map((p) => p.value)) * 1.1 || 1;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const path = (points: readonly MetricPoint[]) =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at.getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const time = (ms: number) => localTime(new Date(ms), chart.now, chart.timeZone);
  const ticks = [0, 1 / 3, 2 / 3, 1].map((f) => t0 + f * (t1 - t0));
  const hline = (v: number, cls: string, label: string) =>
    `<g class="${cls}"><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text x="${W - PAD.right - 4}" y="${(y(v) - 4).toFixed(1)}" text-anchor="end">${escapeHtml(label)}</text></g>`;
  const forecastFrom = chart.recent.at(-1);
  const description = `Load of ${chart.warning.target}: ${round(n.loadNow)} now, forecast peak ${round(n.peak.value)}; capacity ${round(capacity)} on ${n.instances} instances.`;
  return [
    `<svg id="capacity-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(description)}">`,
    `<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>`,
    `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}"/>`,
    // The first and last labels sit inside the chart, not cut at its edges.
    ...ticks.map(
      (t, i) =>
        `<text class="tick-label" x="${x(t).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="${i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}">${escapeHtml(time(t))}</text>`,
    ),
    `<text class="tick-label" x="${PAD.left - 6}" y="${y(0)}" text-anchor="end">0</text>`,
    `<text class="tick-label" x="${PAD.left - 6}" y="${y(top / 1.1).toFixed(1)}" text-anchor="end">${round(top / 1.1)}</text>`,
    hline(capacity, 'capacity', `capacity ${round(capacity)} (${n.instances} instances)`),
    hline(targetLine, 'target', `target ${pct(n.targetUtilization)}: ${round(targetLine)}`),
    `<line class="now" x1="${x(n.at.getTime()).toFixed(1)}" x2="${x(n.at.getTime()).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>`,
    chart.recent.length > 0 ? `<path class="load" d="${path(chart.recent)}"/>` : '',
    chart.forecast.length > 0
      ? `<path class="forecast" d="${path(forecastFrom ? [forecastFrom, ...chart.forecast] : chart.forecast)}"/>`
      : '',
    '</svg>',
  ].join('');
}

const CSS = `
:root { --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --accent: #0b57d0; --alert: #d93025; --warn: #b06000; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.5 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 50rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); margin: 0 0 1rem; font-size: .9rem; }
.problem { background: #fff4ce; padding: .5rem .75rem; border-radius: 6px; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 13px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .axis { stroke: var(--muted); }
svg .tick-label { fill: var(--muted); }
svg .load { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .forecast { fill: none; stroke: var(--accent); stroke-width: 2; stroke-dasharray: 6 4; }
svg .capacity line { stroke: var(--alert); stroke-width: 1.5; }
svg .capacity text { fill: var(--alert); }
svg .target line { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 2 3; }
svg .target text { fill: var(--warn); }
svg .now { stroke: var(--muted); stroke-dasharray: 2 2; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 1rem 0 0; }
dt { font-weight: 600; }
dd { margin: 0; }
`;

export function capacityChartHtml(chart: CapacityChart): string {
  const w = chart.warning;
  const n = w.numbers;
  const at = (d: Date) => localTime(d, chart.now, chart.timeZone);
  const state =
    w.state === 'open'
      ? 'open'
      : `closed ${w.closedAt ? at(w.closedAt) : ''} (${(w.closeReason ?? '').replace('_', ' ')})`;
  const rows: Array<[string, string]> = [
    ['Load now', `${round(n.loadNow)} (${pct(n.utilizationNow)} of capacity)`],
    ['Forecast peak', `${round(n.peak.value)} at ${at(n.peak.at)} (${pct(n.utilizationAtPeak)})`],
    [
      `Passes ${pct(n.targetUtilization)}`,
      n.passesTargetAt ? at(n.passesTargetAt) : `not within ${n.lookaheadMinutes} min`,
    ],
    ['Saturates (100 %)', n.saturatesAt ? at(n.saturatesAt) : `not within ${n.lookaheadMinutes} min`],
    ['Instances', `${n.instances} now → ${n.needed} needed (target ${pct(n.targetUtilization)})`],
    ['Offer', n.scaleOut > 0 ? `Scale out +${n.scaleOut}` : 'nothing'],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Capacity of ${escapeHtml(w.target)} — Firebreak</title><style>${CSS}</style></head>
<body><main>
<h1>Capacity of ${escapeHtml(w.target)}</h1>
<p class="meta">Warning #${w.id}, ${escapeHtml(state)} · as of ${escapeHtml(at(n.at))} · solid: load, dashed: forecast ${n.lookaheadMinutes} min ahead</p>
${chart.problem ? `<p class="problem">The series could not be read: ${escapeHtml(chart.problem)}</p>` : ''}
<figure>${capacityChartSvg(chart)}</figure>
<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
</main></body></html>
`;
}
