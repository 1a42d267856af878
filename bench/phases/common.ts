// What every phase shares: its context, a fresh fake Slack per process measured, floor/Firebreak interleaving,
// and waiting on a fake's changes.
import { FakeSlack } from '../../src/sandbox/fake-slack';
import type { Built } from '../build';
import type { Checks } from '../checks';
import { secrets } from '../config';
import type { Running } from '../processes';
import type { Report } from '../report';

export interface PhaseContext {
  built: Built;
  report: Report;
  checks: Checks;
}

/**
 * A fresh fake Slack for one process under measure: its workspace and call log start empty, so per-channel
 * pacing is judged on that process's calls alone and a grown workspace slows no later run.
 */
export async function withFakeSlack<T>(work: (slack: FakeSlack) => Promise<T>): Promise<T> {
  const slack = await FakeSlack.start({ botToken: secrets.botToken });
  try {
    return await work(slack);
  } finally {
    await slack.stop();
  }
}

/**
 * Floor, Firebreak, floor: the machine is shared and its speed drifts, so each floor is measured right
 * before and right after the figure it is a floor of, and the two runs are pooled.
 */
export async function interleaved<F, B>(
  floor: () => Promise<F>,
  firebreak: () => Promise<B>,
): Promise<{ floors: [F, F]; firebreak: B }> {
  const before = await floor();
  const measured = await firebreak();
  const after = await floor();
  return { floors: [before, after], firebreak: measured };
}

/**
 * Resolves when `check` holds, re-checked on every change the fake records; fails after `timeoutMs`, so a
 * card that never comes ends the bench with a reason instead of hanging it.
 */
export function when(
  fake: { onChange(listener: () => void): () => void },
  check: () => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`waited ${timeoutMs / 1000} s for ${what}`));
    }, timeoutMs);
    const off = fake.onChange(() => {
      if (!check()) return;
      off();
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Prints how many warnings and errors Firebreak logged, by message: not a failure by itself, but worth reading. */
export function reportLogProblems(label: string, firebreak: Running): void {
  const counts = new Map<string, number>();
  for (const line of firebreak.logs) {
    if (line.level !== 'warn' && line.level !== 'error' && line.level !== 'fatal') continue;
    const key = `${String(line.level)}: ${String(line.msg)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return;
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([msg, n]) => `${n}× "${msg.slice(0, 100)}"`);
  console.log(
    `    ${label}: Firebreak logged ${[...counts.values()].reduce((a, b) => a + b, 0)} warnings/errors: ${top.join(', ')}`,
  );
}
