// The Slack app manifest, the ids in src/slack/ids.ts and the listeners actually registered must agree:
// a command missing from the manifest never reaches us, a scope missing fails at the first call in production.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { registerListeners } from '../../src/slack/listeners';
import type { ListenerRegistrar, Registered } from '../../src/slack/registrar';
import type { SlackDeps } from '../../src/slack/deps';
import { ACTIONS, BOT_SCOPES, COMMANDS, EVENTS, SLACK_EVENTS_PATH, VIEWS } from '../../src/slack/ids';

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
    expect(sorted(registered.events)).toEqual(sorted(EVENTS));
  });

  it('asks for exactly the bot scopes the code needs', () => {
    expect(sorted(manifest.oauth_config.scopes.bot)).toEqual(sorted(BOT_SCOPES));
  });

  it('registers a listener for every button and modal id, and no other', () => {
    expect(sorted(registered.actions)).toEqual(sorted(Object.values(ACTIONS)));
    expect(sorted(registered.views)).toEqual(sorted(Object.values(VIEWS)));
  });
});
