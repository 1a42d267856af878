// The grammar of `/capacity`: `plan <target> <count> at <time> for <duration> [name]` (no arguments: the form),
// `list`, `cancel <id>`, `help`. Only the shape: whether the target exists and the time suits it is the flow's.
import { parseDuration } from '../../../domain/duration';
import { parseTimeInput } from '../../../domain/time-input';
import { CAPACITY_SUBCOMMANDS, type CapacitySubcommand } from '../../ids';
import { CAPACITY_USAGE, CAPACITY_USAGE_TEXT } from './usage';

export type CapacityCommand =
  | { sub: 'help' }
  | { sub: 'list' }
  | { sub: 'form' }
  | { sub: 'cancel'; planId: number }
  | {
      sub: 'plan';
      target: string;
      count: number;
      startsAt: Date;
      durationMs: number;
      name: string;
      /** `lead 45m` after the duration: this plan's pre-scale lead instead of the policy's. */
      leadMinutes?: number;
    };

export type CapacityParseResult = { ok: true; command: CapacityCommand } | { ok: false; error: string; usage: string };

/** A name is shown on the announcement and in lists: a line is plenty. */
export const MAX_PLAN_NAME = 120;

function fail(error: string, usage = CAPACITY_USAGE_TEXT): CapacityParseResult {
  return { ok: false, error, usage };
}

/** A plan's id as typed: `7` or `CAP-7`. */
export function parsePlanId(word: string): number | null {
  const match = /^(?:cap-)?(\d{1,9})$/i.exec(word.trim());
  return match ? Number(match[1]) : null;
}

/** A count of instances for the event: a whole number, at least 1. */
export function parsePlanCount(word: string): { ok: true; count: number } | { ok: false; error: string } {
  if (!/^\d{1,6}$/.test(word.trim()))
    return {
      ok: false,
      error: `"${word.trim()}" is not a number of instances; say how many the target should have, e.g. 24`,
    };
  const count = Number(word.trim());
  if (count < 1) return { ok: false, error: 'plan at least 1 instance' };
  return { ok: true, count };
}

function parsePlan(words: string[], timeZone: string): CapacityParseResult {
  const usage = CAPACITY_USAGE.plan.form;
  if (words.length === 0) return { ok: true, command: { sub: 'form' } };
  const [target = '', countWord, ...rest] = words;
  if (countWord === undefined) return fail('say how many instances the target should have, and when', usage);
  const count = parsePlanCount(countWord);
  if (!count.ok) return fail(count.error, usage);
  if (rest[0]?.toLowerCase() !== 'at') return fail('say when it starts: `at YYYY-MM-DD HH:MM`', usage);
  const forAt = rest.findIndex((w) => w.toLowerCase() === 'for');
  if (forAt < 0) return fail('say how long it lasts: `for 3h`', usage);
  const timeText = rest.slice(1, forAt).join(' ');
  if (timeText === '') return fail('say when it starts: `at YYYY-MM-DD HH:MM`', usage);
  const startsAt = parseTimeInput(timeText, timeZone);
  if (!startsAt.ok) return fail(startsAt.error, usage);
  const durationWord = rest[forAt + 1];
  if (durationWord === undefined) return fail('say how long it lasts: `for 3h`', usage);
  const duration = parseDuration(durationWord);
  if (!duration.ok) return fail(duration.error, usage);
  let nameFrom = forAt + 2;
  let leadMinutes: number | undefined;
  if (rest[nameFrom]?.toLowerCase() === 'lead') {
    const lead = parseDuration(rest[nameFrom + 1] ?? '');
    if (!lead.ok) return fail(`say how long before it starts to pre-scale: \`lead 45m\` (${lead.error})`, usage);
    leadMinutes = Math.round(lead.ms / 60_000);
    nameFrom += 2;
  }
  const name = rest.slice(nameFrom).join(' ');
  if (name.length > MAX_PLAN_NAME)
    return fail(`the name is ${name.length} characters; keep it under ${MAX_PLAN_NAME}`, usage);
  return {
    ok: true,
    command: {
      sub: 'plan',
      target,
      count: count.count,
      startsAt: startsAt.at,
      durationMs: duration.ms,
      name,
      ...(leadMinutes !== undefined ? { leadMinutes } : {}),
    },
  };
}

export function parseCapacityCommand(text: string, timeZone: string): CapacityParseResult {
  const [first = '', ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const sub = first.toLowerCase();
  if (!(CAPACITY_SUBCOMMANDS as readonly string[]).includes(sub))
    return fail(first === '' ? 'say what to do' : `"${first}" is not a /capacity subcommand`);
  switch (sub as CapacitySubcommand) {
    case 'help':
    case 'list':
      if (rest.length > 0) return fail(`${sub} takes no arguments`, CAPACITY_USAGE[sub as 'help' | 'list'].form);
      return { ok: true, command: { sub: sub as 'help' | 'list' } };
    case 'cancel': {
      const planId = rest.length === 1 ? parsePlanId(rest[0] ?? '') : null;
      if (planId === null)
        return fail('say which plan: its id, as `/capacity list` shows it', CAPACITY_USAGE.cancel.form);
      return { ok: true, command: { sub: 'cancel', planId } };
    }
    case 'plan':
      return parsePlan(rest, timeZone);
  }
}
