// The grammar of `/incident`: turns the text after the command into a typed request, or says what is wrong.
import { z } from 'zod';
import { SETTABLE_STATUSES } from '../../../domain/incident';
import type { Severity } from '../../../domain/severity';
import { INCIDENT_SUBCOMMANDS, type IncidentSubcommand } from '../../ids';

export const INCIDENT_USAGE: Record<IncidentSubcommand, { form: string; what: string }> = {
  declare: {
    form: '/incident declare [--test] <title> [sev1-4] [service]',
    what: 'open an incident and its channel (no arguments: a form; --test: a test incident that pages and announces nothing)',
  },
  status: { form: `/incident status <${SETTABLE_STATUSES.join('|')}> [message]`, what: 'set the status' },
  note: { form: '/incident note <text>', what: 'add a note to the timeline' },
  lead: { form: '/incident lead @user', what: 'name the incident lead' },
  sev: { form: '/incident sev <1-4>', what: 'change the severity' },
  page: { form: '/incident page [message]', what: 'page the on-call engineer (again)' },
  resolve: {
    form: '/incident resolve [summary]',
    what: 'resolve the incident (no summary: a form for impact, root cause, tasks)',
  },
  postmortem: { form: '/incident postmortem', what: 'draft the postmortem from the timeline, again at any time' },
  escalate: {
    form: '/incident escalate <team> [message]',
    what: 'page another team and bring its people into the channel (no arguments: a form)',
  },
  timeline: { form: '/incident timeline', what: 'show the whole timeline (only to you)' },
  catchup: {
    form: '/incident catchup',
    what: 'catch up: what is broken, who is on it, what happened last and what is awaited (only to you)',
  },
  list: { form: '/incident list', what: 'list open incidents' },
  update: {
    form: '/incident update <text>',
    what: 'post a stakeholder update: here, under the announcement, and to subscribers',
  },
  subscribe: { form: '/incident subscribe', what: "get this incident's updates by direct message" },
  unsubscribe: { form: '/incident unsubscribe', what: 'stop getting its updates' },
  help: { form: '/incident help', what: 'this list' },
};

/** `/incident page`'s help line, naming the configured pager ("through PagerDuty") when there is one. */
export function pageUsage(pagerName: string | null): { form: string; what: string } {
  return {
    form: INCIDENT_USAGE.page.form,
    what: `page the on-call engineer${pagerName ? ` through ${pagerName}` : ''} (again)`,
  };
}

export type IncidentCommand =
  | { sub: 'declare'; title: string; severity?: Severity; service?: string; test?: boolean }
  | { sub: 'declare-form'; test?: boolean }
  | { sub: 'status'; status: (typeof SETTABLE_STATUSES)[number]; message?: string }
  | { sub: 'note'; text: string }
  | { sub: 'lead'; userId: string }
  | { sub: 'sev'; severity: Severity }
  | { sub: 'page'; message?: string }
  | { sub: 'resolve'; summary?: string }
  | { sub: 'postmortem' }
  | { sub: 'escalate'; team: string; message?: string }
  | { sub: 'escalate-form' }
  | { sub: 'timeline' }
  | { sub: 'catchup' }
  | { sub: 'list' }
  | { sub: 'update'; text: string }
  | { sub: 'subscribe' }
  | { sub: 'unsubscribe' }
  | { sub: 'help' };

export type ParseResult = { ok: true; command: IncidentCommand } | { ok: false; error: string; usage: string };

const MAX_TITLE = 150;
const MAX_NOTE = 3000;
/** As the update form allows (update-modal.ts): it fits one Slack section with its heading. */
const MAX_UPDATE = 2800;
/** PagerDuty's summary holds 1024 characters, and the title goes first. */
const MAX_PAGE_MESSAGE = 500;

/** Splits on whitespace but keeps "quoted titles" together. */
function tokenize(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

const severityWord = z
  .string()
  .transform((s) => s.toLowerCase().replace(/^sev(?=\d)/, ''))
  .pipe(z.enum(['1', '2', '3', '4'], { error: 'the severity is a number from 1 (worst) to 4' }))
  .transform((n) => `sev${n}` as Severity);

const serviceName = z
  .string()
  .regex(/^[\w.-]{1,64}$/, 'a service name is one word of letters, digits, ".", "_" or "-"');

/** Slack escapes a mentioned user as <@U123> or <@U123|name> when the command has escaping on. */
const mention = z
  .string()
  .regex(/^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/, 'mention the person so Slack links them, e.g. @alice')
  .transform((s) => s.slice(2).split(/[|>]/)[0] ?? '');

function fail(sub: IncidentSubcommand, error: string): ParseResult {
  return { ok: false, error, usage: INCIDENT_USAGE[sub].form };
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid input';
}

/** `--test` (anywhere among the words) asks for a test incident. */
const TEST_FLAG = '--test';

function parseDeclare(words: string[]): ParseResult {
  const test = words.some((w) => w.toLowerCase() === TEST_FLAG);
  const args = words.filter((w) => w.toLowerCase() !== TEST_FLAG);
  const unknownFlag = args.find((w) => /^--\w/.test(w));
  if (unknownFlag) return fail('declare', `"${unknownFlag}" is not an option of declare; the only one is ${TEST_FLAG}`);
  if (args.length === 0) return { ok: true, command: { sub: 'declare-form', ...(test ? { test } : {}) } };
  const sevAt = args.findLastIndex((t) => /^sev[1-4]$/i.test(t));
  const titleWords = sevAt >= 0 ? args.slice(0, sevAt) : args;
  const rest = sevAt >= 0 ? args.slice(sevAt + 1) : [];
  const title = titleWords.join(' ').trim();
  if (!title) return fail('declare', 'the incident needs a title');
  if (title.length > MAX_TITLE)
    return fail('declare', `the title is ${title.length} characters; keep it under ${MAX_TITLE}`);
  if (rest.length > 1) return fail('declare', 'after the severity, only a service name may follow');
  const command: IncidentCommand = { sub: 'declare', title, ...(test ? { test } : {}) };
  if (sevAt >= 0) command.severity = severityWord.parse(args[sevAt]);
  if (rest[0] !== undefined) {
    const service = serviceName.safeParse(rest[0]);
    if (!service.success) return fail('declare', firstIssue(service.error));
    command.service = service.data;
  }
  return { ok: true, command };
}

export function parseIncidentCommand(text: string): ParseResult {
  const trimmed = text.trim();
  const [first = 'help', ...args] = tokenize(trimmed);
  const sub = first.toLowerCase();
  const restText = trimmed.slice(trimmed.indexOf(first) + first.length).trim();
  switch (sub) {
    case 'declare':
      return parseDeclare(args);
    case 'status': {
      const status = z.enum(SETTABLE_STATUSES).safeParse(args[0]?.toLowerCase());
      if (!status.success)
        return fail(
          'status',
          args[0] ? `"${args[0]}" is not a status; use one of ${SETTABLE_STATUSES.join(', ')}` : 'say which status',
        );
      const message = restText.slice((args[0] ?? '').length).trim();
      return { ok: true, command: { sub: 'status', status: status.data, ...(message ? { message } : {}) } };
    }
    case 'note': {
      if (!restText) return fail('note', 'the note is empty');
      if (restText.length > MAX_NOTE)
        return fail('note', `the note is ${restText.length} characters; keep it under ${MAX_NOTE}`);
      return { ok: true, command: { sub: 'note', text: restText } };
    }
    case 'lead': {
      if (args.length !== 1) return fail('lead', 'name one person');
      const user = mention.safeParse(args[0]);
      if (!user.success) return fail('lead', firstIssue(user.error));
      return { ok: true, command: { sub: 'lead', userId: user.data } };
    }
    case 'sev': {
      if (args.length !== 1) return fail('sev', 'give one severity');
      const severity = severityWord.safeParse(args[0]);
      if (!severity.success) return fail('sev', firstIssue(severity.error));
      return { ok: true, command: { sub: 'sev', severity: severity.data } };
    }
    case 'page': {
      if (restText.length > MAX_PAGE_MESSAGE)
        return fail('page', `the message is ${restText.length} characters; keep it under ${MAX_PAGE_MESSAGE}`);
      return { ok: true, command: { sub: 'page', ...(restText ? { message: restText } : {}) } };
    }
    case 'resolve': {
      if (restText.length > MAX_NOTE)
        return fail('resolve', `the summary is ${restText.length} characters; keep it under ${MAX_NOTE}`);
      return { ok: true, command: { sub: 'resolve', ...(restText ? { summary: restText } : {}) } };
    }
    case 'escalate': {
      const [team] = args;
      if (team === undefined) return { ok: true, command: { sub: 'escalate-form' } };
      const message = restText.slice(restText.indexOf(team) + team.length).trim();
      if (message.length > MAX_PAGE_MESSAGE)
        return fail('escalate', `the message is ${message.length} characters; keep it under ${MAX_PAGE_MESSAGE}`);
      return { ok: true, command: { sub: 'escalate', team, ...(message ? { message } : {}) } };
    }
    case 'update': {
      if (!restText) return fail('update', 'the update has no text: say what people outside the channel should know');
      if (restText.length > MAX_UPDATE)
        return fail('update', `the update is ${restText.length} characters; keep it under ${MAX_UPDATE}`);
      return { ok: true, command: { sub: 'update', text: restText } };
    }
    case 'postmortem':
    case 'timeline':
    case 'catchup':
    case 'list':
    case 'subscribe':
    case 'unsubscribe':
    case 'help':
      if (args.length > 0) return fail(sub, `${sub} takes no arguments`);
      return { ok: true, command: { sub } };
    default:
      return {
        ok: false,
        error: `"${first}" is not an /incident command`,
        usage: INCIDENT_SUBCOMMANDS.map((s) => INCIDENT_USAGE[s].form).join('\n'),
      };
  }
}
