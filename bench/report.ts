// What the bench prints and writes: each figure as it completes, then one Markdown table (figure | floor |
// Firebreak | ratio | goal | met? | the goal as a share of the issue's floor | met?) with the machine it ran
// on, to stdout and to test-output/bench.{md,json}.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from './checks';

export type Unit = 'ms' | 'alerts/s' | 'req/s' | 'MiB' | 'share';

export interface Goal {
  /** As printed. */
  text: string;
  /** Whether Firebreak meets it (given the floor, for goals relative to it). */
  met(firebreak: number, floor: number | undefined): boolean;
  /** For a goal in absolute terms set beside a floor the issue measured: the same goal as a share of that floor. */
  asShare?: { text: string; met(ratio: number): boolean };
}

export interface Figure {
  figure: string;
  unit: Unit;
  firebreak: number;
  /** The floor measured in the same run; absent for figures that have none. */
  floor?: number;
  goal?: Goal;
}

/**
 * A goal issue 12 set in absolute terms (`value`, in the figure's unit) beside the floor it measured on its own
 * machine (`issueFloor`): met as written, and also read as the share of the floor it asks for, against the
 * floor measured in this run. Machines differ: the issue's storm floors ran about twice as fast as this
 * bench's machines, so as written a goal asks more of a slower machine than the issue did.
 */
export function goalBesideIssueFloor(options: {
  text: string;
  value: number;
  better: 'higher' | 'lower';
  issueFloor: number;
  /** `< value` rather than `≤ value`, as the issue wrote it. */
  strictly?: boolean;
}): Goal {
  const { value, better, issueFloor, strictly = false } = options;
  const share = value / issueFloor;
  const higher = better === 'higher';
  return {
    text: options.text,
    met: (f) => (higher ? f >= value : strictly ? f < value : f <= value),
    asShare: {
      text: `${higher ? '≥' : '≤'} ${share.toFixed(2)}×`,
      met: (ratio) => (higher ? ratio >= share : ratio <= share),
    },
  };
}

export interface Row {
  figure: string;
  floor: string;
  firebreak: string;
  ratio: string;
  goal: string;
  met: string;
  /** The goal read as a share of the issue's own floor (goalBesideIssueFloor), and whether that is met. */
  shareGoal: string;
  shareMet: string;
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
  "Where issue 12 set a goal in absolute terms beside a floor it measured (its bare better-sqlite3 server: 43,000 alerts/s 6-alert, 13,800 req/s 1-alert; Bolt ack-only: 8 ms p99; the SDKs' start: 0.32 s; the render alone: 34 ms), the goal is also read as the share of that floor it asks for, against this run's floor.",
];

export class Report {
  readonly rows: Row[] = [];
  /** Every figure's numbers and the raw samples' summaries, for bench.json. */
  readonly raw: Record<string, unknown> = {};

  /** Adds a row and prints it at once, so a long run shows its figures as they come. */
  add(figure: Figure): void {
    const { goal, floor } = figure;
    const ratio = floor === undefined ? '—' : figure.firebreak / floor;
    const yes = (met: boolean): string => (met ? 'yes' : 'no');
    const asShare = goal?.asShare && typeof ratio === 'number' ? goal.asShare : undefined;
    const row: Row = {
      figure: figure.figure,
      floor: format(floor, figure.unit),
      firebreak: format(figure.firebreak, figure.unit),
      ratio: typeof ratio === 'number' ? `${ratio.toFixed(2)}×` : ratio,
      goal: goal?.text ?? '—',
      met: goal ? yes(goal.met(figure.firebreak, floor)) : '—',
      shareGoal: asShare?.text ?? '—',
      shareMet: asShare && typeof ratio === 'number' ? yes(asShare.met(ratio)) : '—',
    };
    this.rows.push(row);
    this.raw[figure.figure] = {
      unit: figure.unit,
      firebreak: figure.firebreak,
      floor: floor ?? null,
      goal: row.goal,
      met: row.met,
      ...(asShare ? { goalAsShareOfIssueFloor: row.shareGoal, metAsShare: row.shareMet } : {}),
    };
    const share = asShare ? `; as a share of the issue's floor ${row.shareGoal}: ${row.shareMet}` : '';
    console.log(
      `  ${row.figure}: Firebreak ${row.firebreak}, floor ${row.floor}, ratio ${row.ratio}, goal ${row.goal}: ${row.met}${share}`,
    );
  }

  /** Numbers behind the figures (sample counts, maxima, both floor runs…), kept in bench.json only. */
  record(key: string, value: unknown): void {
    this.raw[key] = value;
  }

  markdown(context: { machine: string; sizes: unknown; seconds: number; checks: CheckResult[] }): string {
    const lines = [
      "| figure | floor (same run) | Firebreak | ratio | goal | met? | goal as a share of the issue's floor | met? |",
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...this.rows.map(
        (r) => `| ${[r.figure, r.floor, r.firebreak, r.ratio, r.goal, r.met, r.shareGoal, r.shareMet].join(' | ')} |`,
      ),
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
