// What people read about the Slack commands — `/incident help`, the manifest's commands and usage hints, the
// README's command table — must name the forms the code parses, and the manifest's request URLs must reach
// the app. Every list here is read from the code (slack/ids.ts, the parsers' usage tables), never copied.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { createHttpApp, frontDoor, listen } from '../../src/http/server';
import { createMetrics } from '../../src/observability/metrics';
import { PRESET_GROUP } from '../../src/sandbox/fake-cloud';
import {
  CAPACITY_SUBCOMMANDS,
  COMMANDS,
  INCIDENT_SUBCOMMANDS,
  SCALE_SUBCOMMANDS,
  SLACK_EVENTS_PATH,
} from '../../src/slack/ids';
import { INCIDENT_USAGE, parseIncidentCommand } from '../../src/slack/listeners/commands/parse-incident-command';
import {
  CAPACITY_FORMS,
  ONCALL_USAGE,
  SCALE_FORMS,
  SCALE_USAGE,
  scaleSubcommand,
  type CommandForm,
} from '../../src/slack/listeners/commands/usage';
import { helpReply, scaleHelpReply } from '../../src/slack/views/command-replies';
import { capacityHelpReply } from '../../src/slack/views/capacity-plan-views';

const root = join(__dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = parse(readFileSync(join(root, 'manifests/slack-app.yaml'), 'utf8')) as {
  features: { slash_commands: Array<{ command: string; usage_hint?: string }> };
};

/** Each command's subcommands; typed by COMMANDS, so a new command must be added here to compile. */
const SUBCOMMANDS: Record<keyof typeof COMMANDS, readonly string[]> = {
  incident: INCIDENT_SUBCOMMANDS,
  scale: SCALE_SUBCOMMANDS,
  oncall: [],
  capacity: CAPACITY_SUBCOMMANDS,
};

/** Every form of every command, as the code states it. */
const FORMS: CommandForm[] = [
  ...INCIDENT_SUBCOMMANDS.map((s) => INCIDENT_USAGE[s]),
  ...SCALE_FORMS,
  ONCALL_USAGE,
  ...CAPACITY_FORMS,
];

/** The code spans in the first column of the README's "Slack commands" table, with `\|` unescaped. */
function readmeCommandForms(): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Slack commands\n'));
  if (!section) throw new Error('README.md has no "## Slack commands" section');
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => {
    const firstCell = row.slice(1).split(/(?<!\\)\|/)[0] ?? '';
    return [...firstCell.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').replace(/\\\|/g, '|'));
  });
}

/** The bare words of a usage hint's alternatives: "declare <title> [sev1-4] | status" → declare, status. */
function hintWords(hint: string): string[] {
  const bare = hint.replace(/<[^>]*>/g, '').replace(/\[[^\]]*\]/g, '');
  return bare
    .split('|')
    .map((alternative) => alternative.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Every request URL in the manifest, wherever it is (`url`, `request_url`). */
function requestUrls(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(requestUrls);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === 'string' && /(^|_)url$/.test(key) ? [value] : requestUrls(value),
  );
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('the subcommands the parsers read', () => {
  it('are exactly the lists in slack/ids.ts', () => {
    for (const sub of INCIDENT_SUBCOMMANDS) {
      const parsed = parseIncidentCommand(sub);
      // Parsed, or refused with the subcommand's own form (it wants arguments), never "not an /incident command".
      if (!parsed.ok) expect(parsed.usage).toBe(INCIDENT_USAGE[sub].form);
    }
    expect(parseIncidentCommand('frobnicate')).toMatchObject({
      ok: false,
      error: expect.stringContaining('is not an /incident command'),
    });
    for (const sub of SCALE_SUBCOMMANDS) expect(scaleSubcommand(sub)).toBe(sub);
    expect(scaleSubcommand('web')).toBeNull();
  });

  it('each have a form that starts with the command and the subcommand', () => {
    for (const sub of INCIDENT_SUBCOMMANDS)
      expect(INCIDENT_USAGE[sub].form.startsWith(`${COMMANDS.incident} ${sub}`)).toBe(true);
    for (const sub of SCALE_SUBCOMMANDS)
      expect(SCALE_USAGE[sub].form.startsWith(`${COMMANDS.scale} ${sub}`)).toBe(true);
    expect(ONCALL_USAGE.form).toBe(COMMANDS.oncall);
  });
});

describe('/incident help', () => {
  it('shows every form of every command, /oncall and /scale included', () => {
    const { text } = helpReply();
    for (const { form } of FORMS) expect(text).toContain(`\`${form}\``);
    for (const command of Object.values(COMMANDS)) expect(text).toContain(command);
  });

  it('/capacity help shows every form of /capacity', () => {
    const { text } = capacityHelpReply();
    for (const { form } of CAPACITY_FORMS) expect(text).toContain(`\`${form}\``);
  });

  it('/scale help shows every form of /scale', () => {
    const { text } = scaleHelpReply();
    for (const { form } of SCALE_FORMS) expect(text).toContain(`\`${form}\``);
  });
});

describe("the manifest's slash commands", () => {
  it('name every subcommand in their usage hint, and no other word', () => {
    for (const [key, command] of Object.entries(COMMANDS) as Array<[keyof typeof COMMANDS, string]>) {
      const declared = manifest.features.slash_commands.find((c) => c.command === command);
      expect(declared).toBeDefined();
      expect({ command, words: sorted(hintWords(declared?.usage_hint ?? '')) }).toEqual({
        command,
        words: sorted(SUBCOMMANDS[key]),
      });
    }
  });
});

describe("the README's Slack commands table", () => {
  const forms = readmeCommandForms();

  it('lists every form the code states, word for word', () => {
    for (const { form } of FORMS) expect(forms).toContain(form);
  });

  it('lists nothing the code does not parse', () => {
    const known = new Set(FORMS.map((f) => f.form));
    expect(forms.filter((form) => !known.has(form))).toEqual([]);
  });
});

describe("the manifest's request URLs", () => {
  const urls = requestUrls(parse(readFileSync(join(root, 'manifests/slack-app.yaml'), 'utf8')));
  let server: Server | undefined;
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('are as many as the README says', () => {
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    const said = [...readme.matchAll(/the (\w+) request URLs/g)].map((m) => words.indexOf(m[1] ?? ''));
    expect(said.length).toBeGreaterThan(0);
    for (const count of said) expect(count).toBe(urls.length);
  });

  it('all reach the app, at the path its HTTP server hands to Bolt', async () => {
    expect(urls.length).toBeGreaterThan(0);
    const reached: string[] = [];
    const logger = pino({ level: 'silent' });
    const metrics = createMetrics({ outboxDepth: async () => 0, defaultMetrics: false });
    const app = createHttpApp({ logger, metrics, ready: async () => ({ ready: true, checks: {} }), routers: [] });
    const listener = frontDoor({
      logger,
      metrics,
      alerts: { handlerFor: () => undefined },
      // Bolt's place, recorded: what reaches it is what Slack's requests would reach.
      slack: (req, res) => {
        reached.push(req.url ?? '');
        res.end('{}');
      },
      app,
    });
    const listening = await listen(listener, 0, '127.0.0.1');
    server = listening.server;
    for (const url of urls) {
      const { pathname } = new URL(url);
      const response = await fetch(`http://127.0.0.1:${listening.port}${pathname}`, { method: 'POST', body: 'x' });
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
    }
    expect(reached).toHaveLength(urls.length);
    expect(new Set(reached)).toEqual(new Set([SLACK_EVENTS_PATH]));
  });
});

describe('the sandbox cloud the README describes', () => {
  it("names the simulated account's preset group beside the sandbox's own", () => {
    expect(readme).toContain(`\`${PRESET_GROUP.name}\` (${PRESET_GROUP.min}–${PRESET_GROUP.max})`);
    expect(readme).toContain('`web-sandbox-asg`');
  });
});
