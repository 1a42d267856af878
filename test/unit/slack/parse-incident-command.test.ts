import { parseIncidentCommand } from '../../../src/slack/listeners/commands/parse-incident-command';

describe('/incident grammar', () => {
  it.each([
    ['', { sub: 'help' }],
    ['help', { sub: 'help' }],
    ['declare', { sub: 'declare-form' }],
    ['declare Checkout returns 500s', { sub: 'declare', title: 'Checkout returns 500s' }],
    ['declare Checkout returns 500s sev1', { sub: 'declare', title: 'Checkout returns 500s', severity: 'sev1' }],
    [
      'declare Checkout returns 500s SEV2 checkout',
      { sub: 'declare', title: 'Checkout returns 500s', severity: 'sev2', service: 'checkout' },
    ],
    [
      'declare "Flash sale sev1 traffic" sev1 web',
      { sub: 'declare', title: 'Flash sale sev1 traffic', severity: 'sev1', service: 'web' },
    ],
    ['status identified flash sale traffic', { sub: 'status', status: 'identified', message: 'flash sale traffic' }],
    ['status monitoring', { sub: 'status', status: 'monitoring' }],
    ['note added 10 web servers', { sub: 'note', text: 'added 10 web servers' }],
    ['lead <@U0BOB|bob>', { sub: 'lead', userId: 'U0BOB' }],
    ['lead <@U0BOB>', { sub: 'lead', userId: 'U0BOB' }],
    ['sev 1', { sub: 'sev', severity: 'sev1' }],
    ['sev sev3', { sub: 'sev', severity: 'sev3' }],
    ['timeline', { sub: 'timeline' }],
    ['catchup', { sub: 'catchup' }],
    ['list', { sub: 'list' }],
    ['declare --test', { sub: 'declare-form', test: true }],
    ['declare --test Checkout drill sev2', { sub: 'declare', title: 'Checkout drill', severity: 'sev2', test: true }],
    ['declare Checkout drill --TEST', { sub: 'declare', title: 'Checkout drill', test: true }],
    ['escalate', { sub: 'escalate-form' }],
    ['escalate network', { sub: 'escalate', team: 'network' }],
    [
      'escalate network routers dropping packets',
      { sub: 'escalate', team: 'network', message: 'routers dropping packets' },
    ],
  ])('%s', (text, command) => {
    expect(parseIncidentCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    [
      'status sleeping',
      '"sleeping" is not a status',
      '/incident status <investigating|identified|monitoring|mitigated|resolved> [message]',
    ],
    ['status', 'say which status', '/incident status'],
    ['note', 'the note is empty', '/incident note <text>'],
    ['lead bob', 'mention the person', '/incident lead @user'],
    ['lead <@U0BOB> <@U0ALICE>', 'name one person', '/incident lead @user'],
    ['sev 5', 'a number from 1 (worst) to 4', '/incident sev <1-4>'],
    ['sev high', 'a number from 1 (worst) to 4', '/incident sev <1-4>'],
    ['catchup please', 'catchup takes no arguments', '/incident catchup'],
    ['declare --dry-run Outage', '"--dry-run" is not an option of declare', '/incident declare [--test]'],
    [
      'declare Outage sev1 web extra',
      'only a service name may follow',
      '/incident declare [--test] <title> [sev1-4] [service]',
    ],
    ['declare sev1', 'needs a title', '/incident declare'],
    ['list everything', 'list takes no arguments', '/incident list'],
    ['snooze', '"snooze" is not an /incident command', '/incident declare'],
    [`escalate network ${'x'.repeat(501)}`, 'keep it under 500', '/incident escalate <team> [message]'],
  ])('%s → names the problem and the right form', (text, problem, usage) => {
    const result = parseIncidentCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(problem);
    expect(result.usage).toContain(usage);
  });
});

describe('/incident update, subscribe, unsubscribe', () => {
  it.each([
    ['update Checkout is back; watching', { sub: 'update', text: 'Checkout is back; watching' }],
    ['subscribe', { sub: 'subscribe' }],
    ['unsubscribe', { sub: 'unsubscribe' }],
  ])('%s', (text, command) => {
    expect(parseIncidentCommand(text)).toEqual({ ok: true, command });
  });

  it('refuses an update with no text, naming the problem and the form', () => {
    expect(parseIncidentCommand('update   ')).toEqual({
      ok: false,
      error: 'the update has no text: say what people outside the channel should know',
      usage: '/incident update <text>',
    });
  });

  it('refuses an update too long for one message, and arguments to subscribe', () => {
    const long = parseIncidentCommand(`update ${'x'.repeat(2801)}`);
    expect(long).toMatchObject({ ok: false, usage: '/incident update <text>' });
    expect(parseIncidentCommand('subscribe me')).toMatchObject({ ok: false, usage: '/incident subscribe' });
  });
});
