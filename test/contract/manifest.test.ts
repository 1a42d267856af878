// The Slack app manifest, the ids in src/slack/ids.ts and the listeners actually registered must agree:
// a command missing from the manifest never reaches us, a scope missing fails at the first call in production.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { registerListeners } from '../../src/slack/listeners';
import type { ListenerRegistrar, Registered } from '../../src/slack/registrar';
import type { SlackDeps } from '../../src/slack/deps';
import {
  ACTIONS,
  BOT_SCOPES,
  COMMANDS,
  EVENT_TYPES,
  EVENTS,
  SLACK_EVENTS_PATH,
  VIEWS,
  WEB_API_METHODS,
} from '../../src/slack/ids';

interface Manifest {
  features: { slash_commands: Array<{ command: string; url: string; description: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

const manifest = parse(readFileSync(join(__dirname, '../../manifests/slack-app.yaml'), 'utf8')) as Manifest;

/** What registerListeners asks Bolt for, recorded without starting Bolt. */
function registeredListeners(): Registered {
  const registered: Registered = { commands: [], actions: [], views: [], events: [] };
  const recorder: ListenerRegistrar = {
    registered,
    command: (name) => void registered.commands.push(name),
    action: (id) => void registered.actions.push(id),
    view: (id) => void registered.views.push(id),
    event: (name) => void registered.events.push(name),
  };
  // Registration only stores handlers; none runs, so no dependency is touched.
  registerListeners(recorder, {} as SlackDeps);
  return registered;
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

const root = join(__dirname, '../..');
/** Where Firebreak calls Slack's Web API: the Chat adapter, and the listeners through Bolt's client. */
const CALLING_DIRS = ['src/adapters/slack', 'src/slack'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The Web API methods the code calls, by method, with the files calling each, read from the source:
 * `call('chat.postMessage', …)` and its kin in the adapter, `client.views.open(…)` in the listeners.
 */
function methodsCalled(): Map<string, string[]> {
  const byAdapter = /\b(?:call|observed|apiCall)\s*(?:<[^()]*?>)?\(\s*'([a-z]+(?:\.[a-zA-Z0-9]+)+)'/g;
  const byBoltClient = /\bclient\s*\.\s*([a-z]+)\s*\.\s*([a-zA-Z0-9]+)\s*\(/g;
  const called = new Map<string, string[]>();
  for (const file of CALLING_DIRS.flatMap(sourceFiles)) {
    const text = readFileSync(join(root, file), 'utf8');
    const methods = [
      ...[...text.matchAll(byAdapter)].map((m) => m[1] as string),
      ...[...text.matchAll(byBoltClient)].map((m) => `${m[1]}.${m[2]}`),
    ];
    for (const method of methods) called.set(method, [...new Set([...(called.get(method) ?? []), file])]);
  }
  return called;
}

describe('the Slack app manifest', () => {
  const registered = registeredListeners();

  it('declares exactly the slash commands the code registers', () => {
    const inManifest = manifest.features.slash_commands.map((c) => c.command);
    expect(sorted(inManifest)).toEqual(sorted(Object.values(COMMANDS)));
    expect(sorted(registered.commands)).toEqual(sorted(Object.values(COMMANDS)));
  });

  it('sends commands, events and interactivity to the endpoint Bolt serves', () => {
    const paths = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ].map((url) => new URL(url).pathname);
    expect(new Set(paths)).toEqual(new Set([SLACK_EVENTS_PATH]));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('subscribes to exactly the events the code listens to', () => {
    expect(sorted(manifest.settings.event_subscriptions.bot_events)).toEqual(sorted(EVENTS));
    expect(sorted(registered.events)).toEqual(sorted(EVENTS.map((e) => EVENT_TYPES[e])));
  });

  it('knows the scopes of exactly the Web API methods the code calls', () => {
    const called = methodsCalled();
    // A method called but missing from the table would go without its scope; one listed but never called
    // would ask for a scope nobody uses.
    const withoutScopes = [...called].filter(([method]) => !(method in WEB_API_METHODS));
    expect(withoutScopes.map(([method, files]) => `${method} (called in ${files.join(', ')})`)).toEqual([]);
    expect(sorted(Object.keys(WEB_API_METHODS))).toEqual(sorted(called.keys()));
  });

  it("asks for exactly the bot scopes derived from the code's methods and events", () => {
    expect(sorted(manifest.oauth_config.scopes.bot)).toEqual(sorted(BOT_SCOPES));
  });

  it('asks to read the threads and direct messages a retry looks in for an update sent before a crash', () => {
    // conversations.replies (the thread under the announcement) and conversations.history on the bot's own
    // direct conversations (im:history): without them a lost answer sends an update twice.
    expect(WEB_API_METHODS['conversations.replies']).toEqual(['channels:history']);
    expect(WEB_API_METHODS['conversations.history']).toContain('im:history');
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'im:history']));
  });

  it('registers a listener for every button and modal id, and no other', () => {
    expect(sorted(registered.actions)).toEqual(sorted(Object.values(ACTIONS)));
    expect(sorted(registered.views)).toEqual(sorted(Object.values(VIEWS)));
  });
});
