// Turns zod issues into one plain line each, `path.to.field: what is wrong`, for config files and webhook bodies.
import { z } from 'zod';
import { plural } from '../domain/plural';

type Issue = z.core.$ZodIssue;

/** `routing.services.0.responders.1`: the path as a person would type it into a search. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.');
}

/** A short, safe rendering of a value a sender gave us: strings quoted and cut, containers named. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return String(value);
  }
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  date: 'a date',
};

function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  if (quoted.length === 1) return quoted[0] ?? '';
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

function got(issue: Issue): string {
  return issue.input === undefined ? '' : ` (got ${describeValue(issue.input)})`;
}

function bound(
  issue: { origin: string; inclusive?: boolean },
  limit: number | bigint,
  direction: 'least' | 'most',
): string {
  const n = Number(limit);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `must have at ${direction} ${plural(n, 'item')}`;
    case 'string':
      if (direction === 'least' && n === 1) return 'must not be empty';
      return `must be at ${direction} ${plural(n, 'character')} long`;
    default:
      if (issue.inclusive === false) return `must be ${direction === 'least' ? 'greater' : 'less'} than ${n}`;
      return `must be at ${direction} ${n}`;
  }
}

/** True when a schema gave its own message (`z.literal('4', { error })`), which then says it better than we can. */
function hasOwnMessage(issue: Issue): boolean {
  const standard = z.config().localeError?.(issue as z.core.$ZodRawIssue);
  const text = typeof standard === 'string' ? standard : standard?.message;
  return text !== undefined && text !== issue.message;
}

/** What is wrong, without the path. Custom messages (refinements, formats, unknown keys) are used as written. */
export function issueMessage(issue: Issue): string {
  if (
    (issue.code === 'invalid_value' || issue.code === 'too_small' || issue.code === 'too_big') &&
    hasOwnMessage(issue)
  )
    return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected}${got(issue)}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}${got(issue)}`;
    case 'too_small':
      return `${bound(issue, issue.minimum, 'least')}${issue.origin === 'array' || issue.origin === 'string' ? '' : got(issue)}`;
    case 'too_big':
      return `${bound(issue, issue.maximum, 'most')}${issue.origin === 'array' || issue.origin === 'string' ? '' : got(issue)}`;
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' ? input[issue.discriminator] : undefined;
        if (value === undefined) return `required: ${oneOf(issue.options)}`;
        return `expected ${oneOf(issue.options)} (got ${describeValue(value)})`;
      }
      // A plain union: if one branch had the right type but a wrong value, that branch says what is wrong.
      const firsts = issue.errors.map((branch) => branch[0]).filter((first): first is Issue => first !== undefined);
      const typed = firsts.filter((first) => first.code !== 'invalid_type');
      if (typed.length === 1 && typed[0]) return issueMessage(typed[0]);
      if (firsts.length > 0 && typed.length === 0) {
        const expected = firsts.map((first) =>
          first.code === 'invalid_type' ? (EXPECTED_NAMES[first.expected] ?? first.expected) : '',
        );
        return `expected ${expected.join(' or ')}${got(issue)}`;
      }
      return issue.message;
    }
    default:
      return issue.message;
  }
}

/** One line per issue: `prefix` + `path: message` (the bare message when the issue is about the whole value). */
export function formatIssues(issues: readonly Issue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const path = issuePath(issue.path);
    return `${prefix}${path ? `${path}: ` : ''}${issueMessage(issue)}`;
  });
}

/**
 * An object that refuses keys it does not know, naming them and, for a likely typo, the key that was meant.
 * Config files use it so that `timelineEntires: 3` is an error instead of a silently ignored line.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const unknown = issue.keys.map((key) => {
        const meant = closest(key, known);
        return `"${key}"${meant ? ` (did you mean "${meant}"?)` : ''}`;
      });
      return `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; expected ${known.join(', ')}`;
    },
  });
}

/** The known key within two edits of `key`, if exactly one is that close. */
function closest(key: string, known: readonly string[]): string | undefined {
  const near = known.filter((k) => editDistance(key.toLowerCase(), k.toLowerCase()) <= 2);
  return near.length === 1 ? near[0] : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
