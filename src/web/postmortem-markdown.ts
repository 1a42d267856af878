// The postmortem as Markdown, the file posted in the incident channel and served with `?format=md`: the
// sections in the reference postmortem's shape, and user and timeline text that cannot break out of them.
import { zoneLabel } from '../domain/local-time';
import { isPlaceholder, localText, postmortemClock, type Measure, type Postmortem } from '../domain/postmortem';
import { metricRows } from './postmortem-metrics';
import { scalingPolicyText } from './postmortem-scaling-policy';

/**
 * User and timeline text as literal Markdown: one line, every inline control character backslash-escaped,
 * and a block marker at the start (`#`, `-`, `1.`, `>`) neutralised, so text cannot add links, HTML or headings.
 */
export function escapeMarkdown(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  // `(`, `!` and `#` need no escape mid-line once `[` and line starts are escaped; leaving them keeps it readable.
  const escaped = oneLine.replace(/[\\`*_[\]<>|~]|&(?=#?[A-Za-z0-9]+;)/g, (c) => `\\${c}`);
  return escaped.replace(/^([#>+\-=]|\d+(?=[.)](\s|$)))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** A field that may be a placeholder: the marker as is, anything else escaped. */
function mdText(text: string): string {
  return isPlaceholder(text) ? text : escapeMarkdown(text);
}

function measureLine(m: Measure): string {
  if (m.source === 'placeholder') return `- ${m.text}`;
  if (m.source !== 'suggested') return `- ${escapeMarkdown(m.text)}`;
  return `- ${escapeMarkdown(m.text)}. _Suggested by Firebreak${m.reason ? `: ${escapeMarkdown(m.reason)}` : ''}._`;
}

/** A fenced block that the code cannot close: its fence is longer than any run of backticks in it. */
function fenced(code: string, language: string): string[] {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, code, fence];
}

/** The auto-scaling proposal per target scaled out by hand; nothing when there was none. */
function autoScalingLines(pm: Postmortem): string[] {
  if (pm.autoScaling.length === 0) return [];
  const clock = (at: Date): string => postmortemClock(at, pm.timeZone, pm.multiDay);
  const lines = [
    '## Auto-scaling Policy Proposal',
    '',
    'Capacity was added by hand during this incident. This target-tracking policy would add it by itself, sized from what the incident showed.',
    '',
  ];
  for (const proposal of pm.autoScaling) {
    const text = scalingPolicyText(proposal, clock);
    lines.push(`### ${escapeMarkdown(text.heading)}`, '', ...text.basis.map((b) => `- ${escapeMarkdown(b)}`), '');
    for (const step of text.steps)
      lines.push(`${escapeMarkdown(step.caption)}:`, '', ...fenced(step.code, step.language), '');
  }
  return lines;
}

export function postmortemMarkdown(pm: Postmortem): string {
  const s = pm.issueSummary;
  const drafted = `${localText(pm.draftedAt, pm.timeZone, 'yyyy-MM-dd HH:mm')} ${zoneLabel(pm.timeZone, pm.draftedAt)}`;
  const lines: string[] = [
    `# ${escapeMarkdown(pm.title)}`,
    '',
    `${pm.reference} · ${pm.severity} · ${escapeMarkdown(pm.service)} · Drafted by Firebreak from the incident timeline on ${drafted}. Times are ${escapeMarkdown(pm.zoneNote)}.`,
    '',
    '## Issue Summary',
    '',
    `- **Duration:** ${escapeMarkdown(s.period)} (${escapeMarkdown(s.durationText)})`,
    `- **Impact:** ${mdText(s.impact)}`,
    `- **Root cause:** ${mdText(s.rootCause)}`,
    `- **Summary:** ${mdText(s.summary)}`,
    '',
    '## Timeline',
    '',
    ...(pm.timeline.length > 0
      ? pm.timeline.map((e) => `- **${escapeMarkdown(e.time)}** ${escapeMarkdown(e.text)} — ${escapeMarkdown(e.actor)}`)
      : ['- The timeline recorded no events.']),
    '',
    '## Root Cause and Resolution',
    '',
    `- **Root cause:** ${mdText(pm.rootCauseAndResolution.rootCause)}`,
    `- **Resolution:** ${mdText(pm.rootCauseAndResolution.resolution)}`,
    ...(pm.rootCauseAndResolution.fromTimeline.length > 0
      ? [
          `- **What was done, from the timeline:** ${pm.rootCauseAndResolution.fromTimeline.map(escapeMarkdown).join(' ')}`,
        ]
      : []),
    '',
    '## Corrective and Preventative Measures',
    '',
    '### Immediate',
    '',
    ...pm.measures.immediate.map(measureLine),
    '',
    '### Preventative',
    '',
    ...pm.measures.preventative.map(measureLine),
    '',
    ...autoScalingLines(pm),
    '## Tasks',
    '',
    ...(pm.tasksPlaceholder
      ? [pm.tasksPlaceholder]
      : pm.tasks.map((t) => `- [${t.done ? 'x' : ' '}] ${escapeMarkdown(t.text)}`)),
    '',
    '## Metrics',
    '',
    '| Metric | Value |',
    '| --- | --- |',
    ...metricRows(pm.metrics).map((r) => `| ${r.label} | ${r.value} |`),
    '',
  ];
  return lines.join('\n');
}
