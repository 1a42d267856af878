// The grammar of `/scale`: turns the text after the command into a typed request, or says what is wrong,
// as parse-incident-command.ts does for `/incident`. Whether the target exists and the amount is allowed
// is the scaling flow's to say (it knows the targets and their guardrails); this is only the shape.
import { z } from 'zod';
import { parseScaleAmount } from '../../../domain/scaling';
import { SCALE_USAGE, SCALE_USAGE_TEXT, scaleSubcommand } from './usage';

export type ScaleCommand =
  | { sub: 'help' }
  | { sub: 'targets' }
  | { sub: 'status'; target?: string }
  | { sub: 'change'; target: string; amount: string; reason?: string };

export type ScaleParseResult = { ok: true; command: ScaleCommand } | { ok: false; error: string; usage: string };

/** A reason is stored on the operation and shown on the timeline; a paragraph is plenty. */
const MAX_REASON = 500;

/** `<target> <+N|-N|N> [reason…]`, as words. Whether the target exists is the scaling flow's to say. */
const changeWords = z.tuple(
  [
    z.string(),
    z
      .string({ error: 'say how many instances: +N to add, -N to remove, or N for a total' })
      .superRefine((amount, ctx) => {
        const parsed = parseScaleAmount(amount);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
      }),
  ],
  z.string(),
);

function fail(error: string, usage = SCALE_USAGE_TEXT): ScaleParseResult {
  return { ok: false, error, usage };
}

export function parseScaleCommand(text: string): ScaleParseResult {
  const trimmed = text.trim();
  const [first = '', second, ...rest] = trimmed.split(/\s+/).filter(Boolean);
  const sub = scaleSubcommand(first.toLowerCase());
  switch (sub) {
    case 'help':
    case 'targets':
      if (second !== undefined) return fail(`${sub} takes no arguments`, SCALE_USAGE[sub].form);
      return { ok: true, command: { sub } };
    case 'status': {
      if (rest.length > 0) return fail('status takes at most one target', SCALE_USAGE.status.form);
      return { ok: true, command: second === undefined ? { sub } : { sub, target: second } };
    }
    case null: {
      if (first === '') return fail('say which target and how many instances');
      const words = changeWords.safeParse([first, second, ...rest]);
      if (!words.success) return fail(words.error.issues[0]?.message ?? 'invalid input');
      const [target, amount, ...reasonWords] = words.data;
      const reason = reasonWords.join(' ');
      if (reason.length > MAX_REASON)
        return fail(`the reason is ${reason.length} characters; keep it under ${MAX_REASON}`);
      return { ok: true, command: { sub: 'change', target, amount, ...(reason ? { reason } : {}) } };
    }
  }
}
