// The postmortem as a printable, self-contained HTML page for managers: inline CSS, an inline SVG chart of
// the incident, no scripts and no external assets. Every piece of user or timeline text is escaped here.
import { TZDate, tzOffset } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { humanDuration } from '../domain/duration';
import { zoneChanges, zoneLabel } from '../domain/local-time';
import {
  isPlaceholder,
  placeholderText,
  postmortemClock,
  type Measure,
  type Postmortem,
  type ScaleStep,
} from '../domain/postmortem';
import { escapeHtml } from './html';
import { metricRows } from './postmortem-metrics';
import { scalingPolicyText } from './postmortem-scaling-policy';

/** A field that may be a placeholder: shown as a marker to fill in, anything else as escaped text. */
function field(text: string): string {
  return isPlaceholder(text) ? `<em class="placeholder">${escapeHtml(placeholderText(text))}</em>` : escapeHtml(text);
}

// ---------------------------------------------------------------------------------------------------
// The chart.

const W = 960;
const H = 300;
const LEFT = 56;
const RIGHT = 36;
const LABEL_ROWS = [18, 34, 50];
const BAND_Y = 64;
const BAND_H = 18;
const CAP_TOP = 104;
const CAP_BOTTOM = 222;
const AXIS_Y = 242;
/** Rough width of one character of the 11px label font, to keep labels from overlapping. */
const CHAR_W = 6.2;

interface ChartMarker {
  at: Date;
  className: string;
  label: string;
  title: string;
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** Ticks for a time axis: round local times (every 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours, 1 day). */
function timeAxisTicks(start: Date, end: Date, timeZone: string, maxTicks = 10): Date[] {
  const span = Math.max(1, end.getTime() - start.getTime());
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000);
  const step = steps.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const ticks: Date[] = [];
  // Round in local time so ticks fall on 12:00 CET, not on 12:00 UTC; the offset is taken at each tick.
  const offsetMs = (at: Date): number => tzOffset(timeZone, at) * 60_000;
  const firstLocal = Math.ceil((start.getTime() + offsetMs(start)) / step) * step;
  for (let t = firstLocal; ; t += step) {
    const utc = new Date(t - offsetMs(new Date(t)));
    if (utc.getTime() > end.getTime()) break;
    if (utc.getTime() >= start.getTime()) ticks.push(utc);
    if (ticks.length > maxTicks * 2) break;
  }
  return ticks;
}

function markersOf(pm: Postmortem, clock: (at: Date) => string): ChartMarker[] {
  const f = pm.facts;
  const markers: ChartMarker[] = [];
  if (f.pageSentAt)
    markers.push({
      at: f.pageSentAt,
      className: 'marker marker-page marker-page-sent',
      label: 'Paged',
      title: `On-call paged at ${clock(f.pageSentAt)}`,
    });
  if (f.acknowledgedAt) {
    markers.push({
      at: f.acknowledgedAt,
      className: 'marker marker-page marker-page-acknowledged',
      label: 'Acknowledged',
      title: `Page acknowledged${f.acknowledgedBy ? ` by ${f.acknowledgedBy}` : ''} at ${clock(f.acknowledgedAt)}`,
    });
  }
  for (const step of f.scaleSteps) markers.push(scaleMarker(step, clock));
  if (f.mitigatedAt)
    markers.push({
      at: f.mitigatedAt,
      className: 'marker marker-mitigated',
      label: 'Mitigated',
      title: `Mitigated at ${clock(f.mitigatedAt)}`,
    });
  if (f.resolvedAt)
    markers.push({
      at: f.resolvedAt,
      className: 'marker marker-resolved',
      label: 'Resolved',
      title: `Resolved at ${clock(f.resolvedAt)}`,
    });
  return markers.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function scaleMarker(step: ScaleStep, clock: (at: Date) => string): ChartMarker {
  const change =
    step.from !== null && step.to !== null ? `${step.from} → ${step.to}` : step.to !== null ? `→ ${step.to}` : '';
  const delta =
    step.from !== null && step.to !== null ? `${step.to >= step.from ? '+' : '−'}${Math.abs(step.to - step.from)}` : '';
  const failed = step.outcome === 'failed' || step.outcome === 'refused';
  const outcome =
    step.outcome === 'completed' && step.finishedAt
      ? `, done at ${clock(step.finishedAt)}`
      : failed
        ? ` (${step.outcome}${step.message ? `: ${step.message}` : ''})`
        : step.outcome === 'dry_run'
          ? ' (dry run)'
          : '';
  return {
    at: step.requestedAt,
    className: `marker marker-scale${failed ? ' marker-failed' : ''}`,
    label: `Scale ${step.target} ${delta}${failed ? ` ${step.outcome}` : ''}`.trim(),
    title: `${step.requestedBy} scaled ${step.target} ${change} at ${clock(step.requestedAt)}${outcome}`,
  };
}

/** Capacity over time per target: a step line that rises when a scale-out completes. */
function capacityLines(
  pm: Postmortem,
  x: (at: Date) => number,
  clock: (at: Date) => string,
  start: Date,
  end: Date,
): string {
  const targets = [...new Set(pm.facts.scaleSteps.filter((s) => s.outcome === 'completed').map((s) => s.target))];
  const values = pm.facts.scaleSteps.flatMap((s) => [s.from, s.capacity]).filter((n): n is number => n !== null);
  const max = Math.max(1, ...values);
  const y = (n: number): number => CAP_BOTTOM - (n / max) * (CAP_BOTTOM - CAP_TOP);
  const parts: string[] = [];
  for (const target of targets) {
    const done = pm.facts.scaleSteps.filter(
      (s) => s.target === target && s.outcome === 'completed' && s.finishedAt && s.capacity !== null,
    );
    const first = done[0];
    if (!first) continue;
    let level = first.from ?? first.capacity ?? 0;
    let d = `M ${fmt(x(start))} ${fmt(y(level))}`;
    const labels: string[] = [
      `<text class="capacity-value" x="${fmt(x(start) + 4)}" y="${fmt(y(level) - 5)}">${level}</text>`,
    ];
    for (const step of done) {
      if (!step.finishedAt || step.capacity === null) continue;
      const sx = x(step.finishedAt);
      // The wait between asking for capacity and having it: the part of the incident scaling can shorten.
      const rx = x(step.requestedAt);
      const took = humanDuration(step.finishedAt.getTime() - step.requestedAt.getTime(), 'spoken');
      parts.push(
        `<rect class="scale-wait" x="${fmt(rx)}" y="${CAP_TOP}" width="${fmt(Math.max(1, sx - rx))}" height="${CAP_BOTTOM - CAP_TOP}">` +
          `<title>${escapeHtml(`${target}: ${step.from ?? '?'} → ${step.capacity}, requested ${clock(step.requestedAt)}, in service ${clock(step.finishedAt)} (${took})`)}</title></rect>`,
      );
      const waitLabel = `waited ${took}`;
      if (sx - rx > waitLabel.length * CHAR_W + 8) {
        parts.push(
          `<text class="scale-wait-label" x="${fmt((rx + sx) / 2)}" y="${CAP_BOTTOM - 6}" text-anchor="middle">${escapeHtml(waitLabel)}</text>`,
        );
      }
      d += ` H ${fmt(sx)} V ${fmt(y(step.capacity))}`;
      level = step.capacity;
      const from = step.from ?? '?';
      labels.push(
        `<text class="capacity-value" x="${fmt(sx + 4)}" y="${fmt(y(level) - 5)}">${escapeHtml(`${from} → ${level}`)}</text>`,
      );
    }
    d += ` H ${fmt(x(end))}`;
    parts.push(
      `<g class="capacity" data-target="${escapeHtml(target)}">`,
      `<path class="capacity-line" d="${d}"><title>${escapeHtml(`${target} capacity (instances)`)}</title></path>`,
      ...labels,
      `<text class="capacity-name" x="${fmt(x(end) - 2)}" y="${fmt(y(level) + 14)}" text-anchor="end">${escapeHtml(target)} instances</text>`,
      '</g>',
    );
  }
  return parts.join('\n');
}

/** The incident on one time axis: alerts firing, the page, each scale step with capacity, mitigation, resolution. */
export function postmortemChartSvg(pm: Postmortem): string {
  const f = pm.facts;
  const start = f.firstEventAt;
  const end = new Date(Math.max(f.endAt.getTime(), start.getTime() + 60_000));
  const span = end.getTime() - start.getTime();
  const x = (at: Date): number => LEFT + ((at.getTime() - start.getTime()) / span) * (W - LEFT - RIGHT);
  const clock = (at: Date): string => postmortemClock(at, pm.timeZone, pm.multiDay);
  const parts: string[] = [];

  // Axis and ticks, on round local times.
  parts.push(`<line class="axis" x1="${LEFT}" y1="${AXIS_Y}" x2="${W - RIGHT}" y2="${AXIS_Y}"/>`);
  let lastDay = '';
  for (const tick of timeAxisTicks(start, end, pm.timeZone)) {
    const tx = fmt(x(tick));
    const day = format(new TZDate(tick, pm.timeZone), 'MMM d');
    const label =
      pm.multiDay && day !== lastDay
        ? `${day} ${format(new TZDate(tick, pm.timeZone), 'HH:mm')}`
        : format(new TZDate(tick, pm.timeZone), 'HH:mm');
    lastDay = day;
    parts.push(
      `<line class="tick" x1="${tx}" y1="${AXIS_Y}" x2="${tx}" y2="${AXIS_Y + 5}"/>`,
      `<text class="tick-label" x="${tx}" y="${AXIS_Y + 18}" text-anchor="middle">${escapeHtml(label)}</text>`,
    );
  }
  parts.push(
    `<text class="zone-label" x="${W - RIGHT}" y="${AXIS_Y + 34}" text-anchor="end">${escapeHtml(chartZones(pm).join(' → '))}</text>`,
  );

  // Markers, each label on the first row where it does not overlap the previous one.
  const rowEnds = LABEL_ROWS.map(() => -Infinity);
  for (const m of markersOf(pm, clock)) {
    const mx = x(m.at);
    const text = `${m.label} ${clock(m.at)}`;
    const half = (text.length * CHAR_W) / 2;
    const lx = Math.min(Math.max(mx, LEFT + half), W - RIGHT - half + 30);
    let row = rowEnds.findIndex((e) => e + 6 < lx - half);
    if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = lx + half;
    const ly = LABEL_ROWS[row] ?? LABEL_ROWS[0] ?? 18;
    parts.push(
      `<g class="${m.className}"><title>${escapeHtml(m.title)}</title>`,
      `<line x1="${fmt(mx)}" y1="${ly + 4}" x2="${fmt(mx)}" y2="${AXIS_Y}"/>`,
      `<circle cx="${fmt(mx)}" cy="${AXIS_Y}" r="4"/>`,
      `<text x="${fmt(lx)}" y="${ly}" text-anchor="middle">${escapeHtml(text)}</text></g>`,
    );
  }

  // Alerts firing: from the first alert until all resolved, or the end. Drawn after the markers so their
  // dashed lines pass behind the band and the capacity line instead of striking through their labels.
  if (f.firstAlertAt) {
    const bandEnd = f.alertsResolvedAt ?? end;
    const bx = x(f.firstAlertAt);
    const bw = Math.max(2, x(bandEnd) - bx);
    const until = f.alertsResolvedAt ? `until ${clock(f.alertsResolvedAt)}` : 'still firing';
    parts.push(
      `<g class="band-alerts"><rect x="${fmt(bx)}" y="${BAND_Y}" width="${fmt(bw)}" height="${BAND_H}" rx="3"><title>${escapeHtml(`Alerts firing from ${clock(f.firstAlertAt)} ${until}`)}</title></rect>`,
      `<text x="${fmt(bx + 6)}" y="${BAND_Y + 13}">Alerts firing</text></g>`,
    );
  }

  parts.push(capacityLines(pm, x, clock, start, end));

  return [
    `<svg id="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(chartDescription(pm))}">`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** The zone's names over the chart's span: `['CET']`, or `['CET', 'CEST']` across a change to summer time. */
function chartZones(pm: Postmortem): string[] {
  const start = pm.facts.firstEventAt;
  return [zoneLabel(pm.timeZone, start), ...zoneChanges(pm.timeZone, start, pm.facts.endAt).map((c) => c.to)];
}

/** What the chart shows, in words, for screen readers and for the figure caption. */
export function chartDescription(pm: Postmortem): string {
  const f = pm.facts;
  const clock = (at: Date): string => postmortemClock(at, pm.timeZone, pm.multiDay);
  const zones = chartZones(pm);
  const end = pm.facts.resolvedAt ? clock(f.endAt) : 'now';
  const parts: string[] = [
    zones.length > 1
      ? `${pm.reference} from ${clock(f.firstEventAt)} ${zones[0]} to ${end} ${zones[zones.length - 1]}`
      : `${pm.reference} from ${clock(f.firstEventAt)} to ${end} ${zones[0]}`,
  ];
  if (f.firstAlertAt)
    parts.push(
      `alerts firing from ${clock(f.firstAlertAt)}${f.alertsResolvedAt ? ` to ${clock(f.alertsResolvedAt)}` : ''}`,
    );
  if (f.pageSentAt) parts.push(`paged at ${clock(f.pageSentAt)}`);
  if (f.acknowledgedAt) parts.push(`acknowledged at ${clock(f.acknowledgedAt)}`);
  for (const s of f.scaleSteps) {
    if (s.outcome === 'completed' && s.finishedAt)
      parts.push(`${s.target} ${s.from ?? '?'} → ${s.capacity ?? '?'} instances at ${clock(s.finishedAt)}`);
    else parts.push(`${s.target} scale request at ${clock(s.requestedAt)} ${s.outcome.replace('_', ' ')}`);
  }
  if (f.mitigatedAt) parts.push(`mitigated at ${clock(f.mitigatedAt)}`);
  if (f.resolvedAt) parts.push(`resolved at ${clock(f.resolvedAt)}`);
  return `Timeline of ${parts.join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------------
// The page.

const CSS = `
:root { --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --accent: #0b57d0; --alert: #d93025; --ok: #188038; --warn: #b06000; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2.5rem 1.5rem 3rem; }
header { border-bottom: 2px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.eyebrow { margin: 0; color: var(--muted); font-size: .85rem; letter-spacing: .04em; text-transform: uppercase; }
h1 { margin: .25rem 0 .5rem; font-size: 1.9rem; line-height: 1.2; }
h2 { margin: 2rem 0 .75rem; font-size: 1.3rem; border-bottom: 1px solid var(--rule); padding-bottom: .3rem; }
h3 { margin: 1.25rem 0 .5rem; font-size: 1.05rem; }
.meta { margin: 0; color: var(--muted); font-size: .9rem; }
dl.summary { display: grid; grid-template-columns: 9rem 1fr; gap: .4rem 1rem; margin: 0; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: .75rem; margin: 1.25rem 0 0; padding: 0; list-style: none; }
.figures li { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; }
.figures .value { display: block; font-size: 1.15rem; font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
.figures .label { display: block; color: var(--muted); font-size: .8rem; }
.placeholder { background: #fff4ce; color: #6b4f00; font-style: italic; padding: 0 .25em; border-radius: 3px; }
figure { margin: 0 0 1rem; }
figcaption { color: var(--muted); font-size: .85rem; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 11px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .axis, svg .tick { stroke: var(--muted); stroke-width: 1; }
svg .tick-label, svg .zone-label { fill: var(--muted); }
svg .band-alerts rect { fill: #fbe3e1; stroke: var(--alert); stroke-width: 1; }
svg .band-alerts text { fill: var(--alert); font-weight: 600; stroke: #fbe3e1; }
svg .scale-wait { fill: #0b57d0; fill-opacity: .08; }
svg .scale-wait-label { fill: #0b57d0; font-style: italic; }
svg .capacity-line { fill: none; stroke: var(--accent); stroke-width: 2.5; }
svg .capacity-value { fill: var(--accent); font-weight: 600; }
svg .capacity-name { fill: var(--accent); }
svg .marker line { stroke-width: 1.25; stroke-dasharray: 3 3; }
svg .marker-page line, svg .marker-page circle { stroke: var(--warn); fill: var(--warn); }
svg .marker-scale line, svg .marker-scale circle { stroke: var(--accent); fill: var(--accent); }
svg .marker-failed line, svg .marker-failed circle { stroke: var(--alert); fill: var(--alert); }
svg .marker-mitigated line, svg .marker-mitigated circle { stroke: #137333; fill: #137333; }
svg .marker-resolved line, svg .marker-resolved circle { stroke: var(--ok); fill: var(--ok); }
table { width: 100%; border-collapse: collapse; }
#auto-scaling pre { background: #f6f8fa; border: 1px solid var(--rule); border-radius: 6px; padding: .75rem 1rem; overflow-x: auto; font-size: 13px; white-space: pre; }
#auto-scaling .step { margin: .75rem 0 .25rem; color: var(--muted); }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--rule); }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; width: 1%; }
td.actor { color: var(--muted); white-space: nowrap; width: 1%; }
tr.kind-alert td.text { color: var(--alert); }
tr.kind-mitigated td.text, tr.kind-resolved td.text { font-weight: 600; }
ul { padding-left: 1.25rem; }
li { margin: .25rem 0; }
.suggested { color: var(--muted); font-size: .9rem; }
ul.tasks { list-style: none; padding-left: 0; }
ul.tasks li::before { content: "☐"; display: inline-block; width: 1.4em; }
ul.tasks li.done::before { content: "☑"; }
td.metric-value { font-variant-numeric: tabular-nums; white-space: nowrap; }
footer { margin-top: 2.5rem; padding-top: .75rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .8rem; }
@media (max-width: 640px) {
  dl.summary { grid-template-columns: 1fr; }
  .figures { grid-template-columns: repeat(2, 1fr); }
  /* The chart keeps a legible size and scrolls sideways rather than shrinking its labels to specks. */
  figure { overflow-x: auto; }
  #timeline-chart { min-width: 720px; }
}
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr, li, .figures li { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

/** The auto-scaling proposal per target scaled out by hand, with its commands; nothing when there was none. */
function autoScalingSection(pm: Postmortem): string {
  if (pm.autoScaling.length === 0) return '';
  const clock = (at: Date): string => postmortemClock(at, pm.timeZone, pm.multiDay);
  const targets = pm.autoScaling.map((proposal) => {
    const text = scalingPolicyText(proposal, clock);
    const steps = text.steps
      .map(
        (step) =>
          `<p class="step">${escapeHtml(step.caption)}:</p>\n<pre><code class="language-${step.language}">${escapeHtml(step.code)}</code></pre>`,
      )
      .join('\n');
    return `<h3>${escapeHtml(text.heading)}</h3>\n<ul class="basis">\n${text.basis.map((b) => `<li>${escapeHtml(b)}</li>`).join('\n')}\n</ul>\n${steps}`;
  });
  return `<section id="auto-scaling">
<h2>Auto-scaling Policy Proposal</h2>
<p>Capacity was added by hand during this incident. This target-tracking policy would add it by itself, sized from what the incident showed.</p>
${targets.join('\n')}
</section>

`;
}

function measureItem(m: Measure): string {
  if (m.source === 'placeholder') return `<li>${field(m.text)}</li>`;
  if (m.source === 'suggested') {
    return `<li class="measure-suggested">${escapeHtml(m.text)}. <span class="suggested">Suggested by Firebreak${m.reason ? `: ${escapeHtml(m.reason)}` : ''}.</span></li>`;
  }
  return `<li class="measure-${m.source}">${escapeHtml(m.text)}</li>`;
}

function localDateTime(at: Date, timeZone: string): string {
  return `${format(new TZDate(at, timeZone), 'yyyy-MM-dd HH:mm')} ${zoneLabel(timeZone, at)}`;
}

export function postmortemHtml(pm: Postmortem, options: { generatedAt: Date }): string {
  const s = pm.issueSummary;
  const r = pm.rootCauseAndResolution;
  const metrics = metricRows(pm.metrics);
  const figure = (value: string, label: string, ms: number | null): string =>
    `<li${ms === null ? '' : ` title="${escapeHtml(humanDuration(ms, 'spoken'))}"`}><span class="value">${escapeHtml(value)}</span><span class="label">${escapeHtml(label)}</span></li>`;
  // The key figures are big type in narrow cards: compact units keep each on one line; the title has the words.
  const short = (ms: number | null): string => (ms === null ? '—' : humanDuration(ms, 'short'));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(pm.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="postmortem">
<header>
<p class="eyebrow">${escapeHtml(`${pm.reference} · ${pm.severity} · ${pm.service}`)}</p>
<h1>${escapeHtml(pm.title)}</h1>
<p class="meta">Drafted by Firebreak from the incident timeline on ${escapeHtml(localDateTime(pm.draftedAt, pm.timeZone))}. Times are ${escapeHtml(pm.zoneNote)}.</p>
</header>

<section id="issue-summary">
<h2>Issue Summary</h2>
<dl class="summary">
<dt>Duration</dt><dd>${escapeHtml(s.period)} (${escapeHtml(s.durationText)})</dd>
<dt>Impact</dt><dd>${field(s.impact)}</dd>
<dt>Root cause</dt><dd>${field(s.rootCause)}</dd>
<dt>Summary</dt><dd>${field(s.summary)}</dd>
</dl>
<ul class="figures">
${figure(short(s.durationMs), s.end === 'ongoing' ? 'Open for' : 'Duration', s.durationMs)}
${figure(short(pm.metrics.timeToAcknowledge), 'Time to acknowledge', pm.metrics.timeToAcknowledge)}
${figure(short(pm.metrics.timeToMitigate), 'Time to mitigate', pm.metrics.timeToMitigate)}
${figure(short(pm.metrics.firstAlertToCapacity), 'First alert → capacity', pm.metrics.firstAlertToCapacity)}
</ul>
</section>

<section id="timeline">
<h2>Timeline</h2>
<figure>
${postmortemChartSvg(pm)}
<figcaption>${escapeHtml(chartDescription(pm))}</figcaption>
</figure>
<table>
<thead><tr><th scope="col">Time</th><th scope="col">What happened</th><th scope="col">Who</th></tr></thead>
<tbody>
${
  pm.timeline.length > 0
    ? pm.timeline
        .map(
          (e) =>
            `<tr class="kind-${e.kind}"><td class="time">${escapeHtml(e.time)}</td><td class="text">${escapeHtml(e.text)}</td><td class="actor">${escapeHtml(e.actor)}</td></tr>`,
        )
        .join('\n')
    : '<tr><td colspan="3">The timeline recorded no events.</td></tr>'
}
</tbody>
</table>
</section>

<section id="root-cause">
<h2>Root Cause and Resolution</h2>
<dl class="summary">
<dt>Root cause</dt><dd>${field(r.rootCause)}</dd>
<dt>Resolution</dt><dd>${field(r.resolution)}</dd>
${r.fromTimeline.length > 0 ? `<dt>From the timeline</dt><dd>${r.fromTimeline.map(escapeHtml).join(' ')}</dd>` : ''}
</dl>
</section>

<section id="measures">
<h2>Corrective and Preventative Measures</h2>
<h3>Immediate</h3>
<ul class="immediate">
${pm.measures.immediate.map(measureItem).join('\n')}
</ul>
<h3>Preventative</h3>
<ul class="preventative">
${pm.measures.preventative.map(measureItem).join('\n')}
</ul>
</section>

${autoScalingSection(pm)}<section id="tasks">
<h2>Tasks</h2>
${
  pm.tasksPlaceholder
    ? `<p>${field(pm.tasksPlaceholder)}</p>`
    : `<ul class="tasks">\n${pm.tasks.map((t) => `<li${t.done ? ' class="done"' : ''}>${escapeHtml(t.text)}</li>`).join('\n')}\n</ul>`
}
</section>

<section id="metrics">
<h2>Metrics</h2>
<table>
<tbody>
${metrics.map((m) => `<tr><th scope="row">${escapeHtml(m.label)}</th><td class="metric-value"${m.ms === null ? '' : ` data-ms="${m.ms}"`}>${escapeHtml(m.value)}</td></tr>`).join('\n')}
</tbody>
</table>
</section>

<footer>Generated by Firebreak on ${escapeHtml(localDateTime(options.generatedAt, pm.timeZone))}.</footer>
</main>
</body>
</html>
`;
}
