// The grammar of `/scale`: what each form turns into, and what a person is told when it is wrong.
import { parseScaleCommand } from '../../../src/slack/listeners/commands/parse-scale-command';

describe('/scale grammar', () => {
  it.each([
    ['help', { sub: 'help' }],
    ['HELP', { sub: 'help' }],
    ['targets', { sub: 'targets' }],
    ['status', { sub: 'status' }],
    ['status web', { sub: 'status', target: 'web' }],
    ['web +4', { sub: 'change', target: 'web', amount: '+4' }],
    ['web -2', { sub: 'change', target: 'web', amount: '-2' }],
    ['  web   12  ', { sub: 'change', target: 'web', amount: '12' }],
    ['web +4 flash sale traffic', { sub: 'change', target: 'web', amount: '+4', reason: 'flash sale traffic' }],
  ])('reads "%s"', (text, command) => {
    expect(parseScaleCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['', 'say which target and how many instances'],
    ['web', 'say how many instances: +N to add, -N to remove, or N for a total'],
    ['web lots', '"lots" is not a number of instances'],
    ['web 2.5', '"2.5" is not a whole number of instances'],
    ['web +0', '"+0" would change nothing'],
    ['status web api', 'status takes at most one target'],
    ['targets web', 'targets takes no arguments'],
    [`web +1 ${'x'.repeat(501)}`, 'the reason is 501 characters; keep it under 500'],
  ])('refuses "%s" saying what is wrong, with the usage', (text, error) => {
    const parsed = parseScaleCommand(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain(error);
    expect(parsed.usage).toContain('/scale');
  });
});
