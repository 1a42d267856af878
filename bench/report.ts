// What the bench prints and writes: each figure as it completes, then one Markdown table (figure | floor |
// Firebreak | ratio | goal | met?) with the machine it ran on, to stdout and to test-output/bench.{md,json}.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from './checks';

export type Unit = 'ms' | 'alerts/s' | 'req/s' | 'MiB' | 'share';

export interface Figure {
  figure: string;
  unit: Unit;
  firebreak: number;
  /** The floor measured in the same run; absent for figures that have none. */
  floor?: number;
  /** The issue's goal, as printed, and whether Firebreak meets it (given the floor, for goals relative to it). */
  goal?: { text: string; met(firebreak: number, floor: number | undefined): boolean };
}

export interface Row {
  figure: string;
  floor: string;
  firebreak: string;
  ratio: string;
  goal: string;
  met: string;
}

function format(value: number | undefined, unit: Unit): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ms':
      return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
    case 'alerts/s':
    case 'req/s':
      return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
    case 'MiB':
      return `${value.toFixed(0)} MiB`;
    case 'share':
      return `${(value * 100).toFixed(0)}%`;
  }
}

/** "CPU model, N cores, Node vX" from /proc/cpuinfo and Node itself. */
export function machineLine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: os.cpus() named it
  }
  return `${model}, ${cpus().length} cores, Node ${process.version}`;
}

/** How to read the table; printed above it. */
const NOTES = [
  'Ratio = Firebreak ÷ floor: above 1 is slower for times and sizes, below 1 is slower for rates.',
  'Each floor ran right before and right after its Firebreak figure and the two runs are pooled (cold starts alternate one by one); the postmortem floor drafts the very data Firebreak served, right after it.',
  "Firebreak runs as `npm run build` builds it (one esbuild bundle, node, NODE_ENV=production), the floors compiled by tsc, each in a fresh process and temp dir; the sender and the fake Slack run in the bench process (tsx), as does the postmortem floor, on Firebreak's drafting and rendering built as Firebreak is.",
  "Alert → card runs with Slack's per-method budgets raised in Firebreak's policy (slack.rateLimits): with Tier 2's 20 channels a minute, back-to-back new incidents wait ~3.5 s each after the first three.",
];

export class Report {
  readonly rows: Row[] = [];
  /** Every figure's numbers and the raw samples' summaries, for bench.json. */
  readonly raw: Record<string, unknown> = {};

  /** Adds a row and prints it at once, so a long run shows its figures as they come. */
  add(figure: Figure): void {
    const ratio = figure.floor === undefined ? '—' : `${(figure.firebreak / figure.floor).toFixed(2)}×`;
    const met = figure.goal ? (figure.goal.met(figure.firebreak, figure.floor) ? 'yes' : 'no') : '—';
    const row: Row = {
      figure: figure.figure,
      floor: format(figure.floor, figure.unit),
      firebreak: format(figure.firebreak, figure.unit),
      ratio,
      goal: figure.goal?.text ?? '—',
      met,
    };
    this.rows.push(row);
    this.raw[figure.figure] = {
      unit: figure.unit,
      firebreak: figure.firebreak,
      floor: figure.floor ?? null,
      goal: row.goal,
      met,
    };
    console.log(
      `  ${row.figure}: Firebreak ${row.firebreak}, floor ${row.floor}, ratio ${ratio}, goal ${row.goal}: ${met}`,
    );
  }

  /** Numbers behind the figures (sample counts, maxima, both floor runs…), kept in bench.json only. */
  record(key: string, value: unknown): void {
    this.raw[key] = value;
  }

  markdown(context: { machine: string; sizes: unknown; seconds: number; checks: CheckResult[] }): string {
    const lines = [
      '| figure | floor (same run) | Firebreak | ratio | goal | met? |',
      '| --- | --- | --- | --- | --- | --- |',
      ...this.rows.map((r) => `| ${[r.figure, r.floor, r.firebreak, r.ratio, r.goal, r.met].join(' | ')} |`),
    ];
    const broken = context.checks.filter((c) => !c.ok);
    return [
      `Machine: ${context.machine}. Run took ${Math.round(context.seconds)} s; sizes ${JSON.stringify(context.sizes)}.`,
      ...NOTES.map((note) => `- ${note}`),
      '',
      ...lines,
      '',
      broken.length === 0
        ? `Reliability: all ${context.checks.length} checks held (every 202'd alert stored, 1 incident per group, 1 card and 1 announcement per incident, ≤ 1 message write per channel per second, 0 refused).`
        : `Reliability: ${broken.length} of ${context.checks.length} checks BROKEN:\n${broken.map((c) => `- ${c.what}: ${c.detail}`).join('\n')}`,
      '',
    ].join('\n');
  }

  write(dir: string, markdown: string, extra: Record<string, unknown>): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bench.md'), markdown);
    writeFileSync(
      join(dir, 'bench.json'),
      `${JSON.stringify({ ...extra, rows: this.rows, raw: this.raw }, null, 2)}\n`,
    );
  }
}
